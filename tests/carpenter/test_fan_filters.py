"""What fans filter by: an event's age limit and genres, when a source states them."""

import pytest

from carpenter.service import carpenter
from tests.carpenter.conftest import blue_moon_item, events, listing

pytestmark = pytest.mark.django_db


def test_an_age_limit_in_the_title_or_blurb_reaches_the_event(store_raw):
    store_raw(
        "blue_moon",
        [
            blue_moon_item("a1", "Dead Bars - All Ages", "2026-12-12T19:00"),
            blue_moon_item("a2", "Tacocat", "2026-12-13T21:00", summary="$10 at the door. 21+"),
            blue_moon_item("a3", "Mudhoney", "2026-12-14T21:00"),
        ],
    )
    assert carpenter(["blue_moon"], since="2000-01-01").ok
    assert [e.data.get("age_limit") for e in events()] == ["all ages", "21+", None]


def test_a_stated_age_fills_the_gap(store_raw, listings):
    """A listing that states an age fills what the venue's own site leaves unsaid."""
    store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars", "2026-12-12T21:00")])
    store_raw("listings", [listing("L1", "Dead Bars (18+)", "2026-12-12", "21:00")])
    assert carpenter(["blue_moon", "listings"], since="2000-01-01").ok
    (event,) = events()
    assert event.data["age_limit"] == "18+"
    assert event.data["field_sources"]["age_limit"] == "listings"
