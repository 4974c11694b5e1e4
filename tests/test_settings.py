"""Configuration: engines chosen by environment alone, safe defaults, deploy checks."""

import subprocess
import sys

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from sms_project.databases import EMBEDDED_PRAGMAS, database_from_env
from tests.conftest import ROOT


def config(monkeypatch, tmp_path, **variables):
    for name in ("DATABASE_URL", "LIBSQL_URL", "LIBSQL_AUTH_TOKEN", "SQLITE_PATH"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return database_from_env(environ.Env(), tmp_path)


def bare_python(code: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run Python with Django settings from nothing but ``variables`` (no .env)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "SMS_ENV_FILE": "/dev/null",
        "PYTHONPATH": str(ROOT),
        **variables,
    }
    env["DJANGO_SETTINGS_MODULE"] = "sms_project.settings"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


class TestEngines:
    def test_no_variable_means_the_embedded_file_under_var(self, monkeypatch, tmp_path):
        db = config(monkeypatch, tmp_path)
        assert db["ENGINE"] == "django.db.backends.sqlite3"
        assert db["NAME"] == str(tmp_path / "sms.sqlite3")
        assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert db["OPTIONS"]["timeout"] > 0
        assert "PRAGMA journal_mode=WAL" in db["OPTIONS"]["init_command"]
        assert "PRAGMA foreign_keys=ON" in db["OPTIONS"]["init_command"]

    def test_libsql_url_selects_the_libsql_engine(self, monkeypatch, tmp_path):
        db = config(
            monkeypatch, tmp_path, LIBSQL_URL="libsql://sms-graph.turso.io", LIBSQL_AUTH_TOKEN="tok"
        )
        assert db["ENGINE"] == "graph.backends.libsql"
        assert db["NAME"] == "libsql://sms-graph.turso.io"
        assert db["OPTIONS"]["auth_token"] == "tok"

    def test_a_local_libsql_file_gets_its_own_test_file(self, monkeypatch, tmp_path):
        db = config(monkeypatch, tmp_path, LIBSQL_URL="file:var/graph.db")
        assert db["TEST"]["NAME"] == "file:var/test-graph.db"

    def test_database_url_selects_any_django_engine(self, monkeypatch, tmp_path):
        db = config(monkeypatch, tmp_path, DATABASE_URL="postgres://sms@db.internal:5432/sms")
        assert db["ENGINE"] == "django.db.backends.postgresql"
        assert (db["HOST"], db["NAME"], db["USER"]) == ("db.internal", "sms", "sms")

    def test_both_urls_is_a_clear_error(self, monkeypatch, tmp_path):
        with pytest.raises(ImproperlyConfigured, match="not both"):
            config(monkeypatch, tmp_path, DATABASE_URL="postgres://x/y", LIBSQL_URL="libsql://z")

    def test_an_unknown_libsql_scheme_is_a_clear_error(self, monkeypatch, tmp_path):
        with pytest.raises(ImproperlyConfigured, match="LIBSQL_URL must start with"):
            config(monkeypatch, tmp_path, LIBSQL_URL="mysql://nope")


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.settings_dict["ENGINE"] != "django.db.backends.sqlite3",
    reason="embedded engine only",
)
def test_the_embedded_engine_runs_with_its_pragmas():
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 30_000
    assert len(EMBEDDED_PRAGMAS) >= 3


class TestDefaults:
    def test_debug_is_off_and_a_secret_key_is_required(self):
        result = bare_python("import django; django.setup()")
        assert result.returncode != 0
        assert "SECRET_KEY is required when DEBUG is off" in result.stderr

    def test_debug_is_off_unless_set(self):
        result = bare_python(
            "from django.conf import settings; print(settings.DEBUG)", SECRET_KEY="k"
        )
        assert result.stdout.strip() == "False"

    def test_debug_on_runs_without_a_secret_key(self):
        result = bare_python("from django.conf import settings; print(settings.DEBUG)", DEBUG="on")
        assert result.stdout.strip() == "True"


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "SMS_ENV_FILE": "/dev/null",
        "SECRET_KEY": "x7$Qk2!vL9#pR4@mZ8^tW1&nB6*cY3%hJ5(dF0)gS_aE-uI+oK=lP?rT~vX" * 2,
        "HTTPS": "on",
        "ALLOWED_HOSTS": "sms.example.org",
        "SQLITE_PATH": str(tmp_path / "deploy.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
