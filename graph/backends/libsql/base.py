"""django-libsql's engine on Turso's maintained ``libsql`` driver, fixed for Django 5.2.

What django-libsql gives: its ``DatabaseWrapper`` (data types, operators, constraint
checking, autocommit switching, savepoints only inside ``atomic``), kept as the base
class. Its own driver, libsql-client, is archived and no longer used for queries;
the connection here is Turso's ``libsql`` (the real libSQL engine, embedded), through
``graph.backends.libsql.dbapi``, a DB-API module that fills what the driver lacks.
What was measured broken with django-libsql 0.1.3 on Django 5.2, and is fixed here
(README, "Databases"):

- ``migrate`` fails: its schema editor is a copy of Django 4's SQLite one and reads
  ``Options.index_together``, removed in Django 5.1.
- Its operations, introspection and features are older copies of Django's SQLite
  ones: no generated columns (the graph's natural-key column), RETURNING.
- Its vendor is "libsql", so Django never uses its SQLite spellings (``as_sqlite``):
  ``Concat`` becomes a CONCAT() SQLite lacks, JSON key lookups have no SQL at all.
  libSQL is SQLite's dialect, so this engine declares vendor "sqlite" and uses
  Django's current SQLite features, operations, introspection and schema editor.

Connections (``get_new_connection``), from ``sms_project/databases.py``'s settings:

- ``file:PATH``: the libSQL engine on a local file, with the embedded default's
  settings (WAL, NORMAL sync, a busy timeout, foreign keys, ``BEGIN IMMEDIATE``);
  ``OPTIONS["encryption_key"]`` encrypts it at rest.
- a remote URL (``libsql://``, ``https://``) with ``auth_token``: the primary itself.
- ``file:PATH`` with ``OPTIONS["sync_url"]``: an embedded replica of that primary,
  synced by the driver every ``sync_interval`` seconds and after each commit.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.sqlite3 import base as sqlite_base  # noqa: F401  (imports first)
from django.db.backends.sqlite3 import features, introspection, operations, schema
from django.utils.asyncio import async_unsafe
from django.utils.regex_helper import _lazy_re_compile
from libsql.db.backends.libsql import base, creation

from graph.backends.libsql import dbapi, remote

TRANSACTION_MODES = frozenset({"DEFERRED", "EXCLUSIVE", "IMMEDIATE"})
# As the embedded default (sms_project/databases.py): WAL so the dashboard reads
# while a run writes; NORMAL sync is safe under WAL. Not for a remote primary.
LOCAL_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")
FORMAT_QMARK = _lazy_re_compile(r"(?<!%)%s")
INT32 = range(-(2**31), 2**31)


def _local_path(name: str) -> str | None:
    """Return the file path of a ``file:`` URL, None for a remote URL."""
    if not name.startswith("file:"):
        return None
    return name.removeprefix("file:").split("?", 1)[0]


def _remove_database_files(path: str) -> None:
    # libSQL keeps an -info file beside an embedded replica: its sync position.
    for suffix in ("", "-wal", "-shm", "-info", "-client_wal_index"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


class DatabaseCreation(creation.DatabaseCreation):
    """Test databases for ``file:`` URLs are files: remove them like SQLite's."""

    def _create_test_db(self, verbosity: int, autoclobber: bool, keepdb: bool = False) -> str:
        name = self._get_test_db_name()
        path = _local_path(name)
        if path and not keepdb:
            _remove_database_files(path)
            return name
        return super()._create_test_db(verbosity, autoclobber, keepdb)

    def _destroy_test_db(self, test_database_name: str, verbosity: int) -> None:
        path = _local_path(test_database_name)
        if path:
            _remove_database_files(path)
            return
        super()._destroy_test_db(test_database_name, verbosity)


class Cursor(dbapi.Cursor):
    """Django's "format" placeholders (``%s``) as the driver's "qmark" ones (``?``).

    Integers beyond 32 bits are written into the SQL as literals: the driver would
    bind them as REAL and lose digits (``dbapi``). An int's text is only digits, so
    inlining it cannot change what the statement means.
    """

    def execute(self, query: str, params: Any = None) -> Cursor:
        if params is None:
            return super().execute(query)
        if isinstance(params, Mapping):
            return super().execute(query % {name: f":{name}" for name in params}, params)
        query, params = _to_qmark(query, params)
        return super().execute(query, params)

    def executemany(self, query: str, param_list: Any) -> Cursor:
        return super().executemany(FORMAT_QMARK.sub("?", query).replace("%%", "%"), param_list)


def _to_qmark(query: str, params: Any) -> tuple[str, list[Any]]:
    values = iter(params)
    bound: list[Any] = []

    def one(_match: Any) -> str:
        value = next(values)
        if type(value) is int and value not in INT32:
            return str(value)
        bound.append(value)
        return "?"

    return FORMAT_QMARK.sub(one, query).replace("%%", "%"), bound


class DatabaseWrapper(base.DatabaseWrapper):
    # Django picks SQL spellings by vendor (as_sqlite); libSQL speaks SQLite's.
    vendor = "sqlite"
    display_name = "libSQL"
    Database = dbapi
    SchemaEditorClass = schema.DatabaseSchemaEditor
    features_class = features.DatabaseFeatures
    introspection_class = introspection.DatabaseIntrospection
    ops_class = operations.DatabaseOperations
    creation_class = DatabaseCreation

    def get_connection_params(self) -> dict[str, Any]:
        name = self.settings_dict["NAME"]
        if not name:
            raise ImproperlyConfigured("settings.DATABASES is improperly configured: NAME.")
        params = {"database": name, **self.settings_dict["OPTIONS"]}
        mode = (params.pop("transaction_mode", None) or "IMMEDIATE").upper()
        if mode not in TRANSACTION_MODES:
            raise ImproperlyConfigured(
                f"OPTIONS['transaction_mode'] must be one of {sorted(TRANSACTION_MODES)}."
            )
        self.transaction_mode = mode
        return params

    def get_database_version(self) -> tuple[int, ...]:
        # The engine's own build (libSQL's SQLite), not the module's constant.
        with self.temporary_connection() as cursor:
            cursor.execute("SELECT sqlite_version()")
            return tuple(int(part) for part in cursor.fetchone()[0].split("."))

    @async_unsafe
    def get_new_connection(self, conn_params: dict[str, Any]) -> dbapi.Connection:
        params = dict(conn_params)
        name = params.pop("database")
        connect_timeout = float(params.pop("connect_timeout", remote.DEFAULT_TIMEOUT))
        path = _local_path(name)
        remote_url = params.get("sync_url") or (None if path is not None else name)
        if remote_url:
            remote.check_answers(remote_url, connect_timeout)
        if path is None:
            connection = dbapi.connect(name, **_only(params, "auth_token", "timeout"))
            pragmas: tuple[str, ...] = ()
        else:
            connection = dbapi.connect(path, **_only(params, *LOCAL_OPTIONS))
            pragmas = LOCAL_PRAGMAS
        timeout_ms = int(float(params.get("timeout", 5)) * 1000)
        for pragma in (*pragmas, f"PRAGMA busy_timeout = {timeout_ms}"):
            connection.execute(pragma)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA legacy_alter_table = OFF")
        return connection

    def create_cursor(self, name: str | None = None) -> Cursor:
        return self.connection.cursor(factory=Cursor)

    def is_usable(self) -> bool:
        # django-libsql says always; a remote connection kept between requests
        # (CONN_MAX_AGE) must be replaced when its server went away.
        try:
            self.connection.execute("SELECT 1")
        except dbapi.Error:
            return False
        return True

    def _start_transaction_under_autocommit(self) -> None:
        self.cursor().execute(f"BEGIN {self.transaction_mode}")


LOCAL_OPTIONS = ("timeout", "encryption_key", "sync_url", "sync_interval", "auth_token")


def _only(params: dict[str, Any], *names: str) -> dict[str, Any]:
    """Return the driver's arguments among ``params``, leaving unset ones out."""
    return {key: params[key] for key in names if params.get(key) not in (None, "")}
