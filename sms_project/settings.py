"""Settings for SMS Graph.

Everything that differs between machines comes from the environment, or from a ``.env``
file beside ``manage.py`` when present (the environment wins). ``.env.example`` documents
every variable.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from sms_project.databases import database_from_env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# SMS_ENV_FILE points elsewhere (tests point it at /dev/null to see the bare defaults).
ENV_FILE = Path(environ.Env().str("SMS_ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off: set it in the environment or in "
            ".env (`make .env` writes one with a fresh key)."
        )
    SECRET_KEY = "django-insecure-development-only"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "web.admin_site.LazyAdminConfig",  # django.contrib.admin, read when first used
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "graph",
    "ingest",
    "carpenter",
    "web",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # request metrics: first...
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "web.middleware.PrivatePagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",  # ...and last
]

ROOT_URLCONF = "sms_project.urls"
WSGI_APPLICATION = "sms_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_from_env(env, VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
# The city the events happen in: event days and times are local to it.
TIME_ZONE = env.str("TIME_ZONE", default="America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Security. Cookies, HSTS and the HTTPS redirect are switched on together by HTTPS=on,
# because setting them on a plain-HTTP site locks users out (README, "Deploying").
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# One run per source at a time: lock files live here (graph.locks).
LOCK_DIR = Path(env.str("LOCK_DIR", default=str(VAR_DIR / "locks")))

# Fetching: who we say we are, and the secrets of the sources that need one.
SCRAPER_USER_AGENT = env.str(
    "SCRAPER_USER_AGENT",
    default="SMS-Graph/1.0 (+https://github.com/sms-graph; Seattle live-music listings)",
)
TICKETMASTER_API_KEY = env.str("TICKETMASTER_API_KEY", default="")
TICKETMASTER_URL = env.str(
    "TICKETMASTER_URL", default="https://app.ticketmaster.com/discovery/v2/events.json"
)
BLUE_MOON_FEED_URL = env.str("BLUE_MOON_FEED_URL", default="")
# Which source wins when two describe the same show differently: earlier wins. A
# venue's own site knows its shows better than an aggregator does.
SOURCE_PRIORITY = env.list(
    "SOURCE_PRIORITY",
    default=[
        # venues' own listings (their site, or the platform they publish through)
        "blue_moon", "sea_monster", "darrells_tavern", "barboza", "neumos", "conor_byrne",
        "sunset_tavern", "skylark", "little_red_hen", "royal_room", "nectar_lounge",
        "high_dive", "kexp",
        # ticketing platforms, then aggregators
        "ticketmaster", "eventbrite", "songkick", "bandsintown",
    ],
)  # fmt: skip

# Sources (ingest/sources): which are switched off here, and the secrets some need.
SOURCES_DISABLED = env.list("SOURCES_DISABLED", default=[])
DICE_API_KEY = env.str("DICE_API_KEY", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Operations (README, "Running it for real"): scheduled runs, backups, retention, metrics.
# Schedules are cron expressions in TIME_ZONE, or "off". SCHEDULE_<SOURCE> sets one source
# (SCHEDULE_BLUE_MOON="0 */2 * * *"); sources without one take their category's default.
SCHEDULES = {
    "venue_sites": "7 */4 * * *",  # a venue's own site: every four hours
    "aggregators": "23 6 * * *",  # ticketing APIs and listings: daily, early morning
    "backup": "41 3 * * *",
    "prune": "53 3 * * *",
} | {
    key.removeprefix("SCHEDULE_").lower(): value
    for key, value in env.ENVIRON.items()
    if key.startswith("SCHEDULE_") and value.strip()
}
# How often the scheduler looks for due and requested jobs, in seconds.
SCHEDULER_TICK = env.float("SCHEDULER_TICK", default=5.0)
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=7)  # the scheduled backup keeps the last N
PRUNE_AFTER_DAYS = env.int("PRUNE_AFTER_DAYS", default=90)  # the scheduled prune's --older-than
# /metrics wants "Authorization: Bearer <METRICS_TOKEN>"; unset, it answers loopback only.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# Content-Security-Policy on every page (django-csp): no inline script or style, nothing
# from other hosts but images (event posters). The one inline style Django's admin may
# write (its change list with no actions) is allowed by its hash; tests/web/test_headers.py
# checks the hash against Django's template. A view that needs more says so with
# django-csp's decorators (csp_update), for its own responses only.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF, "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='"],
        "img-src": [_SELF, "data:", "https:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_NONE],
        "frame-ancestors": [_NONE],
        "form-action": [_SELF],
    }
}

# Password reset by mail only when mail is configured (EMAIL_URL, e.g.
# smtp+tls://user:password@mail.example.org:587); without it the reset pages do not exist
# and the login page says to ask an operator.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    globals().update(env.email_url_config(EMAIL_URL))
    DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="sms-graph@localhost")
PASSWORD_RESET_BY_MAIL = bool(EMAIL_URL)
