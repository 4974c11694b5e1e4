"""Backups: a consistent, compressed copy of the database with a manifest, and its restore.

A backup is one file, a gzip-compressed tar of two members:

- ``manifest.json``: when and from which engine, nodes per label, edges per relation,
  the migrations applied, the SHA-256 of the database member, and a checksum of the
  graph (an order-free sum of one hash per node and per edge, so any engine can
  recompute it whatever order it reads rows in);
- ``database.sqlite3`` (the embedded file, or the libSQL engine's local file: both are
  SQLite files) or ``database.pgdump`` (``pg_dump``'s custom format).

The copy is consistent while runs write. A SQLite file is copied with SQLite's online
backup API, which reads one snapshot (under WAL, writers go on meanwhile), and the
manifest is computed from the copy itself. On PostgreSQL a REPEATABLE READ transaction
exports its snapshot, ``pg_dump --snapshot`` dumps exactly that, and the manifest is
computed inside the same transaction.

``restore`` puts a backup into an empty database (a non-empty one only with
``force``), then recomputes the manifest from what it restored and fails unless the
counts and the checksum agree.

Limits: a remote libSQL server or Turso database is not backed up here (use Turso's own
tools), nor a local libSQL file encrypted at rest (``LIBSQL_ENCRYPTION_KEY``: SQLite's
backup API cannot read it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER, PG_MEMBER = "database.sqlite3", "database.pgdump"
SQLITE, POSTGRESQL = "sqlite", "postgresql"
PATTERN = "sms-*.tar.gz"


class BackupError(Exception):
    """A backup or restore that cannot be done as asked; the message says why and what to do."""


class RestoreRefused(BackupError):
    """The database to restore into is not empty (and ``force`` was not given)."""


@dataclass
class Manifest:
    """What a backup holds, to check a restore against.

    engine: "sqlite" or "postgresql" (a backup restores into the same kind).
    labels, relations: nodes per label, edges per relation.
    migrations: applied migrations, by app.
    checksum: the graph's checksum (``graph_checksum``).
    member_sha256: SHA-256 of the database member, to catch a damaged file.
    """

    engine: str
    labels: dict[str, int]
    relations: dict[str, int]
    migrations: dict[str, list[str]]
    checksum: str
    created_at: str = ""
    member_sha256: str = ""
    format: int = FORMAT

    @property
    def nodes(self) -> int:
        return sum(self.labels.values())

    def same_graph(self, other: Manifest) -> list[str]:
        """Return how ``other`` differs from this one in counts and checksum (empty: same)."""
        differences = []
        for what in ("labels", "relations", "migrations", "checksum"):
            if getattr(self, what) != getattr(other, what):
                differences.append(
                    f"{what}: expected {getattr(self, what)}, found {getattr(other, what)}"
                )
        return differences


@dataclass
class Made:
    """A backup written: where, its manifest, its size and how long it took."""

    path: Path
    manifest: Manifest
    size: int
    seconds: float
    removed: list[Path] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"{self.manifest.nodes} nodes, {sum(self.manifest.relations.values())} edges, "
            f"{self.size / 1e6:.1f} MB, {self.seconds:.1f} s"
        )


# -- backup ----------------------------------------------------------------------------


def backup(path: str | Path) -> Made:
    """Write a consistent compressed copy of the configured database to ``path``."""
    started = time.monotonic()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    engine = engine_of()
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as work:
        if engine == SQLITE:
            member, name = Path(work) / SQLITE_MEMBER, SQLITE_MEMBER
            if _on_libsql():
                _libsql_copy_out(member)
            else:
                _sqlite_copy(sqlite_path(), member)
            with _sqlite(member) as db:
                manifest = read_manifest(db.cursor(), SQLITE)
        else:
            member, name = Path(work) / PG_MEMBER, PG_MEMBER
            manifest = _pg_dump(member)
        manifest.created_at = timezone.now().isoformat()
        manifest.member_sha256 = _sha256(member)
        partial = Path(work) / "backup.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=3) as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest.__dict__, indent=2).encode())
            archive.add(member, arcname=name)
        os.replace(partial, target)  # never a half-written file under the final name
    return Made(target, manifest, target.stat().st_size, time.monotonic() - started)


def backup_into(directory: str | Path, *, keep: int) -> Made:
    """Write a backup named by the time into ``directory``; keep only the last ``keep``."""
    directory = Path(directory)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
    made = backup(directory / f"sms-{stamp}.tar.gz")
    backups = sorted(directory.glob(PATTERN))
    for old in backups[: max(0, len(backups) - keep)]:
        old.unlink(missing_ok=True)
        made.removed.append(old)
    return made


# -- restore ---------------------------------------------------------------------------


def restore(path: str | Path, *, force: bool = False) -> Manifest:
    """Restore the backup at ``path`` into the configured database; return its manifest.

    Refuses (``RestoreRefused``) a database that holds nodes unless ``force``. Checks
    the restored database against the manifest and raises ``BackupError`` if it differs.
    """
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"No backup at {source}.")
    engine = engine_of()
    with tempfile.TemporaryDirectory(prefix=".restore-") as work:
        manifest, member = _unpack(source, Path(work))
        if manifest.engine != engine:
            raise BackupError(
                f"{source} is a {manifest.engine} backup; this database is {engine}: "
                "restore it into the same kind of database."
            )
        held = _nodes_held(engine)
        if held and not force:
            raise RestoreRefused(
                f"The database holds {held} nodes; restoring replaces all of it. "
                "Restore into an empty database, or add --force to replace it."
            )
        connections.close_all()
        if engine == SQLITE:
            _sqlite_copy(member, Path(sqlite_path()))
            with _sqlite(Path(sqlite_path())) as db:
                found = read_manifest(db.cursor(), SQLITE)
        else:
            _pg_restore(member)
            with connection.cursor() as cursor:
                found = read_manifest(cursor, POSTGRESQL)
        connections.close_all()
    differences = manifest.same_graph(found)
    if differences:
        raise BackupError(
            f"The restored database does not match its manifest: {'; '.join(differences)}."
        )
    return manifest


def read_backup_manifest(path: str | Path) -> Manifest:
    """Return the manifest of a backup file without restoring it."""
    with tarfile.open(path, "r:gz") as archive:
        return _manifest_from(archive)


# -- what a database holds -------------------------------------------------------------


def read_manifest(cursor: Any, engine: str) -> Manifest:
    """Return the counts, migrations and checksum of the database behind ``cursor``."""
    cursor.execute("SELECT label, COUNT(*) FROM nodes GROUP BY label")
    labels = dict(sorted((str(k), int(v)) for k, v in cursor.fetchall()))
    cursor.execute("SELECT relation, COUNT(*) FROM edges GROUP BY relation")
    relations = dict(sorted((str(k), int(v)) for k, v in cursor.fetchall()))
    cursor.execute("SELECT app, name FROM django_migrations")
    migrations: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    migrations = {app: sorted(names) for app, names in sorted(migrations.items())}
    text = "data::text" if engine == POSTGRESQL else "data"
    rows = _rows(cursor, f"SELECT id, label, {text} FROM nodes")
    edge_text = "COALESCE(data::text, '')" if engine == POSTGRESQL else "COALESCE(data, '')"
    edges = _rows(cursor, f"SELECT id, source_id, target_id, relation, {edge_text} FROM edges")
    return Manifest(engine, labels, relations, migrations, graph_checksum([rows, edges]))


def graph_checksum(tables: Iterable[Iterable[tuple]]) -> str:
    """Return an order-free checksum of rows: the sum of their SHA-256s, modulo 2**256."""
    total = 0
    for rows in tables:
        for row in rows:
            digest = hashlib.sha256("\x1f".join(str(v) for v in row).encode()).digest()
            total = (total + int.from_bytes(digest, "big")) % (1 << 256)
    return f"{total:064x}"


def engine_of() -> str:
    """Return "sqlite" or "postgresql" for the configured database; refuse any other."""
    config = connection.settings_dict
    if connection.vendor == "postgresql":
        return POSTGRESQL
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return SQLITE
    if config["ENGINE"] == "graph.backends.libsql":
        name = str(config["NAME"])
        if not name.startswith("file:"):
            raise BackupError(
                "A remote libSQL server or Turso database is not backed up here: use Turso's "
                "own tools (turso db shell NAME .dump), or its point-in-time restore."
            )
        if getattr(settings, "LIBSQL_ENCRYPTION_KEY", "") or config.get("OPTIONS", {}).get(
            "encryption_key"
        ):
            raise BackupError(
                "The local libSQL file is encrypted at rest (LIBSQL_ENCRYPTION_KEY): SQLite's "
                "backup API cannot read it. Copy the file while nothing writes to it."
            )
        return SQLITE
    raise BackupError(
        f"Backups cover SQLite, libSQL files and PostgreSQL, not {connection.vendor}."
    )


def sqlite_path() -> str:
    """Return the file of the configured SQLite or local libSQL database."""
    name = str(connection.settings_dict["NAME"])
    return name.removeprefix("file:").split("?", 1)[0]


# -- SQLite ----------------------------------------------------------------------------


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(str(path), timeout=30)
    try:
        yield db
    finally:
        db.close()


def _sqlite_copy(source: str | Path, target: Path) -> None:
    """Copy one SQLite database into another with the online backup API (one snapshot)."""
    with _sqlite(Path(source)) as src, _sqlite(target) as dst:
        src.backup(dst)


def _nodes_held(engine: str) -> int:
    if engine == SQLITE and _on_libsql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'nodes'")
            if not cursor.fetchone()[0]:
                return 0
            cursor.execute("SELECT COUNT(*) FROM nodes")
            return int(cursor.fetchone()[0])
    if engine == SQLITE:
        path = Path(sqlite_path())
        if not path.exists():
            return 0
        with _sqlite(path) as db:
            try:
                return db.execute("SELECT COUNT(*) FROM nodes").fetchone()[0]
            except sqlite3.OperationalError:  # no nodes table: not migrated yet
                return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('nodes') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT COUNT(*) FROM nodes")
        return int(cursor.fetchone()[0])


# -- libSQL's local file --------------------------------------------------------------
# libSQL's engine does not take the locks Python's sqlite3 takes on a WAL file
# (measured: a sqlite3 writer got the write lock while a libSQL one held it, and its
# commit was lost), so a backup, taken while runs write, reads through the engine
# (VACUUM INTO: one snapshot). A restore runs with nothing else writing (README), and
# SQLite's backup API writes into the file in place, so open connections see it.


def _on_libsql() -> bool:
    return connection.settings_dict["ENGINE"] == "graph.backends.libsql"


def _libsql_copy_out(member: Path) -> None:
    """Write one snapshot of the libSQL file to ``member`` (a plain SQLite file)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(member)])


# -- PostgreSQL ------------------------------------------------------------------------


def _pg_dump(member: Path) -> Manifest:
    """Dump the database into ``member`` from one snapshot; return its manifest."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        manifest = read_manifest(cursor, POSTGRESQL)
        _pg_tool(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={member}",
        )
    return manifest


def _pg_restore(member: Path) -> None:
    """Empty the schema, then restore the dump into it in one transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        for (table,) in cursor.fetchall():
            cursor.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    connections.close_all()
    _pg_tool(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        str(member),
        database_flag="--dbname",
    )


def _pg_tool(tool: str, *args: str, database_flag: str = "") -> None:
    config = connection.settings_dict
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} is not installed: install PostgreSQL's client tools (postgresql-client)."
        )
    env = {**os.environ}
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    command = [tool, *args]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if config.get(key):
            command.append(f"{flag}={config[key]}")
    command.append(f"{database_flag}={config['NAME']}" if database_flag else str(config["NAME"]))
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{tool} failed: {last}")


# -- the archive -----------------------------------------------------------------------


def _unpack(source: Path, work: Path) -> tuple[Manifest, Path]:
    try:
        with tarfile.open(source, "r:gz") as archive:
            manifest = _manifest_from(archive)
            name = SQLITE_MEMBER if manifest.engine == SQLITE else PG_MEMBER
            member = work / name
            extracted = archive.extractfile(name)
            if extracted is None:
                raise KeyError(name)
            with extracted, open(member, "wb") as out:
                shutil.copyfileobj(extracted, out, 1 << 20)
    except (tarfile.TarError, KeyError, OSError, EOFError) as error:
        raise BackupError(f"{source} is not a readable backup ({error}).") from None
    if _sha256(member) != manifest.member_sha256:
        raise BackupError(f"{source} is damaged: its database does not match its checksum.")
    return manifest, member


def _manifest_from(archive: tarfile.TarFile) -> Manifest:
    extracted = archive.extractfile(MANIFEST)
    if extracted is None:
        raise KeyError(MANIFEST)
    data = json.load(extracted)
    if data.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {data.get('format')!r}.")
    return Manifest(**data)


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(dt.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(content))


def _rows(cursor: Any, sql: str) -> Iterator[tuple]:
    cursor.execute(sql)
    while rows := cursor.fetchmany(2000):
        yield from rows


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
