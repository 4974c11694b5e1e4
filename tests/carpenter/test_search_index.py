"""The carpenter keeps the public search current: after each batch, and after a merge."""

import pytest
from django.db import connection
from django.db.models.expressions import RawSQL

from carpenter.merge import merge_venues
from carpenter.service import carpenter
from graph import search
from graph.models import Node
from tests.carpenter.conftest import blue_moon_item, listing

pytestmark = pytest.mark.django_db


def found(q: str) -> set[str]:
    sql = search.matching_event_ids(q)
    if sql is None:
        return set()
    events = Node.objects.filter(label="event", pk__in=RawSQL(*sql))
    return {e.data["title"] for e in events}


def test_a_run_indexes_what_it_writes(store_raw):
    store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars w/ Moss Piglets", "2026-12-12T21:00")])
    carpenter(["blue_moon"], since="2000-01-01")
    assert found("piglets") == {"Dead Bars w/ Moss Piglets"}  # an artist
    assert found("blue moon") == {"Dead Bars w/ Moss Piglets"}  # the venue
    assert found("dead ba") == {"Dead Bars w/ Moss Piglets"}  # the last word as a prefix
    assert found("sleepy") == set()


def test_a_changed_show_is_found_by_its_new_title_only(store_raw):
    store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")])
    carpenter(["blue_moon"], since="2000-01-01")
    store_raw("blue_moon", [blue_moon_item("a1", "Sleepy Stems", "2026-12-12T21:00")])
    carpenter(["blue_moon"], since="2000-01-01")
    assert found("sleepy") == {"Sleepy Stems"}
    assert found("dead") == set()


def test_a_merge_indexes_the_moved_events_under_the_kept_venue(store_raw, listings):
    store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")])
    old_name = {"name": "The Blue Moon Tavern & Grill"}
    store_raw("listings", [listing("L2", "Moss Piglets", "2026-12-14", "20:00", venue=old_name)])
    carpenter(["blue_moon", "listings"], since="2000-01-01")
    assert found("grill") == {"Moss Piglets"}
    keep = Node.objects.get_node("venue", slug="blue-moon-tavern")
    duplicate = Node.objects.get_node("venue", slug="blue-moon-tavern-and-grill")
    merge_venues(keep, duplicate)
    assert found("grill") == set()
    assert found("tavern") == {"Dead Bars", "Moss Piglets"}


@pytest.mark.parametrize("q", ['"', "*", "AND", "NEAR(x", "a:b", "' OR 1=1 --", ""])
def test_query_syntax_is_never_sql_or_fts_syntax(store_raw, q):
    store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")])
    carpenter(["blue_moon"], since="2000-01-01")
    found(q)  # no error, whatever the input


def test_rebuild_indexes_every_event(store_raw):
    store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")])
    carpenter(["blue_moon"], since="2000-01-01")
    search.drop()
    search.create()
    assert found("dead") == set()
    assert search.rebuild() == 1
    assert found("dead") == {"Dead Bars"}


def rows() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT event_id, document FROM {search.TABLE}")
        return set(cursor.fetchall())


def test_a_run_indexes_what_a_rebuild_from_the_graph_would(store_raw):
    # The batch indexes from what it holds; a rebuild reads the stored graph back.
    store_raw(
        "blue_moon",
        [
            blue_moon_item("a1", "Dead Bars w/ Moss Piglets, Tacocat", "2026-12-12T21:00"),
            blue_moon_item("a2", "Sleepy Stems", "2026-12-12T19:00"),
        ],
    )
    carpenter(["blue_moon"], since="2000-01-01")
    # a2's show moves onto a1's slot: its old event is removed, a1's event gains an act.
    store_raw("blue_moon", [blue_moon_item("a2", "Sleepy Stems", "2026-12-12T21:00")])
    carpenter(["blue_moon"], since="2000-01-01")
    indexed = rows()
    assert len(indexed) == Node.objects.filter(label="event").count() == 1
    assert found("sleepy") and found("tacocat")
    search.drop()
    search.create()
    search.rebuild()
    assert rows() == indexed
