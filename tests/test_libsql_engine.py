"""The libSQL engine (graph.backends.libsql) and the driver fixes it carries.

These run on every engine: they open their own libSQL connections to a temporary
file. When the suite itself runs with LIBSQL_URL=file:..., every other test also goes
through this engine; ``test_the_suite_runs_on_the_libsql_engine`` says so.
"""

import pytest
from django.db import IntegrityError, connection, connections
from django.db.utils import ConnectionHandler

from graph.backends.libsql.local import LocalConnection


@pytest.fixture
def libsql(tmp_path, django_db_blocker):
    """A second database, "probe": the libSQL engine on a fresh local file."""
    raw = {"ENGINE": "graph.backends.libsql", "NAME": f"file:{tmp_path}/probe.db"}
    connections.settings["probe"] = ConnectionHandler({"default": raw}).settings["default"]
    with django_db_blocker.unblock():
        db = connections["probe"]
        yield db
        db.close()
    del connections["probe"]
    del connections.settings["probe"]


def test_a_file_url_opens_the_hrana_client_on_a_local_file(libsql):
    libsql.ensure_connection()
    assert isinstance(libsql.connection, LocalConnection)
    assert libsql.display_name == "libSQL"


def test_results_longer_than_one_fetch_come_back_whole(libsql):
    # Django fetches 100 rows at a time; the driver's fetchmany lost one row per call.
    with libsql.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
        cursor.executemany("INSERT INTO t VALUES (%s)", [(i,) for i in range(250)])
        cursor.execute("SELECT n FROM t ORDER BY n")
        rows = []
        while chunk := cursor.fetchmany(100):
            rows.extend(chunk)
    assert [r[0] for r in rows] == list(range(250))


def test_a_failed_inner_atomic_leaves_the_outer_transaction_open(libsql):
    from django.db import transaction

    with libsql.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer UNIQUE)")
    with transaction.atomic(using="probe"):
        libsql.cursor().execute("INSERT INTO t VALUES (1)")
        with pytest.raises(IntegrityError), transaction.atomic(using="probe"):
            libsql.cursor().execute("INSERT INTO t VALUES (1)")
        assert libsql.connection.in_transaction
        libsql.cursor().execute("INSERT INTO t VALUES (2)")
    # Had the driver lost track, the outer COMMIT would have been skipped.
    assert not libsql.connection.in_transaction
    with libsql.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone()[0] == 2


def test_sqlite_errors_arrive_as_django_errors_with_their_code(libsql):
    with libsql.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer UNIQUE)")
        cursor.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(IntegrityError, match="UNIQUE constraint failed"):
            cursor.execute("INSERT INTO t VALUES (1)")


def test_write_transactions_begin_immediate(libsql):
    libsql.ensure_connection()
    assert libsql.transaction_mode == "IMMEDIATE"


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.settings_dict["ENGINE"] != "graph.backends.libsql", reason="suite not on libSQL"
)
def test_the_suite_runs_on_the_libsql_engine():
    connection.ensure_connection()
    assert isinstance(connection.connection, LocalConnection)


def test_a_remote_url_connects_through_the_fixed_driver_with_its_token(monkeypatch):
    """No libSQL server runs here: check what the engine asks the driver for."""
    from graph.backends.libsql import base
    from graph.backends.libsql.driver import Connection

    asked = {}

    def connect(database, **kwargs):
        asked.update(kwargs, database=database)
        raise ConnectionRefusedError("no server here")

    monkeypatch.setattr(base.dbapi2, "connect", connect)
    raw = {
        "ENGINE": "graph.backends.libsql",
        "NAME": "libsql://sms-graph.turso.io",
        "OPTIONS": {"auth_token": "secret-token", "transaction_mode": "IMMEDIATE"},
    }
    wrapper = base.DatabaseWrapper(ConnectionHandler({"default": raw}).settings["default"])
    with pytest.raises(ConnectionRefusedError):
        wrapper.get_new_connection(wrapper.get_connection_params())
    assert asked["database"] == "libsql://sms-graph.turso.io"
    assert asked["factory"] is Connection  # savepoint tracking fixed
    assert asked["auth_token"] == "secret-token"
    assert "transaction_mode" not in asked  # ours, not the driver's
