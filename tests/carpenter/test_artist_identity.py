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
