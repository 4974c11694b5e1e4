"""A DB-API 2.0 module over Turso's ``libsql`` driver, shaped as Django's SQLite backend needs.

The driver (``libsql`` 0.1.11, Rust under PyO3) embeds the real libSQL engine, but its
Python surface is thinner and, measured here, off in places Django relies on. Each
point below is handled in this module and shown by a test in
``tests/test_libsql_engine.py``:

- Every SQL error is a bare ``ValueError`` carrying SQLite's message. Django maps
  driver errors to its own by the DB-API classes (``IntegrityError``, ...), so
  ``_translate`` turns each message into the class Python's sqlite3 would raise.
- Integers outside 32 bits are bound as REAL (``2**31`` comes back ``2147483648.0``,
  ``2**62`` loses digits). ``_bind`` binds them as text, which a column of INTEGER
  affinity stores as an integer; Django's cursor inlines them as literals instead
  (``base.Cursor``), which is exact everywhere.
- ``memoryview``, ``bytearray``, dates and times are refused as parameters: they are
  converted as sqlite3's adapters would (bytes, ISO 8601 text).
- Named parameters (a dict) are refused: turned into positional ones.
- ``rowcount`` adds up over the life of a driver cursor, and ``fetchone`` after the
  last row starts the result over. Each ``execute`` here runs on a fresh driver
  cursor and reads its rows at once, so counts and fetching behave as DB-API says.
- There is no ``create_function``: Django registers its ``django_*`` SQL functions
  (date truncation, ``__year``...) with it. The project's queries need none of them
  (``regexp`` is built into libSQL); a query that does fails with "no such function".
- Transactions: the driver runs in autocommit (``isolation_level=None``) and Django's
  engine sends ``BEGIN IMMEDIATE`` itself, as it does on SQLite; ``commit`` and
  ``rollback`` end that transaction, and after a commit an embedded replica syncs.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import libsql

apilevel = "2.0"
threadsafety = 1
paramstyle = "qmark"
PARSE_DECLTYPES = PARSE_COLNAMES = 0  # no converters: Django's own converters parse values


class Warning(Exception):  # noqa: A001  (the DB-API name)
    pass


class Error(Exception):
    pass


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


# SQLite's messages, mapped to the class Python's sqlite3 gives the same error code.
_INTEGRITY = re.compile(r"constraint failed|^datatype mismatch", re.IGNORECASE)
_PROGRAMMING = re.compile(
    r"Unsupported parameter type|Expected a list or tuple|incorrect number of bindings",
    re.IGNORECASE,
)
_INT32 = range(-(2**31), 2**31)


def _translate(exc: Exception) -> Error:
    """Return the DB-API error for one of the driver's errors (they are all ValueError)."""
    message = str(exc)
    if _INTEGRITY.search(message):
        return IntegrityError(message)
    if _PROGRAMMING.search(message):
        return ProgrammingError(message)
    return OperationalError(message)


def _bind(value: Any) -> Any:
    """Return ``value`` in a type the driver binds correctly."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value if value in _INT32 else str(value)
    if isinstance(value, (memoryview, bytearray)):
        return bytes(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _named_to_qmark(sql: str, params: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """Rewrite ``:name`` placeholders as ``?`` with the values in their order."""
    values: list[Any] = []

    def one(match: re.Match[str]) -> str:
        values.append(params[match.group(1)])
        return "?"

    return re.sub(r"(?<![:\w]):(\w+)", one, sql), values


def _params(sql: str, params: Sequence[Any] | Mapping[str, Any] | None) -> tuple[str, tuple]:
    if params is None:
        return sql, ()
    if isinstance(params, Mapping):
        sql, params = _named_to_qmark(sql, params)
    return sql, tuple(_bind(v) for v in params)


class Cursor:
    """A DB-API cursor: each statement on a fresh driver cursor, its rows read at once."""

    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.description: tuple | None = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[tuple] = []
        self._next = 0

    def execute(self, sql: str, params: Any = None) -> Cursor:
        sql, bound = _params(sql, params)
        raw = self.connection._raw_cursor()
        try:
            raw.execute(sql, bound)
            rows = raw.fetchall() if raw.description else []
        except ValueError as exc:
            raise _translate(exc) from exc
        self._finish(raw, rows)
        self.connection._after_statement(sql)
        return self

    def executemany(self, sql: str, seq_of_params: Any) -> Cursor:
        sql_many = sql
        batches = []
        for params in seq_of_params:
            sql_many, bound = _params(sql, params)
            batches.append(bound)
        raw = self.connection._raw_cursor()
        try:
            raw.executemany(sql_many, batches)
        except ValueError as exc:
            raise _translate(exc) from exc
        self._finish(raw, [])
        self.connection._after_statement(sql_many)
        return self

    def executescript(self, script: str) -> Cursor:
        try:
            self.connection._raw.executescript(script)
        except ValueError as exc:
            raise _translate(exc) from exc
        return self

    def _finish(self, raw: Any, rows: list[tuple]) -> None:
        self.description = raw.description or None
        self.rowcount = -1 if self.description else raw.rowcount
        self.lastrowid = raw.lastrowid
        self._rows, self._next = rows, 0

    def fetchone(self) -> tuple | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchmany(self, size: int | None = None) -> list[tuple]:
        size = self.arraysize if size is None else size
        chunk = self._rows[self._next : self._next + size]
        self._next += len(chunk)
        return chunk

    def fetchall(self) -> list[tuple]:
        rest = self._rows[self._next :]
        self._next = len(self._rows)
        return rest

    def __iter__(self) -> Iterator[tuple]:
        while (row := self.fetchone()) is not None:
            yield row

    def close(self) -> None:
        self._rows = []

    def setinputsizes(self, sizes: Any) -> None:
        pass

    def setoutputsize(self, size: Any, column: Any = None) -> None:
        pass


# Statements after which a replica has nothing new to fetch.
_READ_ONLY = re.compile(r"\s*(SELECT|PRAGMA|EXPLAIN|BEGIN|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


class Connection:
    """A DB-API connection over one driver connection.

    ``replica``: the file is an embedded replica; after each commit (and each write
    outside a transaction) it syncs from the primary so what was just written is read
    back locally.
    """

    def __init__(self, raw: Any, *, replica: bool = False) -> None:
        self._raw = raw
        self.replica = replica
        # Django sets this to switch autocommit; the driver itself always stays in
        # autocommit and transactions are the engine's explicit BEGIN.
        self.isolation_level: str | None = None
        self.syncs = 0

    @property
    def in_transaction(self) -> bool:
        return self._raw.in_transaction

    def _raw_cursor(self) -> Any:
        return self._raw.cursor()

    def cursor(self, factory: type[Cursor] | None = None) -> Cursor:
        return (factory or Cursor)(self)

    def execute(self, sql: str, params: Any = None) -> Cursor:
        return self.cursor().execute(sql, params)

    def executemany(self, sql: str, seq_of_params: Any) -> Cursor:
        return self.cursor().executemany(sql, seq_of_params)

    def executescript(self, script: str) -> Cursor:
        return self.cursor().executescript(script)

    def commit(self) -> None:
        if self._raw.in_transaction:
            self._run("COMMIT")
            self._synced_after_write()

    def rollback(self) -> None:
        if self._raw.in_transaction:
            self._run("ROLLBACK")

    def close(self) -> None:
        self._raw.close()

    def sync(self) -> None:
        """Bring the embedded replica up to date with its primary."""
        try:
            self._raw.sync()
        except ValueError as exc:
            raise OperationalError(f"libSQL replica sync failed: {exc}") from exc
        self.syncs += 1

    def create_function(self, name: str, num_params: int, func: Any, **kwargs: Any) -> None:
        raise NotSupportedError(
            f"the libsql driver cannot register SQL functions in Python ({name})"
        )

    def _run(self, sql: str) -> None:
        try:
            self._raw.execute(sql)
        except ValueError as exc:
            raise _translate(exc) from exc

    def _after_statement(self, sql: str) -> None:
        if self.replica and not self._raw.in_transaction and not _READ_ONLY.match(sql):
            self._synced_after_write()

    def _synced_after_write(self) -> None:
        if self.replica:
            self.sync()


def sqlite_version(raw: Any) -> str:
    """Return the SQLite version of the engine behind a driver connection."""
    return raw.execute("SELECT sqlite_version()").fetchone()[0]


def connect(database: str, **kwargs: Any) -> Connection:
    """Open ``database`` with the driver (a path, or a remote URL) and wrap it."""
    replica = bool(kwargs.get("sync_url"))
    try:
        raw = libsql.connect(database, isolation_level=None, _check_same_thread=False, **kwargs)
    except ValueError as exc:
        raise OperationalError(f"libSQL cannot open {database}: {exc}") from exc
    return Connection(raw, replica=replica)
