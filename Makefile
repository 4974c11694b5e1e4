# SMS Graph. The two commands: `make demo` and `make test` (README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: demo serve test fuzz bench check lint clean

# Installs are redone only when a requirements file changes.
$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# A local .env with a fresh secret key; an existing one is never overwritten.
.env:
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "wrote .env with a fresh SECRET_KEY (see .env.example for the other settings)"

# Migrate the embedded database, run every source's pipeline from its recorded sample
# (a city's weeks of shows), make a local admin account, and serve the site on
# 127.0.0.1:$(PORT) (make demo PORT=8080 for another port).
PORT ?= 8000
demo: $(VENV)/.runtime .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo --port $(PORT)
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production start: migrate, collect static files, then the scheduler and gunicorn
# side by side; Ctrl-C or SIGTERM stops both (the scheduler after its batch in hand).
serve: $(VENV)/.runtime .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	rm -rf var/prometheus && mkdir -p var/prometheus
	export PROMETHEUS_MULTIPROC_DIR=$(CURDIR)/var/prometheus; \
	$(PY) manage.py scheduler & scheduler=$$!; \
	trap 'kill -TERM $$scheduler 2>/dev/null; wait $$scheduler' EXIT INT TERM; \
	$(BIN)/gunicorn --config gunicorn.conf.py sms_project.wsgi

# The whole suite on the configured engine (embedded file unless DATABASE_URL or
# LIBSQL_URL is set); .ci/run runs it on all three.
test: $(VENV)/.dev .env
	$(BIN)/pytest

# The property tests at length: 500 examples a source instead of make test's few.
fuzz: $(VENV)/.dev .env
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests/property -q

# Benchmarks print numbers; they are not tests.
BENCHMARKS := bench/graph_bulk.py bench/pipeline.py bench/pages.py
BENCHMARKS += bench/sources.py
BENCHMARKS += bench/ops.py
BENCHMARKS += bench/engines.py
BENCHMARKS += bench/public.py
BENCHMARKS += bench/artists.py
bench: $(VENV)/.dev .env
	@for script in $(BENCHMARKS); do echo "== $$script"; $(PY) $$script || exit 1; done

check: $(VENV)/.dev .env
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

lint: $(VENV)/.dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
