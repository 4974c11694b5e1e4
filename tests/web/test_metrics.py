"""``/metrics``: Prometheus text with the right numbers, for the right callers only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from graph.models import Node
from graph.totals import run_totals
from tests.conftest import FIXTURES, SAMPLES
from web import metrics

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_totals():
    """Each test starts with nothing kept: another test's runs are not this one's."""
    metrics.SETTLED.forget()
    yield
    metrics.SETTLED.forget()


def scrape(client: Client | None = None, **headers) -> dict[tuple, float]:
    """Return every sample of /metrics by (name, sorted labels)."""
    response = (client or Client()).get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


@pytest.fixture
def runs():
    """A blue_moon run, a failed sea_monster ingest, and a sea_monster ingest not built yet."""
    call_command("run", "blue_moon", "--from", SAMPLES / "blue_moon.json", stdout=io.StringIO())
    with pytest.raises(CommandError):
        bad = FIXTURES / "sea_monster" / "no-warmup.html"
        call_command("ingest", "sea_monster", "--from", bad, stdout=io.StringIO())
    call_command(
        "ingest", "sea_monster", "--from", SAMPLES / "sea_monster.html", stdout=io.StringIO()
    )


def test_the_numbers_come_from_the_runs_and_the_graph(runs):
    samples = scrape()
    ingest = Node.objects.labelled("ingest_run").filter(data__sources=["blue_moon"]).get()
    sea_monster = Node.objects.labelled("raw_data").where(source="sea_monster").count()

    assert (
        value(samples, "sms_runs_total", kind="ingest", source="blue_moon", status="succeeded") == 1
    )
    assert (
        value(samples, "sms_runs_total", kind="ingest", source="sea_monster", status="failed") == 1
    )
    assert (
        value(samples, "sms_runs_total", kind="ingest", source="sea_monster", status="succeeded")
        == 1
    )
    assert (
        value(samples, "sms_runs_total", kind="carpenter", source="blue_moon", status="succeeded")
        == 1
    )
    assert (
        value(samples, "sms_items_total", kind="ingest", source="blue_moon", change_type="create")
        == 59
    )
    built = Node.objects.labelled("carpenter_run").get().data["per_source"]["blue_moon"]
    assert built["skipped"] > 0
    for change, stat in (("create", "created"), ("skip", "skipped"), ("error", "errors")):
        assert (
            value(
                samples, "sms_items_total", kind="carpenter", source="blue_moon", change_type=change
            )
            == built[stat]
        )
    assert value(samples, "sms_run_duration_seconds_count", kind="ingest", source="blue_moon") == 1
    assert (
        value(
            samples, "sms_run_duration_seconds_bucket", kind="ingest", source="blue_moon", le="+Inf"
        )
        == 1
    )
    assert value(
        samples, "sms_run_duration_seconds_sum", kind="ingest", source="blue_moon"
    ) == pytest.approx(ingest.data["per_source"]["blue_moon"]["seconds"])
    finished = Node.objects.get(pk=ingest.pk).typed.finished_at.timestamp()
    assert value(
        samples, "sms_last_success_timestamp_seconds", kind="ingest", source="blue_moon"
    ) == pytest.approx(finished)
    assert (
        "sms_last_success_timestamp_seconds",
        (("kind", "carpenter"), ("source", "sea_monster")),
    ) not in samples
    waiting = Node.objects.labelled("raw_data").where(source="blue_moon", processed=False).count()
    assert value(samples, "sms_unprocessed_raw_data", source="blue_moon") == waiting  # past days
    assert value(samples, "sms_unprocessed_raw_data", source="sea_monster") == sea_monster > 0
    assert value(samples, "sms_unprocessed_raw_data", source="ticketmaster") == 0
    for label in ("venue", "event", "raw_data", "ingest_run"):
        assert value(samples, "sms_nodes", label=label) == Node.objects.labelled(label).count()


def test_request_metrics_are_there_too():
    Client().get("/healthz")
    samples = scrape()
    assert any(name == "django_http_requests_total_by_method_total" for name, _ in samples)


@pytest.mark.django_db(transaction=True)
def test_runs_of_another_process_count(manage):
    result = manage("run", "blue_moon", "--from", str(SAMPLES / "blue_moon.json"))
    assert result.returncode == 0, result.stderr
    samples = scrape()
    assert (
        value(samples, "sms_items_total", kind="ingest", source="blue_moon", change_type="create")
        == 59
    )


def test_a_scrape_costs_the_same_queries_however_many_runs(runs):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            scrape()
        return len(captured)

    before = queries()
    for _ in range(5):
        call_command("run", "blue_moon", "--from", SAMPLES / "blue_moon.json", stdout=io.StringIO())
    assert queries() == before <= 4


def test_totals_kept_from_one_scrape_to_the_next_stay_right(runs):
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Node.objects.filter(label__endswith="_run").update(updated_at=long_ago)
    first = scrape()
    call_command("run", "blue_moon", "--from", SAMPLES / "blue_moon.json", stdout=io.StringIO())
    assert metrics.SETTLED.totals  # the old runs are kept, not read again
    second = scrape()
    everything = {t.key: t for t in run_totals(metrics.DURATION_BUCKETS)}
    ingest = everything[("ingest", "blue_moon", "succeeded")]
    assert (
        value(first, "sms_runs_total", kind="ingest", source="blue_moon", status="succeeded") == 1
    )
    assert (
        value(second, "sms_runs_total", kind="ingest", source="blue_moon", status="succeeded") == 2
    )
    assert ingest.runs == 2
    assert (
        value(second, "sms_items_total", kind="ingest", source="blue_moon", change_type="noop")
        == ingest.items["noop"]
        == 59
    )


class TestWhoMayRead:
    def test_without_a_token_only_the_loopback_address(self):
        assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200
        assert Client(REMOTE_ADDR="::1").get("/metrics").status_code == 200
        assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 403
        assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 403

    def test_a_request_through_a_proxy_is_not_local(self):
        response = Client(REMOTE_ADDR="127.0.0.1").get(
            "/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9"
        )
        assert response.status_code == 403

    def test_with_a_token_it_wants_the_token_from_anywhere(self, settings):
        settings.METRICS_TOKEN = "s3cret-token"
        remote = Client(REMOTE_ADDR="203.0.113.9")
        assert remote.get("/metrics").status_code == 401
        assert remote.get("/metrics")["WWW-Authenticate"] == 'Bearer realm="metrics"'
        assert remote.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
        assert Client().get("/metrics").status_code == 401  # loopback needs it too
        assert remote.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200

    def test_it_is_never_cached(self):
        assert "no-store" in Client().get("/metrics")["Cache-Control"]


def test_a_run_at_work_is_in_progress_not_yet_counted():
    from graph.audit import RunLog

    RunLog("ingest_run", ["sea_monster"]).start()
    samples = scrape()
    assert value(samples, "sms_runs_in_progress", kind="ingest", source="sea_monster") == 1
    assert not any(
        name == "sms_runs_total" and dict(labels).get("source") == "sea_monster"
        for name, labels in samples
    )
