"""``manage.py backup`` and ``restore``: a copy taken while a run writes restores whole.

Each test runs the commands as a user does, in child processes, on the engine under
test (SQLite's backup API for the embedded and libSQL files, pg_dump on PostgreSQL).
"""

from __future__ import annotations

import io
import subprocess
import sys
import time

import pytest
from django.core.management import call_command

from graph.backup import read_backup_manifest, read_manifest
from graph.models import Node
from tests.conftest import ROOT, SAMPLES, engine_env
from tests.ingest.feeds import blue_moon_feed, write_feed
from tests.ops.conftest import engine_kind, open_scratch

pytestmark = pytest.mark.django_db(transaction=True)


def one_line_error(result) -> str:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def scalar(db, sql: str):
    cursor = db.cursor()
    cursor.execute(sql)
    return cursor.fetchone()[0]


def json_int(field: str) -> str:
    """SQL for an integer inside runs' data, on the engine under test."""
    if engine_kind() == "postgresql":
        path = ",".join(field.split("."))
        return f"CAST(data #>> '{{{path}}}' AS integer)"
    return f"json_extract(data, '$.{field}')"


def test_a_backup_taken_while_a_run_writes_restores_to_a_consistent_graph(
    manage, empty_database, tmp_path
):
    feed = write_feed(tmp_path / "feed.json", blue_moon_feed(2000, 1000))
    writer = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "run", "blue_moon", "--from", str(feed)],
        cwd=ROOT,
        env=engine_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not Node.objects.labelled("raw_data").exists():  # the first batch is in
        assert time.monotonic() < deadline and writer.poll() is None
        time.sleep(0.05)

    backup = tmp_path / "during.tar.gz"
    taken = manage("backup", str(backup))
    writer.communicate(timeout=120)

    assert taken.returncode == 0, taken.stderr
    assert taken.stdout.startswith(f"backup {backup}: ")
    assert writer.returncode == 0
    manifest = read_backup_manifest(backup)
    assert manifest.engine == engine_kind()
    assert 0 < manifest.labels["raw_data"] <= 2000
    assert "0001_initial" in manifest.migrations["graph"]

    restored = manage("restore", str(backup), env=empty_database)

    assert restored.returncode == 0, restored.stderr
    assert "counts and checksum match its manifest" in restored.stdout
    db = open_scratch(empty_database)
    try:
        found = read_manifest(db.cursor(), engine_kind())
        assert manifest.same_graph(found) == []
        # Whole batches only: every raw item with its record, and the run's progress
        # counting exactly what was committed with it.
        raw = scalar(db, "SELECT COUNT(*) FROM nodes WHERE label = 'raw_data'")
        created = scalar(
            db, f"SELECT SUM({json_int('counts.create')}) FROM nodes WHERE label = 'ingest_run'"
        )
        records = scalar(db, "SELECT COUNT(*) FROM nodes WHERE label = 'ingest_record'")
        assert raw == records == created
        assert raw % 500 == 0
        dangling = scalar(
            db,
            "SELECT COUNT(*) FROM edges WHERE source_id NOT IN (SELECT id FROM nodes) "
            "OR target_id NOT IN (SELECT id FROM nodes)",
        )
        assert dangling == 0
    finally:
        db.close()


@pytest.fixture
def stored(tmp_path):
    call_command("run", "blue_moon", "--from", SAMPLES / "blue_moon.json", stdout=io.StringIO())
    return Node.objects.count()


def test_restore_refuses_a_database_that_is_not_empty_and_replaces_it_with_force(
    manage, stored, tmp_path
):
    backup = tmp_path / "b.tar.gz"
    assert manage("backup", str(backup)).returncode == 0
    Node.objects.labelled("event").delete()
    left = Node.objects.count()

    refused = manage("restore", str(backup))

    assert one_line_error(refused) == (
        f"CommandError: The database holds {left} nodes; restoring replaces all of it. "
        "Restore into an empty database, or add --force to replace it."
    )
    assert Node.objects.count() == left  # untouched

    forced = manage("restore", str(backup), "--force")

    assert forced.returncode == 0, forced.stderr
    assert Node.objects.count() == stored
    assert Node.objects.labelled("event").exists()


def test_a_damaged_or_missing_backup_is_a_one_line_error(manage, stored, tmp_path, empty_database):
    backup = tmp_path / "b.tar.gz"
    assert manage("backup", str(backup)).returncode == 0
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(backup.read_bytes()[: len(backup.read_bytes()) // 2])

    assert one_line_error(manage("restore", str(damaged), env=empty_database)).startswith(
        f"CommandError: {damaged} is not a readable backup"
    )
    assert one_line_error(manage("restore", str(tmp_path / "none.tar.gz"))) == (
        f"CommandError: No backup at {tmp_path / 'none.tar.gz'}."
    )


def test_backups_into_the_folder_keep_the_last_n(manage, stored, tmp_path):
    folder = tmp_path / "backups"
    for _ in range(3):
        result = manage("backup", "--keep", "2", env={"BACKUP_DIR": str(folder)})
        assert result.returncode == 0, result.stderr
    kept = sorted(folder.glob("sms-*.tar.gz"))
    assert len(kept) == 2
    assert "removed the older backup" in result.stdout
    assert read_backup_manifest(kept[-1]).nodes == stored


def test_the_checksum_changes_with_the_graph(stored, tmp_path):
    from django.db import connection

    with connection.cursor() as cursor:
        before = read_manifest(cursor, engine_kind())
    venue = Node.objects.labelled("venue").first()
    venue.data["name"] = "Blue Moon"
    venue.save()
    with connection.cursor() as cursor:
        after = read_manifest(cursor, engine_kind())
    assert after.labels == before.labels and after.checksum != before.checksum
