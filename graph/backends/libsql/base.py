"""django-libsql's engine, fixed for Django 5.2 and able to open a local file.

What django-libsql gives: the connection to a libSQL server through its driver,
libsql-client (Hrana over WebSockets), wrapped as a Django ``DatabaseWrapper``. That
stays. What was measured broken with django-libsql 0.1.3 on Django 5.2, and is fixed
here (README, "Databases"):

- ``migrate`` fails: its schema editor is a copy of Django 4's SQLite one and reads
  ``Options.index_together``, removed in Django 5.1.
- Its operations, introspection and features are older copies of Django's SQLite
  ones: they lack generated columns (the graph's natural-key column), RETURNING, and
  introspection of generated columns.
- Its vendor is "libsql", so Django never uses its SQLite spellings (``as_sqlite``):
  ``Concat`` becomes a CONCAT() SQLite does not have, and JSON key lookups
  (``data__day``) have no SQL at all.
  libSQL is SQLite's dialect, so this engine declares vendor "sqlite" and uses
  Django's current SQLite features, operations, introspection and schema editor.
- A ``file:`` URL fails at the first query ("connection must be instance of
  'Connection'"): the driver hands back a plain ``sqlite3`` connection, which its
  Hrana cursor refuses. Here a ``file:`` URL opens ``LocalConnection``: the Hrana
  client with its socket replaced by SQLite, so every query still goes through the
  driver's code.
- Its driver's ``Cursor.fetchmany`` loses one row per call (it reads the row after
  the last one it returns, then drops it); Django reads results 100 rows at a time,
  so every query of more than 100 rows came back short. ``Cursor`` fixes it.
- Its driver takes ``ROLLBACK TO SAVEPOINT`` for the end of the transaction, so after
  a failed inner ``atomic`` the outer transaction was never ended
  (``driver.Connection`` fixes it).
- ``OPTIONS["transaction_mode"]`` (IMMEDIATE by default) begins write transactions as
  the embedded engine does, so concurrent writers queue instead of failing.

The driver is archived and has no ``create_function``: Django lookups that rely on
SQLite functions registered in Python (``__year``, ``TruncDate``, ``__regex``) fail
on this engine. The project keeps to queries that do not need them.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.sqlite3 import base as sqlite_base  # noqa: F401  (imports first)
from django.db.backends.sqlite3 import features, introspection, operations, schema
from libsql.db.backends.libsql import base, creation
from libsql_client import dbapi2

from graph.backends.libsql.driver import Connection
from graph.backends.libsql.local import LocalConnection

TRANSACTION_MODES = frozenset({"DEFERRED", "EXCLUSIVE", "IMMEDIATE"})
LOCAL_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def _local_path(name: str) -> str | None:
    """Return the file path of a ``file:`` URL, None for a remote URL."""
    if not name.startswith("file:"):
        return None
    return name.removeprefix("file:").split("?", 1)[0]


def _remove_database_files(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
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


class Cursor(base.SQLiteCursorWrapper):
    """django-libsql's cursor with a ``fetchmany`` that returns every row."""

    def fetchmany(self, size: int | None = None) -> list[Any]:
        if size is None or size < 1:
            size = self.arraysize
        rows = []
        for row in self:
            rows.append(row)
            if len(rows) == size:
                break
        return rows


class DatabaseWrapper(base.DatabaseWrapper):
    # Django picks SQL spellings by vendor (as_sqlite); libSQL speaks SQLite's.
    vendor = "sqlite"
    display_name = "libSQL"
    SchemaEditorClass = schema.DatabaseSchemaEditor
    features_class = features.DatabaseFeatures
    introspection_class = introspection.DatabaseIntrospection
    ops_class = operations.DatabaseOperations
    creation_class = DatabaseCreation

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        mode = (params.pop("transaction_mode", None) or "IMMEDIATE").upper()
        if mode not in TRANSACTION_MODES:
            raise ImproperlyConfigured(
                f"OPTIONS['transaction_mode'] must be one of {sorted(TRANSACTION_MODES)}."
            )
        self.transaction_mode = mode
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        params = dict(conn_params)
        name = params.pop("database")
        if _local_path(name) is not None:
            params.pop("uri", None)
            params.pop("auth_token", None)
            connection = LocalConnection(name, uri=True, pragmas=LOCAL_PRAGMAS, **params)
        else:
            connection = dbapi2.connect(name, factory=Connection, **params)
        connection.execute("PRAGMA foreign_keys = ON")
        return connection

    def create_cursor(self, name: str | None = None) -> Cursor:
        return self.connection.cursor(factory=Cursor)

    def _start_transaction_under_autocommit(self) -> None:
        self.cursor().execute(f"BEGIN {self.transaction_mode}")
