"""The libSQL engine (graph.backends.libsql) on Turso's ``libsql`` driver.

These run on every engine: they open their own libSQL connections to temporary
files. When the suite itself runs with LIBSQL_URL=file:..., every other test also goes
through this engine; ``test_the_suite_runs_on_libsqls_own_engine`` proves it.
No libSQL server installs here (README, "Databases"): remote and replica tests use a
local socket that accepts and never answers, or count the syncs the engine asks for.
"""

import io
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import environ
import libsql
import pytest
from django.core.management import call_command
from django.db import (
    DatabaseError,
    IntegrityError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.utils import ConnectionHandler

from graph.backends.libsql import dbapi
from graph.models import Node
from sms_project.databases import database_from_env
from tests.conftest import ROOT

ON_LIBSQL = connection.settings_dict["ENGINE"] == "graph.backends.libsql"
LIBSQL_VARIABLES = (
    "DATABASE_URL",
    "LIBSQL_URL",
    "LIBSQL_AUTH_TOKEN",
    "LIBSQL_REPLICA_PATH",
    "LIBSQL_SYNC_INTERVAL",
    "LIBSQL_ENCRYPTION_KEY",
    "LIBSQL_CONNECT_TIMEOUT",
    "SQLITE_PATH",
)


def open_probe(settings: dict):
    connections.settings["probe"] = ConnectionHandler({"default": settings}).settings["default"]
    return connections["probe"]


@pytest.fixture
def libsql_db(tmp_path, django_db_blocker):
    """A second database, "probe": the libSQL engine on a fresh local file."""
    with django_db_blocker.unblock():
        db = open_probe({"ENGINE": "graph.backends.libsql", "NAME": f"file:{tmp_path}/probe.db"})
        yield db
        db.close()
    del connections["probe"]
    del connections.settings["probe"]


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never says a word (a hung server)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept())
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()
    for conn, _ in held:
        conn.close()


def env_config(monkeypatch, tmp_path, **variables):
    for name in LIBSQL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return database_from_env(environ.Env(), tmp_path)


# -- the engine is libSQL's --------------------------------------------------------


def test_a_file_url_runs_the_libsql_driver_with_its_own_sqlite_build(libsql_db):
    libsql_db.ensure_connection()
    assert type(libsql_db.connection._raw).__module__ == "builtins"  # the Rust extension
    assert isinstance(libsql_db.connection._raw, libsql.Connection)
    with libsql_db.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    # libSQL 0.1.11 embeds SQLite 3.45.1, not the interpreter's own build.
    assert version == "3.45.1" != sqlite3.sqlite_version
    assert libsql_db.get_database_version() == (3, 45, 1)
    assert libsql_db.display_name == "libSQL"


@pytest.mark.django_db
@pytest.mark.skipif(not ON_LIBSQL, reason="the suite is not on libSQL")
def test_the_suite_runs_on_libsqls_own_engine():
    connection.ensure_connection()
    assert isinstance(connection.connection._raw, libsql.Connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()")
        assert cursor.fetchone()[0] == "3.45.1"
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.transaction_mode == "IMMEDIATE"


def test_both_libsql_packages_import_side_by_side():
    # Turso's driver and django-libsql share the top-level name "libsql".
    code = (
        "import libsql, libsql.db.backends.libsql.base as b; "
        "print(callable(libsql.connect), b.DatabaseWrapper.display_name)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.split() == ["True", "libSQL"], out.stderr


def test_a_local_file_gets_the_embedded_defaults(libsql_db):
    with libsql_db.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 5000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


# -- what the driver lacks, handled in the engine ----------------------------------


def test_sql_errors_arrive_as_djangos_errors(libsql_db):
    # The driver raises a bare ValueError for every SQL error.
    with libsql_db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer UNIQUE)")
        cursor.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(IntegrityError, match="UNIQUE constraint failed"):
            cursor.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(OperationalError, match="no such table"):
            cursor.execute("SELECT * FROM missing")


def test_foreign_keys_are_enforced(libsql_db):
    with libsql_db.cursor() as cursor:
        cursor.execute("CREATE TABLE a (id integer PRIMARY KEY)")
        cursor.execute("CREATE TABLE b (a_id integer REFERENCES a(id))")
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            cursor.execute("INSERT INTO b VALUES (7)")


def test_transactions_begin_immediate_commit_and_roll_back(libsql_db, tmp_path):
    with libsql_db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
    with transaction.atomic(using="probe"):
        libsql_db.cursor().execute("INSERT INTO t VALUES (1)")
        # IMMEDIATE: the write lock is taken at BEGIN, so another writer waits.
        other = libsql.connect(str(tmp_path / "probe.db"), isolation_level=None, timeout=0)
        with pytest.raises(ValueError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    with pytest.raises(RuntimeError), transaction.atomic(using="probe"):
        libsql_db.cursor().execute("INSERT INTO t VALUES (2)")
        raise RuntimeError("undo")
    assert not libsql_db.connection.in_transaction
    with libsql_db.cursor() as cursor:
        cursor.execute("SELECT n FROM t")
        assert cursor.fetchall() == [(1,)]


def test_a_failed_inner_atomic_rolls_back_to_its_savepoint_only(libsql_db):
    with libsql_db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer UNIQUE)")
    with transaction.atomic(using="probe"):
        libsql_db.cursor().execute("INSERT INTO t VALUES (1)")
        with pytest.raises(IntegrityError), transaction.atomic(using="probe"):
            libsql_db.cursor().execute("INSERT INTO t VALUES (3)")
            libsql_db.cursor().execute("INSERT INTO t VALUES (1)")
        assert libsql_db.connection.in_transaction
        libsql_db.cursor().execute("INSERT INTO t VALUES (2)")
    assert not libsql_db.connection.in_transaction
    with libsql_db.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert cursor.fetchall() == [(1,), (2,)]


def test_rowcount_counts_one_statement_and_executemany_all_of_its_rows(libsql_db):
    # The driver's rowcount adds up over every statement a cursor ran.
    with libsql_db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
        cursor.executemany("INSERT INTO t VALUES (%s)", [(i,) for i in range(5)])
        assert cursor.rowcount == 5
        cursor.execute("UPDATE t SET n = n + 1 WHERE n < %s", [2])
        assert cursor.rowcount == 2
        cursor.execute("DELETE FROM t WHERE n >= %s", [3])
        assert cursor.rowcount == 2


def test_lastrowid_and_description(libsql_db):
    with libsql_db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (id integer PRIMARY KEY, name text)")
        cursor.execute("INSERT INTO t (name) VALUES (%s)", ["a"])
        cursor.execute("INSERT INTO t (name) VALUES (%s)", ["b"])
        assert cursor.lastrowid == 2
        assert cursor.description is None
        cursor.execute("SELECT id, name FROM t")
        assert [column[0] for column in cursor.description] == ["id", "name"]


def test_fetching_stops_at_the_last_row_and_chunks_come_back_whole(libsql_db):
    # The driver's fetchone starts the result over after the last row.
    with libsql_db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
        cursor.executemany("INSERT INTO t VALUES (%s)", [(i,) for i in range(250)])
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert cursor.fetchone() == (0,)
        rows = []
        while chunk := cursor.fetchmany(100):
            rows.extend(chunk)
        assert [r[0] for r in rows] == list(range(1, 250))
        assert cursor.fetchone() is None
        assert cursor.fetchall() == []


def test_big_integers_and_other_python_values_keep_their_value(libsql_db):
    # The driver binds integers past 32 bits as REAL, and refuses memoryview and dates.
    import datetime as dt
    import decimal

    big = 2**62 + 1
    with libsql_db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer, b blob, d text, x text)")
        cursor.execute(
            "INSERT INTO t VALUES (%s, %s, %s, %s)",
            [big, memoryview(b"\x00\x01"), dt.date(2026, 12, 2), decimal.Decimal("1.10")],
        )
        cursor.execute("SELECT n, typeof(n), b, d, x FROM t WHERE n = %s", [big])
        assert cursor.fetchone() == (big, "integer", b"\x00\x01", "2026-12-02", "1.10")
        cursor.executemany("INSERT INTO t (n) VALUES (%s)", [(2**40,), (-(2**40),)])
        cursor.execute("SELECT n, typeof(n) FROM t WHERE n <> %s ORDER BY n", [big])
        assert cursor.fetchall() == [(-(2**40), "integer"), (2**40, "integer")]


def test_named_parameters_are_bound(libsql_db):
    # The driver accepts only a list or tuple of parameters.
    with libsql_db.cursor() as cursor:
        cursor.execute("SELECT %(a)s + %(b)s, %(a)s", {"a": 2, "b": 3})
        assert cursor.fetchone() == (5, 2)


def test_no_python_sql_functions_and_regexp_is_libsqls_own(libsql_db):
    # Django registers django_* functions with create_function; the driver has none.
    libsql_db.ensure_connection()
    with pytest.raises(dbapi.NotSupportedError):
        libsql_db.connection.create_function("f", 1, len)
    with libsql_db.cursor() as cursor:
        cursor.execute("SELECT 'Blue Moon' REGEXP %s", ["Mo+n$"])
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_the_orm_on_the_engine_round_trips_graph_queries(libsql_db):
    call_command("migrate", database="probe", verbosity=0)
    venue = Node.objects.using("probe").create(label="venue", data={"name": "Sunset", "slug": "s"})
    Node.objects.using("probe").bulk_create(
        [
            Node(label="event", data={"title": f"t{i}", "day": f"2026-12-{i + 1:02d}"})
            for i in range(3)
        ]
    )
    found = Node.objects.using("probe").filter(label="event", data__day__gte="2026-12-02")
    assert sorted(n.data["title"] for n in found) == ["t1", "t2"]
    assert Node.objects.using("probe").get(pk=venue.pk).data["name"] == "Sunset"
    assert Node.objects.using("probe").filter(label="event").update(label="event") == 3


# -- encryption at rest ------------------------------------------------------------


def test_an_encrypted_file_cannot_be_read_without_the_key(tmp_path, django_db_blocker):
    path = tmp_path / "secret.db"
    settings = {
        "ENGINE": "graph.backends.libsql",
        "NAME": f"file:{path}",
        "OPTIONS": {"encryption_key": "correct horse battery staple"},
    }
    with django_db_blocker.unblock():
        db = open_probe(settings)
        with db.cursor() as cursor:
            cursor.execute("CREATE TABLE shows (title text)")
            cursor.execute("INSERT INTO shows VALUES (%s)", ["Secret Set"])
        db.close()
        del connections["probe"]
        assert b"Secret Set" not in path.read_bytes()
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            sqlite3.connect(path).execute("SELECT * FROM shows").fetchall()
        with pytest.raises(ValueError, match="not a database"):
            libsql.connect(str(path)).execute("SELECT * FROM shows").fetchall()
        db = open_probe(settings)
        with db.cursor() as cursor:
            cursor.execute("SELECT title FROM shows")
            assert cursor.fetchall() == [("Secret Set",)]
        db.close()
    del connections["probe"]
    del connections.settings["probe"]


# -- remote and embedded replica, from the environment ------------------------------


def test_a_remote_url_and_token_become_the_drivers_arguments(monkeypatch, tmp_path):
    db = env_config(
        monkeypatch,
        tmp_path,
        LIBSQL_URL="libsql://sms-graph.turso.io",
        LIBSQL_AUTH_TOKEN="tok",
        LIBSQL_CONNECT_TIMEOUT="2.5",
    )
    assert db["ENGINE"] == "graph.backends.libsql"
    assert db["NAME"] == "libsql://sms-graph.turso.io"
    assert db["OPTIONS"]["auth_token"] == "tok"
    assert db["OPTIONS"]["connect_timeout"] == 2.5
    assert "sync_url" not in db["OPTIONS"]
    assert db["CONN_MAX_AGE"] == 60


def test_a_replica_path_makes_an_embedded_replica_of_the_remote(monkeypatch, tmp_path):
    db = env_config(
        monkeypatch,
        tmp_path,
        LIBSQL_URL="libsql://sms-graph.turso.io",
        LIBSQL_AUTH_TOKEN="tok",
        LIBSQL_REPLICA_PATH="var/replica.db",
        LIBSQL_SYNC_INTERVAL="15",
        LIBSQL_ENCRYPTION_KEY="k",
    )
    assert db["NAME"] == "file:var/replica.db"
    assert db["TEST"]["NAME"] == "file:var/test-replica.db"
    options = db["OPTIONS"]
    assert options["sync_url"] == "libsql://sms-graph.turso.io"
    assert (options["auth_token"], options["sync_interval"]) == ("tok", 15.0)
    assert options["encryption_key"] == "k"


def test_a_local_file_with_a_key_is_encrypted_and_a_file_cannot_be_replicated(
    monkeypatch, tmp_path
):
    from django.core.exceptions import ImproperlyConfigured

    db = env_config(monkeypatch, tmp_path, LIBSQL_URL="file:var/x.db", LIBSQL_ENCRYPTION_KEY="k")
    assert db["OPTIONS"]["encryption_key"] == "k"
    assert "connect_timeout" not in db["OPTIONS"]
    with pytest.raises(ImproperlyConfigured, match="LIBSQL_REPLICA_PATH replicates a remote"):
        env_config(
            monkeypatch, tmp_path, LIBSQL_URL="file:var/x.db", LIBSQL_REPLICA_PATH="var/r.db"
        )


def test_the_driver_is_asked_for_the_replica_with_its_sync_settings(tmp_path, monkeypatch):
    from graph.backends.libsql import base, remote

    asked = {}

    def connect(database, **kwargs):
        asked.update(kwargs, database=database)
        raise dbapi.OperationalError("no server here")

    monkeypatch.setattr(remote, "check_answers", lambda url, timeout: None)
    monkeypatch.setattr(base.dbapi, "connect", connect)
    raw = {
        "ENGINE": "graph.backends.libsql",
        "NAME": f"file:{tmp_path}/replica.db",
        "OPTIONS": {
            "sync_url": "libsql://sms-graph.turso.io",
            "auth_token": "tok",
            "sync_interval": 15.0,
            "transaction_mode": "IMMEDIATE",
            "connect_timeout": 1,
            "timeout": 30,
        },
    }
    wrapper = base.DatabaseWrapper(ConnectionHandler({"default": raw}).settings["default"])
    with pytest.raises(dbapi.OperationalError):
        wrapper.get_new_connection(wrapper.get_connection_params())
    assert asked == {
        "database": f"{tmp_path}/replica.db",
        "sync_url": "libsql://sms-graph.turso.io",
        "auth_token": "tok",
        "sync_interval": 15.0,
        "timeout": 30,
    }


def test_a_remote_that_does_not_answer_is_a_one_line_error_within_the_timeout(
    silent_server, django_db_blocker
):
    settings = {
        "ENGINE": "graph.backends.libsql",
        "NAME": silent_server,
        "OPTIONS": {"auth_token": "tok", "connect_timeout": 0.5},
    }
    with django_db_blocker.unblock():
        db = open_probe(settings)
        started = time.monotonic()
        with pytest.raises(DatabaseError) as caught:
            db.ensure_connection()
        assert time.monotonic() - started < 3
    del connections["probe"]
    del connections.settings["probe"]
    message = str(caught.value)
    assert "\n" not in message
    assert f"libSQL server at {silent_server} did not answer within 0.5 s" in message


def test_healthz_answers_503_fast_when_the_remote_does_not_answer(silent_server, settings):
    # /healthz asks the default database: point it at the silent server.
    settings.DATABASES["default"] = {
        **settings.DATABASES["default"],
        "ENGINE": "graph.backends.libsql",
        "NAME": silent_server,
        "OPTIONS": {"connect_timeout": 0.5},
    }
    code = (
        "import django, time; django.setup(); from django.test import Client; "
        "t = time.monotonic(); r = Client().get('/healthz'); "
        "print(r.status_code, round(time.monotonic() - t, 1))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "SMS_ENV_FILE": "/dev/null",
        "SECRET_KEY": "x",
        "DJANGO_SETTINGS_MODULE": "sms_project.settings",
        "ALLOWED_HOSTS": "testserver",
        "LIBSQL_URL": silent_server,
        "LIBSQL_CONNECT_TIMEOUT": "0.5",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=30
    )
    status, seconds = out.stdout.split()
    assert status == "503", out.stderr[-2000:]
    assert float(seconds) < 3


@pytest.mark.django_db(transaction=True)
def test_an_embedded_replica_syncs_after_each_pipeline_batch_commits(libsql_db, monkeypatch):
    """No primary runs here: the replica flag is set on a local file, syncs are counted."""
    call_command("migrate", database="probe", verbosity=0)
    libsql_db.ensure_connection()
    synced = []
    monkeypatch.setattr(dbapi.Connection, "sync", lambda self: synced.append(time.monotonic()))
    libsql_db.connection.replica = True
    with transaction.atomic(using="probe"):
        Node.objects.using("probe").create(label="venue", data={"name": "A", "slug": "a"})
        Node.objects.using("probe").create(label="venue", data={"name": "B", "slug": "b"})
        assert synced == []  # not while the batch is open
    assert len(synced) == 1
    list(Node.objects.using("probe").all())  # reads fetch nothing new
    assert len(synced) == 1
    Node.objects.using("probe").filter(data__slug="a").delete()  # a write outside a batch
    assert len(synced) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not ON_LIBSQL, reason="the suite is not on libSQL")
def test_a_pipeline_run_syncs_the_replica_after_its_batches_commit(monkeypatch):
    """The real `run` command; the default connection is marked as a replica."""
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "replica", True)
    synced = []
    monkeypatch.setattr(dbapi.Connection, "sync", lambda self: synced.append(self.in_transaction))
    call_command("run", "blue_moon", "--samples", stdout=io.StringIO())
    # At least the ingest's batch and the carpenter's; never inside an open batch.
    assert len(synced) >= 2
    assert not any(synced)
    assert Node.objects.labelled("event").exists()
