"""One event per show across sources, whatever time each source gives it."""

import pytest

from carpenter.service import carpenter
from carpenter.shows import day_spans
from tests.carpenter.conftest import blue_moon_item, events, listing, records

pytestmark = pytest.mark.django_db


def run(*sources, **options):
    return carpenter(list(sources), since="2000-01-01", **options)


def lineup(event):
    return sorted(a.data["slug"] for a in event.neighbours("performs_at", "in"))


def test_doors_and_show_time_from_two_sources_make_one_event(store_raw, listings):
    # The venue gives the show at 21:00; the listing gives the doors at 20:00.
    store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars / Tacocat", "2026-12-12T21:00")])
    store_raw(
        "listings",
        [listing("L1", "Doors: Dead Bars", "2026-12-12", "20:00", artists=["Dead Bars"])],
    )
    assert run("blue_moon").ok and run("listings").ok
    (event,) = events()
    assert event.data["start_time"] == "21:00"
    assert sorted(event.data["sources"]) == ["blue_moon", "listings"]
    assert event.neighbours("derived_from").count() == 2
    assert lineup(event) == ["dead-bars", "tacocat"]
    (merge,) = [r for r in records("update", "event") if r.data.get("reason")]
    assert "the same show: lineups share 1 of 1, times 21:00 and 20:00" in merge.data["reason"]
    # Processing everything again changes nothing.
    assert run("blue_moon", "listings", process_all=True).ok
    assert [e.pk for e in events()] == [event.pk]
    assert events()[0].data == event.data


@pytest.mark.parametrize("tba_first", [True, False])
def test_a_time_to_be_announced_and_a_timed_listing_make_one_event(store_raw, listings, tba_first):
    tba = [listing("L1", "DEAD BARS", "2026-12-12", None, artists=["Dead Bars"])]
    timed = [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")]
    for source, items in [("listings", tba), ("blue_moon", timed)][:: 1 if tba_first else -1]:
        store_raw(source, items)
        assert run(source).ok
    (event,) = events()
    # The event takes the announced time.
    assert event.data["start_time"] == "21:00"
    assert sorted(event.data["sources"]) == ["blue_moon", "listings"]
    assert run("blue_moon", "listings", process_all=True).ok
    assert [(e.pk, e.data["start_time"]) for e in events()] == [(event.pk, "21:00")]


def test_the_highest_ranked_sources_time_wins_whatever_the_order(store_raw, listings):
    # The listing (doors, 20:00) is read first; the venue's own site (21:00) outranks it.
    store_raw("listings", [listing("L1", "Dead Bars", "2026-12-12", "20:00")])
    assert run("listings").ok
    store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars w/ Tacocat", "2026-12-12T21:00")])
    assert run("blue_moon").ok
    (event,) = events()
    assert event.data["start_time"] == "21:00"
    assert run("blue_moon", "listings", process_all=True).ok
    assert [(e.pk, e.data["start_time"]) for e in events()] == [(event.pk, "21:00")]


def test_titles_agree_when_a_listing_names_no_lineup(store_raw, listings):
    store_raw("blue_moon", [blue_moon_item("a1", "Sunday Soul Revue", "2026-12-13T19:00")])
    store_raw("listings", [listing("L1", "SUNDAY SOUL REVUE!", "2026-12-13", "20:00")])
    assert run("blue_moon", "listings").ok
    (event,) = events()
    assert sorted(event.data["sources"]) == ["blue_moon", "listings"]


def test_an_early_and_a_late_show_with_different_lineups_stay_two(store_raw, listings):
    store_raw(
        "blue_moon",
        [
            blue_moon_item("a1", "Early Show: Half Moon Jugband", "2026-12-12T17:00"),
            blue_moon_item("a2", "Late Show: Dead Bars / Tacocat", "2026-12-12T18:30"),
        ],
    )
    # A listing of the late show only, at the early show's time: still the late show.
    store_raw("listings", [listing("L1", "Dead Bars", "2026-12-12", "17:30")])
    assert run("blue_moon", "listings").ok
    early, late = events()
    assert lineup(early) == ["half-moon-jugband"]
    assert lineup(late) == ["dead-bars", "tacocat"]
    assert late.data["sources"] == ["blue_moon", "listings"]
    assert early.data["sources"] == ["blue_moon"]


def test_a_listing_joins_the_nearest_of_two_shows_it_fits(store_raw, listings):
    store_raw(
        "blue_moon",
        [
            blue_moon_item("a1", "Early Show: Dead Bars", "2026-12-12T18:00"),
            blue_moon_item("a2", "Late Show: Dead Bars", "2026-12-12T20:00"),
        ],
    )
    store_raw("listings", [listing("L1", "Dead Bars", "2026-12-12", "19:30")])
    assert run("blue_moon", "listings").ok
    early, late = events()
    assert (early.data["sources"], late.data["sources"]) == (
        ["blue_moon"],
        ["blue_moon", "listings"],
    )


def test_one_source_listing_two_shows_that_day_means_two_shows(store_raw):
    store_raw(
        "blue_moon",
        [
            blue_moon_item("a1", "Early Show: Dead Bars", "2026-12-12T18:00"),
            blue_moon_item("a2", "Late Show: Dead Bars", "2026-12-12T19:30"),
        ],
    )
    assert run("blue_moon").ok
    assert [e.data["start_time"] for e in events()] == ["18:00", "19:30"]


def test_shows_more_than_two_hours_apart_stay_two(store_raw, listings):
    store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T17:00")])
    store_raw("listings", [listing("L1", "Dead Bars", "2026-12-12", "21:30")])
    assert run("blue_moon", "listings").ok
    assert len(events()) == 2


def test_listings_far_apart_in_a_batch_join_their_own_days_shows(store_raw, listings):
    # A month of shows; a later batch brings doors times for the first and last day only:
    # each joins its own day's show, and the days between are neither read nor touched.
    days = [f"2026-12-{d:02d}" for d in range(1, 31)]
    store_raw("blue_moon", [blue_moon_item(f"a{d}", f"Band {d}", f"{d}T21:00") for d in days])
    assert run("blue_moon").ok
    doors = [listing(f"L{d}", f"Band {d}", d, "20:00") for d in (days[0], days[-1])]
    store_raw("listings", doors)
    assert run("listings").ok
    joined = {e.data["day"]: sorted(e.data["sources"]) for e in events()}
    assert len(joined) == 30
    assert joined[days[0]] == joined[days[-1]] == ["blue_moon", "listings"]
    assert all(joined[d] == ["blue_moon"] for d in days[1:-1])


def test_a_batchs_days_are_read_as_runs_of_nearby_days():
    slots = [("v1", "2026-12-01"), ("v1", "2026-12-02"), ("v1", "2026-12-04")]
    slots += [("v1", "2027-03-01"), ("v2", "2026-12-02"), ("v1", "2026-12-01")]
    assert day_spans(slots) == [
        ("v1", "2026-12-01", "2026-12-04"),
        ("v1", "2027-03-01", "2027-03-01"),
        ("v2", "2026-12-02", "2026-12-02"),
    ]
