"""One run per source at a time, on this machine and, on PostgreSQL, across machines."""

import subprocess
import sys

import pytest
from django.db import connection

from graph.audit import INTERRUPTED, RunLog, close_abandoned_runs
from graph.locks import SourceBusy, source_locks
from graph.models import Node
from tests.conftest import ROOT, engine_env

pytestmark = pytest.mark.django_db(transaction=True)


def hold(source: str, **env: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "helpers" / "hold_lock.py"), source],
        cwd=ROOT,
        env={**engine_env(), "DJANGO_SETTINGS_MODULE": "sms_project.settings", **env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "holding"
    return child


def release(child: subprocess.Popen[str]) -> None:
    child.communicate("\n", timeout=30)


def test_a_source_held_by_another_process_is_busy(settings, tmp_path):
    settings.LOCK_DIR = tmp_path
    child = hold("blue_moon", LOCK_DIR=str(tmp_path))
    waits = []
    try:
        with pytest.raises(SourceBusy, match="blue_moon is being run by another process"):
            with source_locks(["blue_moon"], wait=0.3, on_wait=waits.append):
                pass
        with source_locks(["sea_monster"], wait=0.3):  # another source is free
            pass
    finally:
        release(child)
    assert waits == ["waiting for the other run of blue_moon to finish"]
    with source_locks(["blue_moon"], wait=0.3):  # released with its process
        pass


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_on_postgresql_another_machine_holding_the_source_is_busy(settings, tmp_path):
    # Another machine: its own lock files, the same database.
    child = hold("blue_moon", LOCK_DIR=str(tmp_path / "elsewhere"))
    settings.LOCK_DIR = tmp_path / "here"
    try:
        with pytest.raises(SourceBusy), source_locks(["blue_moon"], wait=0.3):
            pass
    finally:
        release(child)


def test_only_this_machines_dead_runs_are_closed():
    mine = RunLog("ingest_run", ["blue_moon"]).start()
    theirs = RunLog("ingest_run", ["blue_moon"]).start()
    theirs.data["host"] = "another-machine"
    Node.objects.bulk_update_data([theirs])
    assert close_abandoned_runs("ingest_run", ["blue_moon"]) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.data["error"] == INTERRUPTED and mine.data["status"] == "failed"
    assert theirs.data["status"] == "running"
