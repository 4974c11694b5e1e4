"""A carpenter run: raw data into venues, artists and events, with its audit trail."""

import json

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from carpenter import events as ev
from carpenter.builder import Builder
from carpenter.service import carpenter
from graph.models import Edge, Node
from tests.carpenter.conftest import blue_moon_item, events, listing, records

pytestmark = pytest.mark.django_db

SINCE = "2000-01-01"


def run(*sources, **options):
    options.setdefault("since", SINCE)
    return carpenter(list(sources), **options)


def fail_placing(monkeypatch, title, error):
    """Make the builder raise ``error`` on the show titled ``title``, as one item's surprise."""
    real = Builder._place

    def failing(self, item, batch):
        if item.show.title == title:
            raise error
        return real(self, item, batch)

    monkeypatch.setattr(Builder, "_place", failing)


def graph_size():
    return Node.objects.count(), Edge.objects.count()


def artists_of(event):
    return sorted(a.data["name"] for a in event.neighbours("performs_at", "in"))


class TestBlueMoon:
    def test_items_become_a_venue_events_and_artists(self, store_raw):
        store_raw(
            "blue_moon",
            [
                blue_moon_item("a1", "Early Show: Half Moon Jugband", "2026-12-12T17:00"),
                blue_moon_item(
                    "a2",
                    "Late Show: The Moss Piglets / Dead Bars / Sleepy Stems",
                    "2026-12-12T21:00",
                ),
            ],
        )
        outcome = run("blue_moon")
        assert outcome.ok
        venue = Node.objects.get_node("venue", slug="blue-moon-tavern")
        early, late = events()
        assert (early.data["day"], early.data["start_time"], early.data["title"]) == (
            "2026-12-12",
            "17:00",
            "Early Show: Half Moon Jugband",
        )
        assert late.data["start_time"] == "21:00"
        assert list(late.neighbours("hosts", "in")) == [venue]
        assert artists_of(late) == ["Dead Bars", "Sleepy Stems", "The Moss Piglets"]
        assert artists_of(early) == ["Half Moon Jugband"]
        raw = late.neighbours("derived_from").get()
        assert raw.data["external_id"] == "a2" and raw.data["processed"] is True

    def test_the_run_and_its_records(self, store_raw):
        store_raw(
            "blue_moon",
            [
                blue_moon_item("a1", "Dead Bars w/ Sleepy Stems", "2026-12-12T21:00"),
                blue_moon_item("a2", "Dead Bars", "2026-12-13T21:00"),
                blue_moon_item("a3", "Open Mic", "2026-12-14T19:00"),
            ],
        )
        run_node = run("blue_moon").run
        data = run_node.data
        assert data["status"] == "succeeded" and data["finished_at"]
        assert data["counts"] == {"create": 5, "update": 0, "noop": 0, "skip": 1, "error": 0}
        assert data["kinds"] == {
            "artist": {"create": 2},
            "event": {"create": 2},
            "raw_data": {"skip": 1},
            "venue": {"create": 1},
        }
        assert data["per_source"]["blue_moon"]["created"] == 5
        # One record per thing made: the venue and each artist once, not once per event.
        assert len(records("create", "venue")) == 1
        assert sorted(r.data["summary"] for r in records("create", "artist")) == [
            "Dead Bars",
            "Sleepy Stems",
        ]
        skip = records("skip")[0]
        assert skip.data["reason"] == "an open mic, not a show"
        assert (
            list(run_node.neighbours("has_record")) and len(run_node.neighbours("has_record")) == 6
        )
        created_event = records("create", "event")[0]
        assert created_event.neighbours("changed").get().label == "event"
        assert created_event.data["raw_data_id"]

    def test_all_day_items_have_no_start_time(self, store_raw):
        store_raw("blue_moon", [blue_moon_item("d1", "Winter Solstice Drone Fest", "2026-12-21")])
        run("blue_moon")
        (event,) = events()
        assert event.data["start_time"] is None and event.data["day"] == "2026-12-21"


class TestRepeats:
    def test_a_second_run_with_nothing_new_creates_nothing(self, store_raw):
        store_raw(
            "blue_moon", [blue_moon_item("a1", "Dead Bars w/ Sleepy Stems", "2026-12-12T21:00")]
        )
        run("blue_moon")
        before = graph_size()
        again = run("blue_moon")
        assert graph_size() == (before[0] + 1, before[1])  # only the new run node
        assert again.run.data["counts"] == {
            "create": 0,
            "update": 0,
            "noop": 0,
            "skip": 0,
            "error": 0,
        }
        assert not again.run.neighbours("has_record").exists()

    def test_process_all_over_unchanged_data_reports_everything_unchanged(self, store_raw):
        store_raw(
            "blue_moon",
            [
                blue_moon_item("a1", "Dead Bars w/ Sleepy Stems", "2026-12-12T21:00"),
                blue_moon_item("a2", "Karaoke Night", "2026-12-13T21:00"),
            ],
        )
        run("blue_moon")
        before = graph_size()
        again = run("blue_moon", process_all=True)
        assert again.run.data["counts"] == {
            "create": 0,
            "update": 0,
            "noop": 2,
            "skip": 0,
            "error": 0,
        }
        assert graph_size() == (before[0] + 1, before[1])

    def test_a_report_is_stored_without_the_fields_it_leaves_empty(self, store_raw):
        store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")])
        run("blue_moon")
        (event,) = events()
        (report,) = event.data["reports"].values()
        assert report["title"] == "Dead Bars" and report["source"] == "blue_moon"
        assert None not in report.values() and "gone" not in report and "genres" not in report
        # Nor does the event keep the fields no report gives; it says null for them.
        assert "image_url" not in event.data and "genres" not in event.data
        assert event.data["start_time"] == "21:00" and event.data["hidden"] is False

    def test_an_events_one_report_is_stored_without_the_events_own_fields(self, store_raw):
        store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")])
        run("blue_moon")
        (event,) = events()
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM nodes WHERE id = %s", [event.pk])
            row = json.loads(cursor.fetchone()[0])
        (stored,) = row["reports"].values()
        # The title is the event's, from this report's source: stored once; and so the
        # source of every field is that report's, stored as its name.
        assert "title" not in stored and stored["lineup"] == ["dead-bars"]
        assert row["field_sources"] == "blue_moon"
        (report,) = event.data["reports"].values()  # read back whole
        assert report["title"] == "Dead Bars" and report["source"] == "blue_moon"
        assert event.data["field_sources"]["title"] == "blue_moon"
        again = run("blue_moon", process_all=True)
        assert again.run.data["counts"]["noop"] == 1 and again.run.data["counts"]["update"] == 0

    def test_dropping_a_report_gives_the_event_of_the_reports_left(self, store_raw):
        # Two sources report the show; when the first one's item goes, the event is
        # the other's exactly, as if it had only ever had that report.
        store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")])
        run("blue_moon")
        (event,) = events()
        (raw_id,) = event.data["reports"]
        kexp = {"source": "kexp", "lineup": ["dead-bars"], "title": "DEAD BARS live"}
        data = ev.resolve({**event.data, "reports": {**event.data["reports"], "k1": kexp}})
        event.data = data
        event.save()
        event.refresh_from_db()
        assert event.data["title"] == "Dead Bars"  # the venue's own listing ranks first
        assert event.data["reports"][raw_id]["title"] == "Dead Bars"
        alone = ev.resolve({**event.data, "reports": {"k1": kexp}})
        event.data = alone
        event.save()
        event.refresh_from_db()
        assert event.data == ev.as_stored(alone)
        assert event.data["title"] == "DEAD BARS live"
        assert event.data["reports"]["k1"]["title"] == "DEAD BARS live"

    def test_an_event_stored_whole_is_not_rewritten_by_a_repeat(self, store_raw):
        # Events stored before events and reports were compacted hold every field, nulls
        # too: an unchanged repeat still finds them unchanged.
        store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")])
        run("blue_moon")
        (event,) = events()
        full = {
            "end_time": None, "description": None, "url": None, "image_url": None,
            "status": "scheduled", "ticket_url": None, "price_low": None, "price_high": None,
            "currency": None, "age_limit": None, "genres": [], "gone": False,
        }  # fmt: skip
        legacy = {raw: {**full, **r} for raw, r in event.data["reports"].items()}
        whole = {k: v for k, v in full.items() if k not in ("status", "gone")}
        stored = {**whole, **event.data, "reports": legacy}
        Node.objects.filter(pk=event.pk).update(data=stored)
        again = run("blue_moon", process_all=True)
        assert again.run.data["counts"]["update"] == 0
        assert again.run.data["counts"]["noop"] == 1
        (event,) = events()
        assert event.data == stored  # left as it was

    def test_a_changed_item_updates_its_event_with_a_diff(self, store_raw):
        store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")])
        run("blue_moon")
        store_raw(
            "blue_moon", [blue_moon_item("a1", "Dead Bars w/ Sleepy Stems", "2026-12-12T21:00")]
        )
        outcome = run("blue_moon")
        (event,) = events()
        assert artists_of(event) == ["Dead Bars", "Sleepy Stems"]
        (update,) = records("update", "event")
        assert update.data["diff"]["title"] == {
            "old": "Dead Bars",
            "new": "Dead Bars w/ Sleepy Stems",
        }
        assert update.data["diff"]["artists.1"] == {"old": None, "new": "sleepy-stems"}
        assert outcome.run.data["counts"] == {
            "create": 1,
            "update": 1,
            "noop": 0,
            "skip": 0,
            "error": 0,
        }  # Sleepy Stems, the event

    def test_an_artist_dropped_from_the_lineup_no_longer_performs(self, store_raw):
        store_raw(
            "blue_moon", [blue_moon_item("a1", "Dead Bars w/ Sleepy Stems", "2026-12-12T21:00")]
        )
        run("blue_moon")
        store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")])
        run("blue_moon")
        (event,) = events()
        assert artists_of(event) == ["Dead Bars"]
        assert Node.objects.labelled("artist").count() == 2  # the artist stays, unlinked


class TestMoves:
    def test_a_show_that_changes_its_time_moves(self, store_raw):
        store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")])
        run("blue_moon")
        (before,) = events()
        store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:30")])
        run("blue_moon")
        (after,) = events()
        assert after.pk == before.pk
        assert after.data["start_time"] == "21:30"
        (update,) = records("update", "event")
        assert update.data["diff"]["start_time"] == {"old": "21:00", "new": "21:30"}

    def test_a_show_that_moves_onto_another_event_merges_into_it(self, store_raw, listings):
        store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")])
        # More than two hours apart: two shows (carpenter.shows), until...
        store_raw("listings", [listing("L1", "Dead Bars", "2026-12-12", "23:30")])
        run("blue_moon", "listings")
        assert len(events()) == 2
        # ...the venue's site agrees with the listing: one show at 23:30.
        store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T23:30")])
        run("blue_moon")
        (event,) = events()
        assert event.data["start_time"] == "23:30"
        assert sorted(event.data["sources"]) == ["blue_moon", "listings"]
        assert event.neighbours("derived_from").count() == 2
        removed = [r for r in records("update", "event") if "removed" in r.data["summary"]]
        assert len(removed) == 1
        assert Edge.objects.filter(relation="hosts").count() == 1


class TestCrossSource:
    def test_the_same_show_from_two_sources_is_one_event(self, store_raw, listings):
        store_raw(
            "listings",
            [
                listing(
                    "L1",
                    "The Moss Piglets with Dead Bars and Sleepy Stems",
                    "2026-12-12",
                    "21:00",
                    artists=["The Moss Piglets", "Dead Bars", "Sleepy Stems"],
                    image="https://img.invalid/moss.jpg",
                    url="https://tickets.invalid/moss",
                )
            ],
        )
        store_raw(
            "blue_moon",
            [blue_moon_item("a2", "Late Show: The Moss Piglets / Dead Bars", "2026-12-12T21:00")],
        )
        run("listings")
        run("blue_moon")
        (event,) = events()
        # The venue's own site outranks the listing: its title wins...
        assert event.data["title"] == "Late Show: The Moss Piglets / Dead Bars"
        assert event.data["field_sources"]["title"] == "blue_moon"
        # ...and what only the listing knows fills the gaps.
        assert event.data["image_url"] == "https://img.invalid/moss.jpg"
        assert event.data["sources"] == ["blue_moon", "listings"]
        assert event.neighbours("derived_from").count() == 2
        assert artists_of(event) == ["Dead Bars", "Sleepy Stems", "The Moss Piglets"]
        assert Node.objects.labelled("venue").count() == 1  # the listing's Blue Moon is ours

    def test_a_lower_priority_source_does_not_override(self, store_raw, listings):
        store_raw("blue_moon", [blue_moon_item("a2", "Late Show: Dead Bars", "2026-12-12T21:00")])
        store_raw("listings", [listing("L1", "DEAD BARS (21+)", "2026-12-12", "21:00")])
        run("blue_moon")
        run("listings")
        (event,) = events()
        assert event.data["title"] == "Late Show: Dead Bars"

    def test_venues_from_a_listing_are_matched_or_created(self, store_raw, listings):
        showbox = {"name": "Showbox at the Market", "lat": 47.608489, "lon": -122.339331}
        sodo = {"name": "Showbox SoDo", "lat": 47.587856, "lon": -122.334221}
        store_raw(
            "listings",
            [
                listing("L1", "Band A", "2026-12-12", "20:00", venue=showbox),
                listing("L2", "Band B", "2026-12-13", "20:00", venue={"name": "The Showbox"}),
                listing("L3", "Band C", "2026-12-14", "20:00", venue=sodo),
            ],
        )
        run("listings")
        names = sorted(v.data["name"] for v in Node.objects.labelled("venue"))
        assert names == ["Showbox SoDo", "The Showbox"]


class TestBadInput:
    def test_an_unreadable_item_is_an_error_and_stays_unprocessed(self, store_raw):
        good = blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")
        (raw,) = store_raw("blue_moon", [good])
        # Stored before the source learnt to refuse it: the start date no longer reads.
        raw.data["payload"]["startDate"] = "next Tuesday"
        Node.objects.bulk_update_data([raw])
        outcome = run("blue_moon")
        assert outcome.ok
        (error,) = records("error")
        assert error.data["reason"] == "startDate 'next Tuesday' does not parse"
        assert error.data["raw_data_id"] == raw.pk
        assert not error.neighbours("changed").exists()  # records change venues, artists, events
        raw.refresh_from_db()
        assert raw.data["processed"] is False
        # Retried on the next run, and recorded again.
        run("blue_moon")
        assert len(records("error")) == 2

    @pytest.mark.parametrize(
        "error", [IntegrityError("simulated conflict"), KeyError("simulated bug")]
    )
    def test_one_failing_item_does_not_stop_the_batch(self, store_raw, monkeypatch, error):
        store_raw(
            "blue_moon",
            [blue_moon_item(f"a{i}", f"Band {i}", f"2026-12-{10 + i}T21:00") for i in range(5)],
        )
        fail_placing(monkeypatch, "Band 3", error)
        outcome = run("blue_moon")
        assert sorted(e.data["title"] for e in events()) == ["Band 0", "Band 1", "Band 2", "Band 4"]
        (record,) = records("error")
        assert "simulated" in record.data["reason"]
        assert outcome.run.data["counts"]["error"] == 1
        assert outcome.run.data["status"] == "succeeded"

    @pytest.mark.parametrize("process_all", [False, True])
    def test_batches_read_as_they_go_take_each_item_once(self, store_raw, monkeypatch, process_all):
        # Batches are read a page at a time after the last key, while the run marks
        # items processed and one fails (staying unprocessed): each is taken once.
        from carpenter import service

        monkeypatch.setattr(service, "BATCH", 2)
        store_raw(
            "blue_moon",
            [blue_moon_item(f"a{i}", f"Band {i}", f"2026-12-{10 + i}T21:00") for i in range(7)],
        )
        fail_placing(monkeypatch, "Band 3", KeyError("simulated bug"))
        outcome = run("blue_moon", process_all=process_all)
        titles = sorted(e.data["title"] for e in events())
        assert titles == [f"Band {i}" for i in range(7) if i != 3]
        assert len(records("error")) == 1
        processed = [r.data["processed"] for r in Node.objects.labelled("raw_data")]
        assert sorted(processed) == [False] + [True] * 6
        assert outcome.run.data["per_source"]["blue_moon"]["total"] == 7

    def test_a_venue_deleted_under_its_events_is_made_again(self, store_raw):
        store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")])
        run("blue_moon")
        venue = Node.objects.get_node("venue", slug="blue-moon-tavern")
        with connection.cursor() as cursor:  # as a careless script would
            cursor.execute("DELETE FROM nodes WHERE id = %s", [venue.pk])
        outcome = run("blue_moon", process_all=True)
        assert outcome.ok and not records("error")
        (event,) = events()
        new_venue = Node.objects.get_node("venue", slug="blue-moon-tavern")
        assert event.data["venue_id"] == new_venue.pk
        assert list(event.neighbours("hosts", "in")) == [new_venue]


class TestSelection:
    def test_since_leaves_earlier_days_for_later(self, store_raw):
        store_raw(
            "blue_moon",
            [
                blue_moon_item("old", "Old Band", "2026-11-01T21:00"),
                blue_moon_item("new", "New Band", "2026-12-12T21:00"),
            ],
        )
        run("blue_moon", since="2026-12-01")
        assert [e.data["title"] for e in events()] == ["New Band"]
        old = Node.objects.get_node("raw_data", source="blue_moon", external_id="old")
        assert old.data["processed"] is False

    def test_default_since_is_yesterday(self, store_raw, settings):
        from django.utils import timezone

        today = timezone.localdate()
        store_raw(
            "blue_moon",
            [
                blue_moon_item("past", "Past Band", "2020-01-01T21:00"),
                blue_moon_item("soon", "Soon Band", f"{today.year + 1}-01-01T21:00"),
            ],
        )
        carpenter(["blue_moon"])
        assert [e.data["title"] for e in events()] == ["Soon Band"]

    def test_raw_ids_process_exactly_those(self, store_raw):
        raws = store_raw(
            "blue_moon",
            [
                blue_moon_item("a1", "Band A", "2026-12-12T21:00"),
                blue_moon_item("a2", "Band B", "2026-12-13T21:00"),
            ],
        )
        outcome = carpenter(["blue_moon"], raw_ids=[raws[1].pk], trigger="admin")
        assert [e.data["title"] for e in events()] == ["Band B"]
        assert outcome.run.data["options"]["trigger"] == "admin"


def test_statements_stay_flat_as_the_input_grows(store_raw):
    def items(count, offset):
        return [
            blue_moon_item(
                f"x{offset + i}",
                f"Band {i % 50} w/ Band {(i + 7) % 50}",
                f"2027-{1 + i % 12:02d}-{1 + i % 28:02d}T{18 + i % 5}:00",
            )
            for i in range(count)
        ]

    def statements(count, offset):
        store_raw("blue_moon", items(count, offset))
        with CaptureQueriesContext(connection) as queries:
            run("blue_moon")
        return len(queries)

    small = statements(100, 0)
    large = statements(1000, 100_000)  # ten times the items, two batches
    assert large <= 2 * small + 10, (small, large)


class TestReports:
    """Each raw item keeps its own report on its event, whatever order items come in."""

    def test_two_shows_that_swap_slots_stay_two_with_their_artists(self, store_raw):
        store_raw(
            "blue_moon",
            [
                blue_moon_item("a1", "Sleepy Stems", "2026-12-12T19:00"),
                blue_moon_item("a2", "Dead Bars", "2026-12-12T21:00"),
            ],
        )
        run("blue_moon")
        store_raw(
            "blue_moon",
            [
                blue_moon_item("a1", "Sleepy Stems", "2026-12-12T21:00"),
                blue_moon_item("a2", "Dead Bars", "2026-12-12T19:00"),
            ],
        )
        run("blue_moon")
        shows = {e.data["start_time"]: e for e in events()}
        assert shows["19:00"].data["title"] == "Dead Bars"
        assert shows["21:00"].data["title"] == "Sleepy Stems"
        assert artists_of(shows["19:00"]) == ["Dead Bars"]
        assert artists_of(shows["21:00"]) == ["Sleepy Stems"]
        assert all(e.data["sources"] == ["blue_moon"] for e in shows.values())
        assert Edge.objects.filter(relation="derived_from").count() == 2

    @pytest.mark.parametrize("newcomer", ["a0", "a9"])  # before or after the mover
    def test_a_show_moves_and_another_takes_its_slot(self, store_raw, newcomer):
        store_raw("blue_moon", [blue_moon_item("a5", "Dead Bars", "2026-12-12T21:00")])
        run("blue_moon")
        store_raw(
            "blue_moon",
            [
                blue_moon_item("a5", "Dead Bars", "2026-12-12T22:00"),
                blue_moon_item(newcomer, "Sleepy Stems", "2026-12-12T21:00"),
            ],
        )
        outcome = run("blue_moon")
        assert outcome.ok and not records("error")
        shows = {e.data["start_time"]: e for e in events()}
        assert sorted(shows) == ["21:00", "22:00"]
        assert artists_of(shows["21:00"]) == ["Sleepy Stems"]
        assert artists_of(shows["22:00"]) == ["Dead Bars"]
        assert shows["21:00"].data["sources"] == ["blue_moon"]

    def test_two_items_of_one_source_for_one_show_keep_both_lineups(self, store_raw, listings):
        store_raw(
            "listings",
            [
                listing("L1", "Foo Band", "2026-12-12", "21:00", artists=["Foo Band"]),
                listing("L2", "Foo Band + Bar Band", "2026-12-12", "21:00", artists=["Bar Band"]),
            ],
        )
        run("listings")
        (event,) = events()
        assert artists_of(event) == ["Bar Band", "Foo Band"]
        assert event.neighbours("derived_from").count() == 2

    def test_a_source_that_leaves_an_event_no_longer_speaks_for_it(self, store_raw, listings):
        store_raw("blue_moon", [blue_moon_item("a1", "Late Show: Dead Bars", "2026-12-12T21:00")])
        store_raw(
            "listings",
            [listing("L1", "DEAD BARS", "2026-12-12", "21:00", url="https://t.invalid/1")],
        )
        run("blue_moon", "listings")
        (event,) = events()
        assert event.data["title"] == "Late Show: Dead Bars"
        # The venue's site moves its show away: what is left at 21:00 is the listing's.
        store_raw("blue_moon", [blue_moon_item("a1", "Late Show: Dead Bars", "2026-12-13T21:00")])
        run("blue_moon")
        left = Node.objects.get_node(
            "event", venue_id=event.data["venue_id"], day="2026-12-12", start_time="21:00"
        )
        assert left.data["title"] == "DEAD BARS" and left.data["sources"] == ["listings"]
        store_raw("listings", [listing("L1", "Dead Bars (new title)", "2026-12-12", "21:00")])
        run("listings")
        left.refresh_from_db()
        assert left.data["title"] == "Dead Bars (new title)"

    def test_a_show_whose_item_becomes_a_non_show_is_removed(self, store_raw):
        store_raw(
            "blue_moon", [blue_moon_item("a1", "Dead Bars w/ Sleepy Stems", "2026-12-12T21:00")]
        )
        run("blue_moon")
        store_raw(
            "blue_moon", [blue_moon_item("a1", "CLOSED for a private event", "2026-12-12T21:00")]
        )
        run("blue_moon")
        assert events() == []
        (removed,) = [r for r in records("update", "event") if "removed" in r.data["summary"]]
        assert (
            "its item is now skipped: the venue says there is no music" in removed.data["summary"]
        )

    def test_a_joined_name_of_two_known_artists_is_split(self, store_raw):
        store_raw(
            "blue_moon",
            [
                blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00"),
                blue_moon_item("a2", "Sleepy Stems", "2026-12-13T21:00"),
                blue_moon_item("a3", "Dead Bars & Sleepy Stems", "2026-12-14T21:00"),
            ],
        )
        run("blue_moon")  # one batch: the first two items make the names known
        store_raw(
            "blue_moon", [blue_moon_item("a4", "Sleepy Stems and Dead Bars", "2026-12-15T21:00")]
        )
        run("blue_moon")  # a later run: known from the database
        names = sorted(a.data["name"] for a in Node.objects.labelled("artist"))
        assert names == ["Dead Bars", "Sleepy Stems"]


class TestRepairs:
    def test_process_all_puts_lost_edges_back(self, store_raw, listings):
        store_raw(
            "listings",
            [listing("L1", "Dead Bars", "2026-12-12", "21:00", artists=["Dead Bars", "Kate"])],
        )
        run("listings")
        (event,) = events()
        with connection.cursor() as cursor:  # as a careless script would
            cursor.execute("DELETE FROM edges WHERE relation = 'performs_at'")
            cursor.execute("DELETE FROM edges WHERE relation = 'hosts'")
        outcome = run("listings", process_all=True)
        assert artists_of(event) == ["Dead Bars", "Kate"]
        assert event.neighbours("hosts", "in").count() == 1
        (repair,) = records("update", "event")
        assert "its edges repaired" in repair.data["summary"]
        assert len(repair.data["diff"]["edges"]["new"]) == 3
        assert outcome.run.data["counts"]["update"] == 1
        # Once repaired, a repeat finds nothing to do.
        assert run("listings", process_all=True).run.data["counts"]["update"] == 0

    def test_an_artist_deleted_and_named_again_performs_again(self, store_raw, listings):
        store_raw(
            "listings",
            [listing("L1", "Dead Bars", "2026-12-12", "21:00", artists=["Dead Bars", "Kate"])],
        )
        run("listings")
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM nodes WHERE label = 'artist' AND key = 'kate'")
        store_raw("listings", [listing("L2", "Kate", "2026-12-13", "21:00", artists=["Kate"])])
        run("listings", process_all=True)
        first = Node.objects.get_node(
            "event", venue_id=events()[0].data["venue_id"], day="2026-12-12", start_time="21:00"
        )
        assert artists_of(first) == ["Dead Bars", "Kate"]


def test_an_event_stays_with_the_show_that_stays_in_its_slot(store_raw, listings):
    store_raw(
        "listings",
        [
            listing("L1", "Dead Bars", "2026-12-12", "21:00"),
            listing("L2", "Dead Bars!", "2026-12-12", "21:00"),
        ],
    )
    run("listings")
    (event,) = events()
    event.data["hidden"] = True  # an operator hid it
    Node.objects.bulk_update_data([event])
    store_raw(
        "listings",
        [
            listing("L1", "Dead Bars", "2026-12-12", "22:00"),
            listing("L2", "Dead Bars (late)", "2026-12-12", "21:00"),
        ],
    )
    run("listings")
    stayed = Node.objects.get(pk=event.pk)
    assert stayed.data["start_time"] == "21:00" and stayed.data["hidden"] is True
    moved = Node.objects.get_node(
        "event", venue_id=event.data["venue_id"], day="2026-12-12", start_time="22:00"
    )
    assert moved.data["hidden"] is False


def test_a_joined_name_splits_the_same_whatever_the_order_in_a_batch(store_raw):
    store_raw(
        "blue_moon",
        [
            blue_moon_item("b0", "Kate & the Dreamers", "2026-12-12T21:00"),
            blue_moon_item("b1", "Kate", "2026-12-13T21:00"),
            blue_moon_item("b2", "The Dreamers", "2026-12-14T21:00"),
        ],
    )
    run("blue_moon")
    assert sorted(a.data["name"] for a in Node.objects.labelled("artist")) == [
        "Kate",
        "The Dreamers",
    ]
    again = run("blue_moon", process_all=True)
    assert again.run.data["counts"]["update"] == 0
