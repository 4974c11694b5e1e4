"""`manage.py carpenter` and `manage.py run`, run as a user runs them."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from bench.pipeline import feed
from graph.audit import INTERRUPTED
from graph.models import Edge, Node
from tests.conftest import ROOT, SAMPLES, engine_env

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = str(SAMPLES / "blue_moon.json")


def counts() -> dict[str, int]:
    found: dict[str, int] = {}
    for label in Node.objects.values_list("label", flat=True):
        found[label] = found.get(label, 0) + 1
    return found


@pytest.mark.parametrize("command", ["carpenter", "run"])
def test_help(manage, command):
    result = manage(command, "--help")
    assert result.returncode == 0
    assert "--process-all" in result.stdout and "--since" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["carpenter", "blue_mon"], "Unknown source 'blue_mon'. Known sources: blue_moon"),
        (["carpenter"], "Name a source (blue_moon"),
        (["carpenter", "blue_moon", "--all"], "Name sources or use --all, not both."),
        (["carpenter", "blue_moon", "--since", "12/01/2026"], "--since takes a day as YYYY-MM-DD"),
        (["run", "blue_moon", "--from", "/nonexistent/feed.json"], "/nonexistent/feed.json"),
    ],
)
def test_mistakes_are_one_line_errors(manage, args, message):
    result = manage(*args)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_run_ingests_then_builds_and_prints_both_summaries(manage):
    result = manage("run", "blue_moon", "--from", SAMPLE, "--since", "2000-01-01")
    assert result.returncode == 0, result.stderr
    ingest_run = Node.objects.labelled("ingest_run").get()
    carpenter_run = Node.objects.labelled("carpenter_run").get()
    assert f"ingest run {ingest_run.pk}: succeeded" in result.stdout
    assert f"carpenter run {carpenter_run.pk}: succeeded" in result.stdout
    assert carpenter_run.data["per_source"]["blue_moon"]["created"] > 40
    assert Node.objects.get_node("venue", slug="blue-moon-tavern")
    assert Node.objects.labelled("event").count() == 42  # 59 items, 17 are not shows


def test_carpenter_twice_with_nothing_new_creates_nothing(manage):
    assert manage("run", "blue_moon", "--from", SAMPLE, "--since", "2000-01-01").returncode == 0
    before = (Node.objects.count(), Edge.objects.count())
    result = manage("carpenter", "blue_moon", "--since", "2000-01-01")
    assert result.returncode == 0
    assert (Node.objects.count(), Edge.objects.count()) == (before[0] + 1, before[1])


def test_run_in_memory_leaves_the_database_alone(manage):
    result = manage("run", "blue_moon", "--from", SAMPLE, "--since", "2000-01-01", "--in-memory")
    assert result.returncode == 0, result.stderr
    assert "carpenter run" in result.stdout and "succeeded" in result.stdout
    assert Node.objects.count() == 0


def test_a_killed_run_leaves_whole_events_and_the_next_run_finishes(manage, tmp_path):
    big = tmp_path / "feed.json"
    big.write_text(json.dumps(feed(events=4000, days=2000, artists=900)))
    assert manage("ingest", "blue_moon", "--from", str(big)).returncode == 0

    child = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "carpenter",
            "blue_moon",
            "--since",
            "2000-01-01",
        ],
        cwd=ROOT,
        env=engine_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not Node.objects.labelled("event").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()

    killed = Node.objects.labelled("carpenter_run").get()
    assert killed.data["status"] == "running" and killed.data["finished_at"] is None
    made = Node.objects.labelled("event").count()
    assert 0 < made < 4000, "the run was not caught half-way"
    # Whole events only: each has its venue and its raw item, and each raw item that
    # says it is processed has its event (batches are stored all or nothing).
    assert Edge.objects.filter(relation="hosts").count() == made
    assert Edge.objects.filter(relation="derived_from").count() == made
    processed = Node.objects.labelled("raw_data").where(processed=True).count()
    assert processed == made

    result = manage("carpenter", "blue_moon", "--since", "2000-01-01")
    assert result.returncode == 0, result.stderr
    killed.refresh_from_db()
    assert killed.data["status"] == "failed" and killed.data["error"] == INTERRUPTED
    assert killed.data["finished_at"] is None
    assert Node.objects.labelled("event").count() == 4000
    assert Edge.objects.filter(relation="derived_from").count() == 4000
