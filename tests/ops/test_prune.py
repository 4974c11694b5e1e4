"""``manage.py prune --older-than DAYS``: old records go, summaries and provenance stay."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from graph import prune as pruning
from graph.audit import RunLog
from graph.models import Edge, Node
from graph.prune import prune
from tests.conftest import SAMPLES

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - dt.timedelta(days=120)


def age(nodes, when=LONG_AGO) -> None:
    """Make runs (created_at) and raw data (last_seen) look ``when`` old."""
    ids = [n.pk for n in nodes]
    Node.objects.filter(pk__in=ids).update(created_at=when)
    for raw in Node.objects.filter(pk__in=ids, label="raw_data"):
        raw.data["last_seen"] = when
        Node.objects.bulk_update_data([raw], touch=False)


@pytest.fixture
def year_old_run():
    """A whole blue_moon run (ingest and carpenter) from 120 days ago, and a fresh one."""
    call_command("run", "blue_moon", "--from", SAMPLES / "blue_moon.json", stdout=io.StringIO())
    old = list(Node.objects.filter(label__in=["ingest_run", "carpenter_run"]))
    age(old + list(Node.objects.labelled("raw_data")))
    call_command("ingest", "blue_moon", "--from", SAMPLES / "blue_moon.json", stdout=io.StringIO())
    fresh = Node.objects.labelled("ingest_run").exclude(pk__in=[r.pk for r in old]).get()
    # The fresh ingest saw every item again: make the old raw data old again.
    age(Node.objects.labelled("raw_data"))
    return old, fresh


def records_of(run: Node) -> int:
    return Edge.objects.filter(source=run, relation="has_record").count()


def test_old_runs_lose_their_records_and_keep_their_summaries(year_old_run):
    old, fresh = year_old_run
    before = {run.pk: (records_of(run), run.data["counts"], run.data["per_source"]) for run in old}
    fresh_records = records_of(fresh)
    records = Node.objects.filter(label__endswith="_record").count()

    report = prune(older_than_days=90)

    assert report.runs == 2
    assert report.records == sum(n for n, _, _ in before.values()) > 0
    assert Node.objects.filter(label__endswith="_record").count() == records - report.records
    for run in Node.objects.filter(pk__in=before):
        count, counts, per_source = before[run.pk]
        assert records_of(run) == 0
        assert (run.data["counts"], run.data["per_source"]) == (counts, per_source)
        assert run.data["records_pruned"] == count and run.data["pruned_at"]
    assert records_of(fresh) == fresh_records  # a recent run keeps its records


def test_raw_data_an_event_derives_from_is_kept_however_old(year_old_run):
    events = {
        e.pk: set(e.neighbours("derived_from").values_list("pk", flat=True))
        for e in Node.objects.labelled("event")
    }
    used = set().union(*events.values())
    unused = set(
        Node.objects.labelled("raw_data").exclude(pk__in=used).values_list("pk", flat=True)
    )
    assert used and unused  # the sample has shows and non-shows (open mics, trivia)

    report = prune(older_than_days=90)

    remaining = set(Node.objects.labelled("raw_data").values_list("pk", flat=True))
    assert remaining == used
    assert report.raw_data == len(unused)
    after = {
        e.pk: set(e.neighbours("derived_from").values_list("pk", flat=True))
        for e in Node.objects.labelled("event")
    }
    assert after == events


def test_recent_raw_data_and_running_runs_are_left_alone():
    call_command("ingest", "blue_moon", "--from", SAMPLES / "blue_moon.json", stdout=io.StringIO())
    running = RunLog("ingest_run", ["sea_monster"]).start()
    age([running])
    raw = Node.objects.labelled("raw_data").count()

    report = prune(older_than_days=90)

    assert (report.runs, report.raw_data) == (0, 0)
    assert Node.objects.labelled("raw_data").count() == raw
    running.refresh_from_db()
    assert running.data["status"] == "running" and not running.data.get("pruned_at")


def test_a_second_prune_finds_nothing_more(year_old_run):
    prune(older_than_days=90)
    again = prune(older_than_days=90)
    assert (again.runs, again.records, again.raw_data) == (0, 0, 0)


def test_statements_grow_per_batch_not_per_run(monkeypatch):
    monkeypatch.setattr(pruning, "BATCH", 10)

    def statements(runs: int) -> int:
        made = []
        for _ in range(runs):
            log = RunLog("ingest_run", ["blue_moon"])
            log.start()
            log.add("error", "blue_moon", "bad item", reason="x")
            made.append(log.finish())
        age(made)
        with CaptureQueriesContext(connection) as queries:
            assert prune(older_than_days=90).runs == runs
        return len(queries)

    ten, thirty = statements(10), statements(30)
    assert thirty - ten <= 2 * 8  # two more batches, a handful of statements each
    assert ten <= 20


@pytest.mark.django_db(transaction=True)
class TestCommand:
    def test_it_prints_what_it_pruned(self, manage):
        result = manage("prune", "--older-than", "30")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("pruned 0 records of 0 runs and 0 raw items")

    @pytest.mark.parametrize("days", ["0", "-3", "soon"])
    def test_a_bad_number_of_days_is_a_one_line_error(self, manage, days):
        result = manage("prune", "--older-than", days)
        assert result.returncode != 0
        assert result.stderr.strip() == (
            f"CommandError: --older-than takes a whole number of days, 1 or more; not {days!r}."
        )
