"""The ingester: raw data, the run and its records, repeats, bad input, failures."""

import asyncio
import json
import re
import tracemalloc

import httpx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from graph.audit import INTERRUPTED, RunLog
from graph.models import Edge, Node
from graph.schemas import LAST_SEEN_RESOLUTION
from ingest import ingester
from ingest.console import QuietReporter
from ingest.ingester import IngestError, content_hash, ingest
from ingest.sources import get_source
from ingest.sources.blue_moon import BlueMoon
from ingest.sources.sea_monster import SeaMonster
from tests.conftest import SAMPLES
from tests.ingest.conftest import fixture_path, raw_items, sample
from tests.ingest.feeds import blue_moon_feed, write_feed

pytestmark = pytest.mark.django_db

BLUE_MOON = SAMPLES / "blue_moon.json"


def records(run: Node) -> list[Node]:
    return list(run.neighbours("has_record"))


def stats(outcome, source="blue_moon"):
    return outcome.log.stats[source]


def edited_sample(tmp_path, edit) -> str:
    feed = json.loads(sample("blue_moon.json"))
    edit(feed["eventsByDates"])
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(feed))
    return str(path)


class TestFirstRun:
    def test_each_item_becomes_raw_data(self):
        outcome = ingest(["blue_moon"], from_path=BLUE_MOON)
        assert outcome.ok
        items = raw_items("blue_moon")
        assert len(items) == 59
        raw = items["93p54u6sbg46o9aeel3loto3u0"].data
        payload = json.loads(sample("blue_moon.json"))["eventsByDates"]["2026-11-20"][0]
        assert raw["payload"] == payload
        assert raw["content_hash"] == content_hash(payload)
        assert (raw["day"], raw["start_time"]) == ("2026-11-20", "18:00")
        assert raw["event_name"] == "Early Show: The Rain City Ramblers w/ Dana Kollar, Pete Moss"
        assert raw["venue_name"] == "Blue Moon Tavern"
        assert raw["processed"] is False
        assert raw["first_seen"] == raw["last_seen"]

    def test_the_run_records_each_created_item(self):
        outcome = ingest(["blue_moon"], from_path=BLUE_MOON)
        run = outcome.run
        assert run.data["status"] == "succeeded"
        assert run.data["finished_at"] is not None
        assert run.data["sources"] == ["blue_moon"]
        assert run.data["options"] == {"from": str(BLUE_MOON)}
        assert run.data["counts"] == {"create": 59, "update": 0, "noop": 0, "skip": 0, "error": 0}
        assert run.data["per_source"]["blue_moon"]["created"] == 59
        created = records(run)
        assert len(created) == 59
        record = next(r for r in created if r.data["external_id"] == "93p54u6sbg46o9aeel3loto3u0")
        assert record.data["change_type"] == "create"
        assert record.data["summary"].startswith("Blue Moon Tavern: Early Show: The Rain City")
        (target,) = record.neighbours("changed")
        assert (
            target.label == "raw_data" and target.data["external_id"] == record.data["external_id"]
        )

    def test_every_stored_payload_reads_back_as_its_item(self):
        ingest(["blue_moon"], from_path=BLUE_MOON)
        ingest(["sea_monster"], from_path=SAMPLES / "sea_monster.html")
        ingest(["ticketmaster"], from_path=SAMPLES / "ticketmaster.json")
        stored = Node.objects.labelled("raw_data")
        assert stored.count() == 59 + 21 + 16
        for raw in stored:
            external_id, show = get_source(raw.data["source"]).read(raw.data["payload"])
            assert external_id == raw.data["external_id"]
            assert (show.day, show.title) == (raw.data["day"], raw.data["event_name"])

    def test_ticketmaster_items_name_their_own_venues(self, no_tm_key):
        outcome = ingest(["ticketmaster"], from_path=SAMPLES / "ticketmaster.json")
        assert outcome.ok  # a saved response needs no key
        assert raw_items("ticketmaster")["Z7r9jZ1A7R7Pw"].data["venue_name"] == "Blue Moon Tavern"


class TestRepeat:
    def test_the_same_input_creates_and_changes_nothing(self):
        ingest(["blue_moon"], from_path=BLUE_MOON)
        before = {key: node.data for key, node in raw_items().items()}
        stamps = {key: node.updated_at for key, node in raw_items().items()}
        nodes, edges = Node.objects.count(), Edge.objects.count()

        outcome = ingest(["blue_moon"], from_path=BLUE_MOON)

        assert (stats(outcome).created, stats(outcome).updated, stats(outcome).unchanged) == (
            0,
            0,
            59,
        )
        assert outcome.run.data["counts"] == {
            "create": 0,
            "update": 0,
            "noop": 59,
            "skip": 0,
            "error": 0,
        }
        assert Node.objects.count() == nodes + 1  # the run, and no record
        assert Edge.objects.count() == edges
        after = raw_items()
        for key, node in after.items():  # read and compared, not written again
            assert node.updated_at == stamps[key]
            assert node.data == before[key]

    def test_an_unchanged_item_seen_a_day_later_gets_a_new_last_seen(self):
        ingest(["blue_moon"], from_path=BLUE_MOON)
        raws = list(raw_items().values())
        a_day_ago = timezone.now() - LAST_SEEN_RESOLUTION
        for raw in raws:
            raw.data["last_seen"] = a_day_ago
        Node.objects.bulk_update_data(raws, touch=False)
        before = {key: node.data for key, node in raw_items().items()}
        stamps = {key: node.updated_at for key, node in raw_items().items()}

        outcome = ingest(["blue_moon"], from_path=BLUE_MOON)

        assert stats(outcome).unchanged == 59
        for key, node in raw_items().items():
            assert node.updated_at == stamps[key]  # bookkeeping, not a change
            assert node.data["last_seen"] > before[key]["last_seen"]
            assert {**node.data, "last_seen": None} == {**before[key], "last_seen": None}

    def test_a_changed_item_is_updated_with_a_diff_and_unprocessed_again(self, tmp_path):
        ingest(["blue_moon"], from_path=BLUE_MOON)
        raws = list(raw_items().values())
        for raw in raws:
            raw.data["processed"] = True  # as the carpenter leaves them
        Node.objects.bulk_update_data(raws)
        old = raw_items()["kvs97fm1c8mfbp40bkh04ffn86"]

        def edit(days):
            days["2026-11-20"][1]["title"] = "Late Show: Grudge Match / Neon Vultures"
            days["2026-11-20"][1]["endDate"] = "2026-11-21T01:00:00-08:00"

        outcome = ingest(["blue_moon"], from_path=edited_sample(tmp_path, edit))

        assert (stats(outcome).updated, stats(outcome).unchanged) == (1, 58)
        (record,) = records(outcome.run)
        assert record.data["change_type"] == "update"
        assert record.data["diff"] == {
            "endDate": {"old": "2026-11-21T00:30:00-08:00", "new": "2026-11-21T01:00:00-08:00"},
            "title": {
                "old": "Late Show: Grudge Match / Thee Pillbugs / Neon Vultures",
                "new": "Late Show: Grudge Match / Neon Vultures",
            },
        }
        new = raw_items()["kvs97fm1c8mfbp40bkh04ffn86"]
        assert record.neighbours("changed").get() == new
        assert new.data["processed"] is False
        assert new.data["event_name"] == "Late Show: Grudge Match / Neon Vultures"
        assert new.data["first_seen"] == old.data["first_seen"]
        assert new.data["content_hash"] != old.data["content_hash"]
        assert sum(not raw.data["processed"] for raw in raw_items().values()) == 1


class TestBadInput:
    def test_bad_items_become_error_records_and_the_rest_is_stored(self):
        outcome = ingest(["blue_moon"], from_path=fixture_path("blue_moon", "bad-items.json"))
        assert outcome.ok  # bad items are the source's errors, not a failed source
        assert set(raw_items()) == {"good-early", "good-late"}
        assert raw_items()["good-early"].data["event_name"] == "Early Show: Wet Socks"
        assert (stats(outcome).created, stats(outcome).errors) == (2, 6)
        errors = [r.data for r in records(outcome.run) if r.data["change_type"] == "error"]
        by_reason = {error["reason"]: error for error in errors}
        assert set(by_reason) == {
            "no id",
            "no title",
            "startDate '12/02/2026 9pm' does not parse",
            "not an object but str",
            "not an object but int",
            "duplicate id 'good-early' with other content in the same response; the first was kept",
        }
        assert by_reason["not an object but str"]["item"] == "Closed for a private party"
        assert by_reason["no title"]["external_id"] == "no-title"
        assert by_reason["no id"]["summary"] == "item #2 of the response: no id"
        assert by_reason["no id"]["item"]["title"] == "A show without an id"
        assert by_reason["no id"].get("external_id") is None  # stored without one

    def test_an_item_repeated_as_it_was_is_counted_once_not_an_error(self, tmp_path):
        feed = json.loads(sample("blue_moon.json"))
        first_day = next(iter(feed["eventsByDates"].values()))
        first_day.append(dict(first_day[0]))  # a page that shifted: the same item again
        path = tmp_path / "repeated.json"
        path.write_text(json.dumps(feed))
        outcome = ingest(["blue_moon"], from_path=path)
        assert (stats(outcome).created, stats(outcome).unchanged, stats(outcome).errors) == (
            59,
            1,
            0,
        )

    def test_error_records_change_no_node(self):
        outcome = ingest(["blue_moon"], from_path=fixture_path("blue_moon", "bad-items.json"))
        errors = [r for r in records(outcome.run) if r.data["change_type"] == "error"]
        assert all(not r.neighbours("changed").exists() for r in errors)

    def test_characters_databases_refuse_are_replaced_and_stored(self):
        outcome = ingest(["blue_moon"], from_path=fixture_path("blue_moon", "odd-characters.json"))
        assert outcome.ok
        raw = raw_items()["odd-characters"]
        assert raw.data["event_name"] == "Null \ufffd Byte and a lone \ufffd surrogate"
        assert raw.data["payload"]["capacity"] == "NaN"
        assert BlueMoon().read(raw.data["payload"])[1].title == raw.data["event_name"]

    @pytest.mark.parametrize(
        "name, reason",
        [
            ("not-json.html", "not JSON: Expecting value: line 1 column 1 (char 0)"),
            ("empty.json", "empty response"),
            ("no-events.json", "no eventsByDates object in the response"),
        ],
    )
    def test_a_response_that_does_not_parse_fails_the_source_and_alters_nothing(self, name, reason):
        ingest(["blue_moon"], from_path=BLUE_MOON)
        before = {key: (n.data, n.updated_at) for key, n in raw_items().items()}
        outcome = ingest(["blue_moon"], from_path=fixture_path("blue_moon", name))
        assert not outcome.ok
        assert outcome.run.data["status"] == "failed"
        assert stats(outcome).status == "failed"
        assert stats(outcome).error == reason
        assert outcome.failure == f"ingest run {outcome.run.pk} failed: blue_moon: {reason}"
        assert {key: (n.data, n.updated_at) for key, n in raw_items().items()} == before
        assert records(outcome.run) == []

    def test_a_response_broken_after_many_batches_stores_nothing(self, tmp_path):
        # Items are stored as they are read, so the whole response is read through
        # first: a body cut off in transit fails before its first batch is stored.
        body = json.dumps(blue_moon_feed(1200, 400)).encode()
        path = tmp_path / "cut.json"
        path.write_bytes(body[:-40])
        outcome = ingest(["blue_moon"], from_path=path)
        assert stats(outcome).error.startswith("not JSON: ")
        assert stats(outcome).batches == 0
        assert not raw_items()
        assert records(outcome.run) == []

    def test_a_saved_response_over_the_cap_fails_the_source(self, monkeypatch):
        monkeypatch.setattr(BlueMoon, "max_bytes", 1000)
        outcome = ingest(["blue_moon"], from_path=BLUE_MOON)
        assert stats(outcome).error == "response larger than 1000 bytes"
        assert not raw_items()

    @pytest.mark.parametrize(
        "names, path, message",
        [
            (
                ["nope"],
                None,
                "Unknown source 'nope' (known: blue_moon, sea_monster, ticketmaster, darrells",
            ),
            (["blue_moon"], "/no/such/file.json", "No such file or directory"),
            (["blue_moon"], "/", "it is a directory, not a regular file"),
            (["blue_moon", "sea_monster"], BLUE_MOON, "name exactly one source"),
        ],
    )
    def test_a_run_that_cannot_start_stores_nothing(self, names, path, message):
        with pytest.raises(IngestError, match=re.escape(message)):
            ingest(names, from_path=path)
        assert not Node.objects.exists()


def network(bodies: dict[str, bytes | Exception]):
    """A mock transport answering each host with its body, or raising its error."""

    def handler(request: httpx.Request) -> httpx.Response:
        answer = bodies[request.url.host]
        if request.url.path == "/robots.txt" and not isinstance(answer, type):
            return httpx.Response(404)
        if isinstance(answer, type):
            raise answer("simulated", request=request)
        return httpx.Response(200, content=answer)

    return handler


BLUE_MOON_HOST = "google-calendar.galilcloud.wixapps.net"
SEA_MONSTER_HOST = "www.seamonsterlounge.com"


class TestNetwork:
    def test_sources_are_fetched_concurrently(self, fetcher_on, no_tm_key):
        hosts: set[str] = set()
        both: list[asyncio.Event] = []

        async def handler(request: httpx.Request) -> httpx.Response:
            if not both:
                both.append(asyncio.Event())
            hosts.add(request.url.host)
            if len(hosts) == 2:
                both[0].set()
            # One after the other, the first request would wait here in vain.
            await asyncio.wait_for(both[0].wait(), timeout=5)
            name = "blue_moon.json" if request.url.host == BLUE_MOON_HOST else "sea_monster.html"
            return httpx.Response(200, content=sample(name))

        outcome = ingest(["blue_moon", "sea_monster"], fetcher=fetcher_on(handler))
        assert outcome.ok, outcome.failure
        assert len(raw_items()) == 59 + 21

    def test_a_timeout_fails_that_source_alone_and_alters_nothing(self, fetcher_on):
        ingest(["blue_moon"], from_path=BLUE_MOON)
        before = {key: (n.data, n.updated_at) for key, n in raw_items().items()}
        handler = network(
            {BLUE_MOON_HOST: httpx.ReadTimeout, SEA_MONSTER_HOST: sample("sea_monster.html")}
        )

        outcome = ingest(["blue_moon", "sea_monster"], fetcher=fetcher_on(handler))

        assert not outcome.ok
        assert outcome.run.data["status"] == "partial"
        assert stats(outcome).error == "timed out after 3 attempts"
        assert stats(outcome, "sea_monster").created == 21
        assert {k: (n.data, n.updated_at) for k, n in raw_items("blue_moon").items()} == before
        assert "blue_moon: timed out after 3 attempts" in outcome.failure

    def test_a_refused_connection_fails_that_source_with_one_line(self, fetcher_on):
        def handler(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

        outcome = ingest(["blue_moon"], fetcher=fetcher_on(handler))
        assert stats(outcome).error == "connection refused after 3 attempts"
        assert outcome.run.data["status"] == "failed"

    def test_a_missing_key_skips_ticketmaster_and_the_others_run(self, fetcher_on, no_tm_key):
        handler = network({BLUE_MOON_HOST: sample("blue_moon.json")})
        outcome = ingest(["blue_moon", "ticketmaster"], fetcher=fetcher_on(handler))
        assert outcome.ok
        tm = stats(outcome, "ticketmaster")
        assert (tm.status, tm.error) == ("skipped", "TICKETMASTER_API_KEY is not set")
        assert outcome.run.data["status"] == "succeeded"

    def test_a_run_where_every_source_was_skipped_fails(self, no_tm_key):
        outcome = ingest(["ticketmaster"])
        assert not outcome.ok
        assert outcome.run.data["error"] == (
            "nothing ran (ticketmaster skipped: TICKETMASTER_API_KEY is not set)"
        )
        assert outcome.failure.endswith(
            "failed: nothing ran (ticketmaster skipped: TICKETMASTER_API_KEY is not set)"
        )

    def test_with_a_key_ticketmaster_pages_are_stored(self, fetcher_on, tm_key):
        def handler(request: httpx.Request) -> httpx.Response:
            number = request.url.params["page"]
            return httpx.Response(
                200, content=fixture_path("ticketmaster", f"page-{number}.json").read_bytes()
            )

        outcome = ingest(["ticketmaster"], fetcher=fetcher_on(handler))
        assert outcome.ok
        assert len(raw_items("ticketmaster")) == 5

    def test_an_unexpected_error_fails_that_source_alone(self, monkeypatch):
        async def broken(self, client, validators=None):
            raise RuntimeError("the parser\nexploded")

        monkeypatch.setattr(SeaMonster, "fetch", broken)
        handler = network({BLUE_MOON_HOST: sample("blue_moon.json")})
        outcome = ingest(
            ["blue_moon", "sea_monster"],
            fetcher=ingester.HttpFetcher(transport=httpx.MockTransport(handler)),
        )
        assert stats(outcome, "sea_monster").error == "RuntimeError: the parser exploded"
        assert stats(outcome).created == 59


class TestInterruptions:
    @pytest.fixture
    def big_feed(self, tmp_path):
        return write_feed(tmp_path / "big.json", blue_moon_feed(1200, 600))

    def test_a_failing_batch_keeps_the_batches_before_it_whole(self, big_feed, monkeypatch):
        store_batch = ingester._store_batch
        calls = []

        def failing(*args, **kwargs):
            calls.append(1)
            store_batch(*args, **kwargs)  # written, then the transaction fails
            if len(calls) == 2:
                raise RuntimeError("disk on fire")

        monkeypatch.setattr(ingester, "_store_batch", failing)
        outcome = ingest(["blue_moon"], from_path=big_feed)

        assert stats(outcome).error == "RuntimeError: disk on fire"
        assert len(raw_items()) == 500
        assert len(records(outcome.run)) == 500
        assert stats(outcome).created == 500
        assert outcome.run.data["counts"] == {
            "create": 500,
            "update": 0,
            "noop": 0,
            "skip": 0,
            "error": 0,
        }

    def test_ctrl_c_leaves_whole_batches_and_a_run_that_never_finished(self, big_feed):
        class Interrupting(QuietReporter):
            def advance(self, source, count=1):
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            ingest(["blue_moon"], from_path=big_feed, reporter=Interrupting())

        run = Node.objects.labelled("ingest_run").get()
        assert run.data["status"] == "failed"
        assert run.data["error"] == INTERRUPTED
        assert run.data["finished_at"] is None
        assert run.data["per_source"]["blue_moon"]["created"] == 500
        assert len(raw_items()) == 500
        assert len(records(run)) == 500

        outcome = ingest(["blue_moon"], from_path=big_feed)
        assert outcome.ok
        assert (stats(outcome).created, stats(outcome).unchanged) == (700, 500)

    def test_the_next_run_marks_a_killed_run_interrupted(self):
        killed = RunLog("ingest_run", sources=["blue_moon"]).start()
        other = RunLog("ingest_run", sources=["sea_monster"]).start()

        outcome = ingest(["blue_moon"], from_path=BLUE_MOON)

        assert outcome.ok
        killed.refresh_from_db()
        other.refresh_from_db()
        assert (killed.data["status"], killed.data["error"]) == ("failed", INTERRUPTED)
        assert killed.data["finished_at"] is None
        assert other.data["status"] == "running"  # not this run's source: not its business


class TestCost:
    def test_statements_grow_per_batch_not_per_item(self, tmp_path):
        def statements(events: int) -> int:
            Node.objects.all().delete()
            feed = write_feed(tmp_path / f"{events}.json", blue_moon_feed(events, events))
            with CaptureQueriesContext(connection) as queries:
                assert ingest(["blue_moon"], from_path=feed).ok
            return len(queries)

        one_batch, three_batches = statements(500), statements(1500)
        assert three_batches - one_batch <= 2 * 10
        assert one_batch <= 25

    def test_memory_held_while_storing_does_not_grow_with_the_response(self, tmp_path, monkeypatch):
        # The response stays in its file and is stored a batch at a time: what a run
        # holds for the whole response is an id and a hash an item, not the items.
        held = []
        store_batch = ingester._store_batch

        def measured(*args):
            held.append(tracemalloc.get_traced_memory()[0])
            store_batch(*args)

        monkeypatch.setattr(ingester, "_store_batch", measured)

        def most_held(events: int) -> int:
            Node.objects.all().delete()
            held.clear()
            feed = write_feed(tmp_path / f"{events}.json", blue_moon_feed(events, events))
            tracemalloc.start()
            try:
                assert ingest(["blue_moon"], from_path=feed).ok
            finally:
                tracemalloc.stop()
            return max(held)

        small, large = most_held(500), most_held(2500)
        # Held whole, the 2,000 items more took 4 MiB (2,000 bytes each); streamed,
        # 0.7 MiB (their ids and hashes).
        assert large - small < 1.5 * 2**20

    def test_an_unchanged_repeat_skips_the_diff(self, monkeypatch):
        ingest(["blue_moon"], from_path=BLUE_MOON)
        monkeypatch.setattr(ingester, "diff", lambda old, new: pytest.fail("diffed"))
        assert stats(ingest(["blue_moon"], from_path=BLUE_MOON)).unchanged == 59
