"""A libSQL connection to a local file: the Hrana client code, minus the wire.

django-libsql talks to its database through ``libsql_client.dbapi2``: a connection and
cursor that turn each statement into a Hrana protocol message (``proto.Stmt``), send it
over a WebSocket to a libSQL server (sqld, Turso), and turn the reply (``StmtResult``,
``BatchResult``, errors with SQLite codes) back into DB-API rows and exceptions.

``LocalConnection`` keeps every one of those layers and replaces only the socket: the
same ``ConnectionHrana``/``CursorHrana`` code builds the same messages, and this class
answers them the way the server does, by running them on SQLite (which the server
embeds) against a local file. So ``LIBSQL_URL=file:...`` runs each query through the
libSQL engine's Python code: statement parsing, transaction tracking, parameter and
value conversion, batching of ``executemany``, error mapping.

What it cannot show: the network (latency, dropped sockets, auth) and behaviour that
differs between sqld's SQLite build and Python's (the versions differ).
"""

from __future__ import annotations

import base64
import sqlite3
from typing import Any
from urllib.parse import urlsplit

from libsql_client import LibsqlError
from libsql_client.dbapi2.hrana import CursorHrana
from libsql_client.hrana import proto
from libsql_client.hrana.convert import _value_from_proto

from graph.backends.libsql.driver import Connection


def _to_proto(value: Any) -> proto.Value:
    """Encode one SQLite value the way a Hrana server does in its replies."""
    if value is None:
        return {"type": "null"}
    if isinstance(value, int):
        return {"type": "integer", "value": str(value)}
    if isinstance(value, float):
        return {"type": "float", "value": value}
    if isinstance(value, str):
        return {"type": "text", "value": value}
    return {"type": "blob", "base64": base64.b64encode(value).decode()}


def _error(exc: Exception) -> proto.Error:
    """Describe a SQLite error as the server does: its message and SQLite code name."""
    return {
        "message": f"SQLite error: {exc}",
        "code": getattr(exc, "sqlite_errorname", None) or "SQLITE_ERROR",
    }


class LocalConnection(Connection):
    """The driver's Hrana connection whose stream is a SQLite connection to a local file."""

    def __init__(self, database: str, *, pragmas: tuple[str, ...] = (), **kwargs: Any) -> None:
        self._pragmas = pragmas
        super().__init__(database, **kwargs)

    # -- the stream: what the server would do ---------------------------------------

    def _raw_init(self) -> None:
        self.cursor_factory = CursorHrana
        parts = urlsplit(self._database)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        # Like sqld, the stream runs statements as given: transactions are the
        # client's BEGIN/COMMIT, never the sqlite3 module's implicit ones.
        self._db = sqlite3.connect(
            f"file:{path}",
            uri=True,
            timeout=self._timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        self._sql_store: dict[int, str] = {}
        for pragma in self._pragmas:
            self._db.execute(pragma)

    def _raw_close(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
            self._db = None

    def _raw_execute(self, stmt: proto.Stmt) -> proto.StmtResult:
        try:
            return self._run(stmt)
        except sqlite3.Error as exc:
            error = _error(exc)
            raise LibsqlError(error["message"], error["code"]) from exc

    def _raw_store_sql(self, sql: str) -> int:
        sql_id = len(self._sql_store) + 1
        self._sql_store[sql_id] = sql
        return sql_id

    def _raw_close_sql(self, sql_id: int) -> None:
        self._sql_store.pop(sql_id, None)

    def _raw_execute_script(self, sql_script: str) -> None:
        try:
            self._db.executescript(sql_script)
        except sqlite3.Error as exc:
            error = _error(exc)
            raise LibsqlError(error["message"], error["code"]) from exc

    def _raw_batch(self, batch: proto.Batch) -> proto.BatchResult:
        results: list[proto.StmtResult | None] = []
        errors: list[proto.Error | None] = []
        for step in batch["steps"]:
            condition = step.get("condition")
            if condition is not None and not self._holds(condition, results, errors):
                results.append(None)
                errors.append(None)
                continue
            try:
                results.append(self._run(step["stmt"]))
                errors.append(None)
            except sqlite3.Error as exc:
                results.append(None)
                errors.append(_error(exc))
        return {"step_results": results, "step_errors": errors}

    # -- helpers --------------------------------------------------------------------

    def _run(self, stmt: proto.Stmt) -> proto.StmtResult:
        sql = stmt["sql"] if "sql" in stmt else self._sql_store[stmt["sql_id"]]
        params: Any = [_value_from_proto(v) for v in stmt.get("args") or []]
        if stmt.get("named_args"):
            params = {
                a["name"].lstrip(":@$"): _value_from_proto(a["value"]) for a in stmt["named_args"]
            }
        cursor = self._db.execute(sql, params)
        rows = cursor.fetchall() if stmt.get("want_rows", True) else []
        cols = [{"name": d[0], "decltype": None} for d in cursor.description or ()]
        return {
            "cols": cols,
            "rows": [[_to_proto(v) for v in row] for row in rows],
            "affected_row_count": max(cursor.rowcount, 0),
            "last_insert_rowid": str(cursor.lastrowid) if cursor.lastrowid else None,
        }

    def _holds(self, cond: Any, results: list, errors: list) -> bool:
        kind = cond["type"]
        if kind == "ok":
            return results[cond["step"]] is not None
        if kind == "error":
            return errors[cond["step"]] is not None
        if kind == "not":
            return not self._holds(cond["cond"], results, errors)
        if kind == "and":
            return all(self._holds(c, results, errors) for c in cond["conds"])
        if kind == "or":
            return any(self._holds(c, results, errors) for c in cond["conds"])
        raise LibsqlError(f"unknown batch condition {kind!r}", "HRANA_PROTO_ERROR")
