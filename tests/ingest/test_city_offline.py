"""The whole city offline (`--samples`), and what `run` does with sources that did not ingest."""

import io
import math
import os

import httpx
import pytest
from django.core.management import CommandError, call_command

from graph.models import Node
from ingest import ingester
from ingest.fetch import HttpFetcher
from ingest.sources import SOURCES
from tests.ingest.conftest import fixture_path


def run_command(*args: str, **options) -> str:
    out = io.StringIO()
    call_command("run", *args, stdout=out, **options)
    return out.getvalue()


def event_at(venue: str, day: str, start_time: str) -> Node:
    (venue_node,) = [v for v in Node.objects.labelled("venue") if v.data["name"] == venue]
    events = [
        e
        for e in venue_node.neighbours("hosts")
        if (e.data["day"], e.data["start_time"]) == (day, start_time)
    ]
    assert len(events) == 1, events
    return events[0]


def sources_of(event: Node) -> set[str]:
    return {raw.data["source"] for raw in event.neighbours("derived_from")}


@pytest.mark.django_db
class TestTheCityOffline:
    @pytest.fixture(autouse=True)
    def city(self, no_tm_key):
        self.output = run_command("--all", "--samples", "--since", "2000-01-01")

    def test_every_source_builds_from_its_recording_even_those_needing_a_key(self):
        runs = Node.objects.labelled("carpenter_run").get()
        for name in SOURCES:
            stats = runs.data["per_source"][name]
            assert stats["status"] == "succeeded", name
            assert stats["created"] + stats["updated"] > 0, name

    def test_a_show_listed_by_several_sources_is_one_event(self):
        bash = event_at("Neumos", "2026-12-13", "19:00")
        assert sources_of(bash) == {"neumos", "ticketmaster", "songkick"}
        assert bash.data["title"] == (
            "Emerald City Holiday Punk Rock Bash w/ Dead Bars, The Spits Sisters, Rat City Riot"
        )  # the venue's own listing wins
        assert sources_of(event_at("Barboza", "2026-12-18", "20:00")) == {
            "barboza", "songkick", "bandsintown"
        }  # fmt: skip
        assert sources_of(event_at("Sunset Tavern", "2026-12-11", "21:00")) == {
            "sunset_tavern", "bandsintown"
        }  # fmt: skip
        assert sources_of(event_at("The Royal Room", "2026-12-15", "19:30")) == {
            "royal_room", "eventbrite"
        }  # fmt: skip
        assert sources_of(event_at("Conor Byrne Pub", "2026-12-10", "20:00")) == {
            "conor_byrne", "songkick"
        }  # fmt: skip

    def test_venues_artists_and_events_come_of_it(self):
        names = {venue.data["name"] for venue in Node.objects.labelled("venue")}
        assert {"Neumos", "Barboza", "High Dive", "Nectar Lounge", "Skylark Cafe",
                "Little Red Hen", "Darrell's Tavern", "KEXP Gathering Space"} <= names  # fmt: skip
        assert Node.objects.labelled("artist").count() > 100
        assert Node.objects.labelled("event").count() > 150


@pytest.mark.django_db
class TestRunCarpentersOnlyWhatIngested:
    def test_a_source_whose_ingest_failed_is_not_carpentered_and_the_summary_says_so(self):
        out = io.StringIO()
        with pytest.raises(CommandError):
            call_command(
                "run", "blue_moon", "--from", fixture_path("blue_moon", "empty.json"), stdout=out
            )
        assert not Node.objects.labelled("carpenter_run").exists()
        assert "carpenter not run for: blue_moon (its ingest failed)" in out.getvalue()
        assert "raw items" not in out.getvalue()
        assert "carpenter run" not in out.getvalue()

    def test_the_others_are_carpentered(self, settings):
        settings.SOURCES_DISABLED = ["kexp"]
        output = run_command("kexp", "neumos", "--samples", "--since", "2000-01-01")
        run = Node.objects.labelled("carpenter_run").get()
        assert run.data["sources"] == ["neumos"]
        assert "carpenter not run for: kexp (its ingest skipped)" in output


@pytest.mark.django_db
def test_a_switched_off_source_is_skipped_with_the_reason(settings):
    settings.SOURCES_DISABLED = ["blue_moon"]
    out = io.StringIO()
    call_command("ingest", "blue_moon", "neumos", "--samples", stdout=out)
    run = Node.objects.labelled("ingest_run").get()
    assert run.data["per_source"]["blue_moon"]["status"] == "skipped"
    assert run.data["per_source"]["blue_moon"]["error"] == "switched off by SOURCES_DISABLED"
    assert run.data["per_source"]["neumos"]["created"] == 10


@pytest.mark.django_db
def test_a_network_failure_is_told_once(monkeypatch):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    transport = httpx.MockTransport(refuse)
    monkeypatch.setattr(
        ingester, "HttpFetcher", lambda: HttpFetcher(transport=transport, host_pace=math.inf)
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("run", "blue_moon", stdout=out)
    printed = out.getvalue()
    assert printed.count("connection refused after 3 attempts") == 1
    assert "blue_moon: failed: connection refused after 3 attempts" in printed
    assert "raw items" not in printed  # no carpenter line for a source that did not ingest
    assert "blue_moon: connection refused after 3 attempts" in str(error.value)


@pytest.mark.django_db
def test_samples_and_from_together_are_refused():
    with pytest.raises(CommandError, match="Read --from a file or the --samples, not both."):
        call_command("ingest", "blue_moon", "--samples", "--from", "x.json", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
class TestAsAUserRunsIt:
    def test_the_whole_city_offline_on_a_throwaway_database(self, manage):
        result = manage("run", "--all", "--samples", "--in-memory", "--since", "2000-01-01")
        assert result.returncode == 0, result.stderr
        carpenter = result.stdout.split("carpenter run ")[1].splitlines()
        rows = {line.split()[0]: line.split() for line in carpenter[3:] if line.strip()}
        for name in SOURCES:
            assert rows[name][1] == "succeeded", rows.get(name)
            assert int(rows[name][2]) + int(rows[name][3]) > 0, rows[name]
        assert not Node.objects.exists()

    def test_from_a_fifo_is_refused_at_once_not_waited_on(self, manage, tmp_path):
        fifo = tmp_path / "feed.fifo"
        os.mkfifo(fifo)
        result = manage("ingest", "blue_moon", "--from", str(fifo), timeout=30)
        assert result.returncode != 0
        assert result.stderr.strip() == (
            f"CommandError: Cannot read --from file {fifo}: it is a FIFO, not a regular file."
        )

    def test_help_names_samples(self, manage):
        for command in ("ingest", "run"):
            assert "--samples" in manage(command, "--help").stdout
