"""Artists across runs: a joined name made once is not silently re-split later."""

import pytest

from carpenter.service import carpenter
from graph.models import Node
from tests.carpenter.conftest import blue_moon_item, events

pytestmark = pytest.mark.django_db


def lineup(event):
    return sorted(a.data["slug"] for a in event.neighbours("performs_at", "in"))


def test_a_later_run_keeps_a_joined_artist_whole(store_raw):
    store_raw(
        "blue_moon", [blue_moon_item("a1", "Grudge Match & Velvet Teeth", "2026-12-12T21:00")]
    )
    assert carpenter(["blue_moon"], since="2000-01-01").ok
    # Both sides become known artists of their own afterwards.
    store_raw(
        "blue_moon",
        [
            blue_moon_item("a2", "Grudge Match", "2026-12-13T21:00"),
            blue_moon_item("a3", "Velvet Teeth", "2026-12-14T21:00"),
        ],
    )
    assert carpenter(["blue_moon"], since="2000-01-01").ok
    assert carpenter(["blue_moon"], since="2000-01-01", process_all=True).ok
    first = next(e for e in events() if e.data["day"] == "2026-12-12")
    assert lineup(first) == ["grudge-match-and-velvet-teeth"]
    assert Node.objects.labelled("artist").count() == 3


def artist(slug):
    return Node.objects.get_node("artist", slug=slug)


def test_an_operator_merges_two_artists_and_later_runs_use_the_alias(store_raw):
    from carpenter.aliases import merge_artists

    store_raw(
        "blue_moon",
        [
            blue_moon_item("a1", "Dead Bars w/ Tacocat", "2026-12-12T21:00"),
            blue_moon_item("a2", "Dead Barz", "2026-12-13T21:00"),
        ],
    )
    assert carpenter(["blue_moon"], since="2000-01-01").ok
    run_node = merge_artists(artist("dead-bars"), artist("dead-barz"), by="operator")
    assert run_node.data["status"] == "succeeded"
    assert run_node.data["options"]["action"] == "merge_artists"
    summaries = [r.data["summary"] for r in run_node.neighbours("has_record")]
    assert "Dead Bars: merged Dead Barz into it, by operator" in summaries
    assert not Node.objects.labelled("artist").where(slug="dead-barz").exists()
    assert artist("dead-bars").data["aliases"] == ["dead-barz"]
    assert [lineup(e) for e in events()] == [["dead-bars", "tacocat"], ["dead-bars"]]
    # A later run reads "Dead Barz" as the artist kept, and makes no new node.
    store_raw("blue_moon", [blue_moon_item("a3", "Dead Barz + Mudhoney", "2026-12-14T21:00")])
    assert carpenter(["blue_moon"], since="2000-01-01", process_all=True).ok
    assert [lineup(e) for e in events()][-1] == ["dead-bars", "mudhoney"]
    assert not Node.objects.labelled("artist").where(slug="dead-barz").exists()


def test_an_operator_splits_a_wrong_artist_and_later_runs_keep_it_split(store_raw):
    from carpenter.aliases import split_artist

    title = "Hazel & The Pearls & Tacocat"
    store_raw("blue_moon", [blue_moon_item("a1", title, "2026-12-12T21:00")])
    assert carpenter(["blue_moon"], since="2000-01-01").ok
    (joined,) = Node.objects.labelled("artist")
    run_node = split_artist(joined, ["Hazel & The Pearls", "Tacocat"], by="operator")
    assert run_node.data["options"]["action"] == "split_artist"
    summaries = [r.data["summary"] for r in run_node.neighbours("has_record")]
    assert f"{title}: split into Hazel & The Pearls, Tacocat, by operator" in summaries
    (event,) = events()
    assert lineup(event) == ["hazel-and-the-pearls", "tacocat"]
    assert carpenter(["blue_moon"], since="2000-01-01", process_all=True).ok
    (event,) = events()
    assert lineup(event) == ["hazel-and-the-pearls", "tacocat"]
    slugs = sorted(a.data["slug"] for a in Node.objects.labelled("artist"))
    assert slugs == ["hazel-and-the-pearls", "tacocat"]
