"""Fixtures shared by every test: the engine under test, and running manage.py.

The suite runs on whichever engine the environment selects (embedded SQLite file by
default, ``DATABASE_URL`` for PostgreSQL, ``LIBSQL_URL=file:...`` for the libSQL
engine); tests that start other processes hand them the same test database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLES = ROOT / "ingest" / "samples"


def engine_env() -> dict[str, str]:
    """Return an environment in which a child process opens the test database."""
    settings = connection.settings_dict
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "LIBSQL_URL", "SQLITE_PATH"}
    }
    env.setdefault("SECRET_KEY", "test-secret-key")
    env["PYTHONPATH"] = str(ROOT)
    if settings["ENGINE"] == "graph.backends.libsql":
        env["LIBSQL_URL"] = settings["NAME"]
    elif connection.vendor == "postgresql":
        user = settings.get("USER") or "postgres"
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        host = settings.get("HOST") or "127.0.0.1"
        port = settings.get("PORT") or 5432
        env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
    else:
        env["SQLITE_PATH"] = str(settings["NAME"])
    return env


@pytest.fixture
def manage() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python manage.py ARGS`` as a user would, on the test database."""

    def run(*args: str, timeout: float = 120, env: dict[str, str] | None = None):
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env={**engine_env(), **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture
def python_child() -> Callable[..., subprocess.Popen[str]]:
    """Start ``python SCRIPT ARGS`` with Django set up on the test database."""
    started: list[subprocess.Popen[str]] = []

    def start(script: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        child = subprocess.Popen(
            [sys.executable, str(script), *args],
            cwd=ROOT,
            env={**engine_env(), "DJANGO_SETTINGS_MODULE": "sms_project.settings", **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(child)
        return child

    yield start
    for child in started:
        if child.poll() is None:
            child.kill()
            child.wait()


@pytest.fixture(autouse=True, scope="session")
def _static_root():
    """Give WhiteNoise its (git-ignored) folder, so that no test's request warns."""
    from django.conf import settings

    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
