"""Fixtures for the operations tests: a fake clock, the network answered by a feed,
a scheduler in a child process, and an empty database of the engine under test."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from django.db import connection

from tests.conftest import ROOT, SAMPLES, engine_env

CHILD_SCHEDULER = ROOT / "tests" / "ops" / "child_scheduler.py"
# Only blue_moon runs on its own in these tests, every minute; the rest is off.
ONLY_BLUE_MOON = {
    "SCHEDULE_BLUE_MOON": "* * * * *",
    "SCHEDULE_VENUE_SITES": "off",
    "SCHEDULE_AGGREGATORS": "off",
    "SCHEDULE_BACKUP": "off",
    "SCHEDULE_PRUNE": "off",
}


class FakeClock:
    """A clock that stands still until told to move."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, moment: dt.datetime) -> None:
        self.now = moment


@pytest.fixture
def local():
    """Return a function making an aware datetime in the city's time zone."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    zone = ZoneInfo(settings.TIME_ZONE)
    return lambda *parts: dt.datetime(*parts, tzinfo=zone)


@pytest.fixture
def only_blue_moon(settings):
    """Schedules as in the child processes: blue_moon every minute, nothing else."""
    settings.SCHEDULES = {
        **settings.SCHEDULES,
        **{key.removeprefix("SCHEDULE_").lower(): value for key, value in ONLY_BLUE_MOON.items()},
    }
    return settings.SCHEDULES


@pytest.fixture
def feed_answers(monkeypatch) -> Callable[[bytes], list[str]]:
    """Answer every request but robots.txt with ``body``; return the URLs asked for."""
    asked: list[str] = []

    def answer_with(body: bytes) -> list[str]:
        async def answer(self, request: httpx.Request) -> httpx.Response:
            if request.url.path == "/robots.txt":  # none: everything allowed
                return httpx.Response(404, request=request)
            asked.append(str(request.url))
            return httpx.Response(200, content=body, request=request)

        monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", answer)
        return asked

    return answer_with


@pytest.fixture
def blue_moon_sample(feed_answers) -> list[str]:
    return feed_answers((SAMPLES / "blue_moon.json").read_bytes())


@pytest.fixture
def scheduler_child(python_child) -> Callable[..., subprocess.Popen[str]]:
    """Start ``manage.py scheduler`` in a child process, the network answered by FEED."""

    def start(feed: Path, *args: str, slow: float = 0.0, env: dict[str, str] | None = None):
        return python_child(
            CHILD_SCHEDULER, str(feed), str(slow), *args, env={**ONLY_BLUE_MOON, **(env or {})}
        )

    return start


@pytest.fixture
def empty_database(tmp_path) -> Iterator[dict[str, str]]:
    """Return the environment of a child process whose database is new and empty,
    on the engine under test (a file for SQLite and libSQL, a database on PostgreSQL)."""
    env = engine_env()
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        import psycopg

        name = f"{settings['NAME']}_empty"
        admin = _pg_admin(settings)
        with psycopg.connect(**admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
            pg.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
        env["SCRATCH_NAME"] = name
        yield env
        with psycopg.connect(**admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    path = tmp_path / "empty.sqlite3"
    if settings["ENGINE"] == "graph.backends.libsql":
        env["LIBSQL_URL"] = f"file:{path}"
    else:
        env["SQLITE_PATH"] = str(path)
    env["SCRATCH_NAME"] = str(path)
    yield env


def _pg_admin(settings: dict) -> dict:
    return {
        "dbname": "postgres",
        "user": settings.get("USER") or "postgres",
        "password": settings.get("PASSWORD") or None,
        "host": settings.get("HOST") or "127.0.0.1",
        "port": settings.get("PORT") or 5432,
    }


def open_scratch(env: dict[str, str]):
    """Return a DB-API connection to the empty database of ``empty_database``."""
    if "DATABASE_URL" in env and "SQLITE_PATH" not in env and "LIBSQL_URL" not in env:
        import psycopg

        settings = connection.settings_dict
        return psycopg.connect(**{**_pg_admin(settings), "dbname": env["SCRATCH_NAME"]})
    import sqlite3

    return sqlite3.connect(env["SCRATCH_NAME"])


def engine_kind() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"
