"""Merging two venues that are the same place."""

import pytest

from carpenter.merge import merge_venues
from carpenter.service import carpenter
from graph.models import Edge, Node
from graph.store import GraphError
from tests.carpenter.conftest import blue_moon_item, events, listing

pytestmark = pytest.mark.django_db

OLD_NAME = {"name": "The Blue Moon Tavern & Grill"}  # a listing's own spelling, no coordinates


@pytest.fixture
def two_blue_moons(store_raw, listings):
    store_raw(
        "blue_moon",
        [
            blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00"),
            blue_moon_item("a2", "Sleepy Stems", "2026-12-13T21:00"),
        ],
    )
    store_raw(
        "listings",
        [
            listing(
                "L1",
                "Dead Bars",
                "2026-12-12",
                "21:00",
                venue=OLD_NAME,
                image="https://img.invalid/1.jpg",
            ),
            listing("L2", "Moss Piglets", "2026-12-14", "20:00", venue=OLD_NAME),
        ],
    )
    carpenter(["blue_moon", "listings"], since="2000-01-01")
    keep = Node.objects.get_node("venue", slug="blue-moon-tavern")
    duplicate = Node.objects.get_node("venue", slug="blue-moon-tavern-and-grill")
    return keep, duplicate


def test_merging_moves_events_and_removes_the_duplicate(two_blue_moons):
    keep, duplicate = two_blue_moons
    assert len(events()) == 4
    run = merge_venues(keep, duplicate)
    assert not Node.objects.filter(pk=duplicate.pk).exists()
    shows = events()
    assert len(shows) == 3  # the two "Dead Bars" on 12-12 became one
    assert all(e.data["venue_id"] == keep.pk for e in shows)
    assert all(list(e.neighbours("hosts", "in")) == [keep] for e in shows)
    dead_bars = Node.objects.get_node(
        "event", venue_id=keep.pk, day="2026-12-12", start_time="21:00"
    )
    assert dead_bars.data["sources"] == ["blue_moon", "listings"]
    assert dead_bars.data["image_url"] == "https://img.invalid/1.jpg"
    assert dead_bars.neighbours("derived_from").count() == 2
    keep.refresh_from_db()
    assert "The Blue Moon Tavern & Grill" in keep.data["aliases"]
    # Recorded like any run: the venue, the moved event, the merged event.
    assert run.data["status"] == "succeeded"
    assert run.data["options"]["action"] == "merge_venues"
    assert run.data["kinds"] == {"event": {"update": 2}, "venue": {"update": 1}}
    assert not Edge.objects.filter(source_id=duplicate.pk).exists()


def test_the_next_run_matches_the_merged_name(two_blue_moons, store_raw):
    keep, duplicate = two_blue_moons
    merge_venues(keep, duplicate)
    store_raw("listings", [listing("L3", "New Band", "2026-12-20", "20:00", venue=OLD_NAME)])
    carpenter(["listings"], since="2000-01-01")
    assert Node.objects.labelled("venue").count() == 1


def test_a_venue_cannot_merge_with_itself(two_blue_moons):
    keep, _ = two_blue_moons
    with pytest.raises(GraphError, match="itself"):
        merge_venues(keep, keep)
