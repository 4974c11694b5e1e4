"""Choose the database engine from configuration alone.

Three engines, in this order of precedence:

- ``LIBSQL_URL`` (+ ``LIBSQL_AUTH_TOKEN``): a libSQL server or Turso database, on
  the django-libsql engine over Turso's ``libsql`` driver (``graph.backends.libsql``).
  A ``file:`` URL runs the same engine on a local file (how the test suite proves it);
  ``LIBSQL_REPLICA_PATH`` (+ ``LIBSQL_SYNC_INTERVAL``) makes a local embedded replica
  of the remote; ``LIBSQL_ENCRYPTION_KEY`` encrypts the local file at rest;
  ``LIBSQL_CONNECT_TIMEOUT`` bounds the wait for a remote that does not answer.
- ``DATABASE_URL``: any database Django supports; PostgreSQL is the tested one.
- neither: the embedded database, a SQLite file under ``var/`` (the file format that
  libSQL and Turso read and import), tuned for a web app with background writers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

# WAL lets the dashboard read while a run writes; NORMAL sync is safe under WAL (a
# power cut may lose the last commits, never corrupt the file). Foreign keys are on
# so the graph stays whole even for writes that bypass the ORM.
EMBEDDED_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA cache_size=-32000",
)


def embedded_database(path: Path, test_path: Path) -> dict[str, Any]:
    """Return Django's SQLite settings for the embedded file at ``path``."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "init_command": "; ".join(EMBEDDED_PRAGMAS),
            # IMMEDIATE takes the write lock when a transaction starts, so two
            # writers queue on the busy timeout instead of failing half-way with
            # "database is locked" when a reader upgrades to a writer.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        },
        # Tests use a real file too: WAL, locking and several OS processes only
        # behave as in production on a file.
        "TEST": {"NAME": str(test_path)},
    }


REMOTE_SCHEMES = frozenset({"libsql", "https", "http"})


def libsql_database(
    url: str,
    *,
    auth_token: str = "",
    replica_path: str = "",
    sync_interval: float | None = None,
    encryption_key: str = "",
    connect_timeout: float = 5.0,
) -> dict[str, Any]:
    """Return settings for the libSQL engine (graph.backends.libsql) the variables ask for.

    ``url`` is ``file:PATH`` (a local file) or a remote primary (``libsql://``,
    ``https://``); with ``replica_path`` the database is an embedded replica of that
    primary in a local file, synced every ``sync_interval`` seconds and after commits.
    """
    scheme = urlsplit(url).scheme
    if scheme != "file" and scheme not in REMOTE_SCHEMES:
        raise ImproperlyConfigured(
            f"LIBSQL_URL must start with libsql://, https://, http:// or file:, not {url!r}."
        )
    if replica_path and scheme == "file":
        raise ImproperlyConfigured(
            "LIBSQL_REPLICA_PATH replicates a remote database: LIBSQL_URL must be "
            "libsql:// or https://, not a file."
        )
    # IMMEDIATE and the busy timeout as the embedded default has them (above).
    options: dict[str, Any] = {"transaction_mode": "IMMEDIATE", "timeout": 30}
    if encryption_key:
        options["encryption_key"] = encryption_key
    if scheme != "file":
        options["connect_timeout"] = connect_timeout
        if auth_token:
            options["auth_token"] = auth_token
    test: dict[str, Any] = {}
    if replica_path:
        options["sync_url"] = url
        if sync_interval:
            options["sync_interval"] = sync_interval
        name = f"file:{replica_path}"
        # Tests would write through the replica to the primary: a remote database
        # cannot be created by the test runner, tests reuse it (a fresh replica file).
        path = Path(replica_path)
        test["NAME"] = f"file:{path.with_name('test-' + path.name)}"
    elif scheme == "file":
        name = url
        path = Path(url.removeprefix("file:").split("?", 1)[0])
        test["NAME"] = f"file:{path.with_name('test-' + path.name)}"
    else:
        name = url
        test["NAME"] = url
    config: dict[str, Any] = {
        "ENGINE": "graph.backends.libsql",
        "NAME": name,
        "OPTIONS": options,
        "TEST": test,
    }
    if scheme != "file":
        # A remote connection costs a round trip to open: keep it between requests.
        config.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
    return config


def database_from_env(env: environ.Env, var_dir: Path) -> dict[str, Any]:
    """Return the ``default`` database settings that the environment asks for."""
    libsql_url = env.str("LIBSQL_URL", default="")
    database_url = env.str("DATABASE_URL", default="")
    if libsql_url and database_url:
        raise ImproperlyConfigured("Set LIBSQL_URL or DATABASE_URL, not both.")
    if libsql_url:
        return libsql_database(
            libsql_url,
            auth_token=env.str("LIBSQL_AUTH_TOKEN", default=""),
            replica_path=env.str("LIBSQL_REPLICA_PATH", default=""),
            sync_interval=env.float("LIBSQL_SYNC_INTERVAL", default=0) or None,
            encryption_key=env.str("LIBSQL_ENCRYPTION_KEY", default=""),
            connect_timeout=env.float("LIBSQL_CONNECT_TIMEOUT", default=5.0),
        )
    if database_url:
        config = env.db_url_config(database_url)
        config.setdefault("CONN_MAX_AGE", 60)
        config.setdefault("CONN_HEALTH_CHECKS", True)
        return config
    path = Path(env.str("SQLITE_PATH", default=str(var_dir / "sms.sqlite3")))
    # var/ is not in git: a fresh clone has none until the first command makes it.
    path.parent.mkdir(parents=True, exist_ok=True)
    return embedded_database(path, path.with_name(f"test-{path.name}"))
