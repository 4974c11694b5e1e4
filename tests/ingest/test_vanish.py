"""Shows that vanish: a complete fetch that no longer lists an item cancels its event."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from carpenter.service import carpenter
from graph.models import Node
from ingest.ingester import ingest
from tests.ingest.conftest import fixture_path
from tests.ingest.feeds import blue_moon_feed, write_feed

pytestmark = pytest.mark.django_db

# Shows a few days ahead, so the public pages list them.
FIRST = (dt.date.today() + dt.timedelta(days=2)).isoformat()


def without(feed: dict, external_id: str) -> dict:
    return {
        "eventsByDates": {
            day: [e for e in items if e["id"] != external_id]
            for day, items in feed["eventsByDates"].items()
        }
    }


def raw(external_id: str) -> Node:
    return Node.objects.labelled("raw_data").where(external_id=external_id).get()


def event_of(external_id: str) -> Node:
    return raw(external_id).neighbours("derived_from", "in").get()


def run(path) -> None:
    assert ingest(["blue_moon"], from_path=path).ok
    assert carpenter(["blue_moon"], since="2000-01-01").ok


@pytest.fixture
def feed(tmp_path):
    feed = blue_moon_feed(6, 3, first_day=FIRST)
    run(write_feed(tmp_path / "all.json", feed))
    return feed


def test_an_item_missing_from_a_complete_fetch_cancels_its_event(tmp_path, feed):
    before = Node.objects.labelled("event").count()
    outcome = ingest(
        ["blue_moon"],
        from_path=write_feed(tmp_path / "less.json", without(feed, "generated000001")),
    )
    assert outcome.ok
    assert outcome.log.stats["blue_moon"].gone == 1
    gone = raw("generated000001")
    assert gone.data["gone_at"] is not None and gone.data["processed"] is False
    (record,) = [r for r in outcome.run.neighbours("has_record") if r.data.get("reason")]
    assert record.data["reason"].startswith(f"missing from a complete fetch of the days {FIRST}")
    assert carpenter(["blue_moon"], since="2000-01-01").ok

    event = event_of("generated000001")  # kept, with its provenance
    assert event.data["status"] == "cancelled"
    assert Node.objects.labelled("event").count() == before
    others = Node.objects.labelled("event").exclude(pk=event.pk)
    assert {e.data["status"] for e in others} == {"scheduled"}
    # Shown as cancelled: the event's page, its JSON-LD and the calendar.
    page = Client().get(reverse("public:event", args=[event.pk])).content.decode()
    assert "This show is cancelled." in page
    assert "https://schema.org/EventCancelled" in page
    ics = icalendar.Calendar.from_ical(Client().get("/calendar.ics").content)
    statuses = {str(c["uid"]).split("@")[0]: str(c["status"]) for c in ics.walk("VEVENT")}
    assert any(v == "CANCELLED" for v in statuses.values())


def test_an_item_that_comes_back_restores_its_event(tmp_path, feed):
    run(write_feed(tmp_path / "less.json", without(feed, "generated000001")))
    assert event_of("generated000001").data["status"] == "cancelled"
    outcome = ingest(["blue_moon"], from_path=write_feed(tmp_path / "again.json", feed))
    assert outcome.log.stats["blue_moon"].updated == 1  # listed again
    (back,) = [r for r in outcome.run.neighbours("has_record") if r.data.get("reason")]
    assert back.data["reason"] == "listed again after it had gone"
    assert raw("generated000001").data["gone_at"] is None
    assert carpenter(["blue_moon"], since="2000-01-01").ok
    assert event_of("generated000001").data["status"] == "scheduled"


def test_items_outside_the_days_a_fetch_covers_are_not_gone(tmp_path, feed):
    # A fetch of the first day only says nothing of the shows on the other days.
    first_day = {"eventsByDates": {FIRST: feed["eventsByDates"][FIRST]}}
    outcome = ingest(["blue_moon"], from_path=write_feed(tmp_path / "day.json", first_day))
    assert outcome.log.stats["blue_moon"].gone == 0
    assert not [n for n in Node.objects.labelled("raw_data") if n.data.get("gone_at")]


def test_a_failed_fetch_retracts_nothing(tmp_path, feed):
    broken = tmp_path / "broken.json"
    broken.write_text("<html>maintenance</html>")
    assert not ingest(["blue_moon"], from_path=broken).ok
    assert not [n for n in Node.objects.labelled("raw_data") if n.data.get("gone_at")]


def test_a_partial_fetch_retracts_nothing(fetcher_on, tm_key):
    def pages(fail_second: bool):
        def handler(request: httpx.Request) -> httpx.Response:
            number = request.url.params["page"]
            if number == "1" and fail_second:
                return httpx.Response(503)
            return httpx.Response(
                200, content=fixture_path("ticketmaster", f"page-{number}.json").read_bytes()
            )

        return fetcher_on(handler)

    assert ingest(["ticketmaster"], fetcher=pages(False)).ok
    assert carpenter(["ticketmaster"], since="2000-01-01").ok
    outcome = ingest(["ticketmaster"], fetcher=pages(True))
    assert outcome.log.stats["ticketmaster"].fetch.complete is False
    assert outcome.log.stats["ticketmaster"].gone == 0
    assert not [n for n in Node.objects.labelled("raw_data") if n.data.get("gone_at")]


def test_an_event_another_source_still_lists_stays_scheduled(tmp_path, feed, settings):
    """Only an event no live report backs is cancelled."""
    from ingest.sources import SOURCES
    from tests.carpenter.conftest import Listings

    source = Listings()
    SOURCES[source.name] = source
    try:
        settings.SOURCE_PRIORITY = ["blue_moon", "listings"]
        show = next(iter(feed["eventsByDates"][FIRST]))
        listing = [
            {
                "id": "L1",
                "title": show["title"],
                "day": FIRST,
                "time": show["startDate"][11:16],
                "venue": {"name": "Blue Moon Tavern", "address": "712 NE 45th St"},
            }
        ]
        path = tmp_path / "listing.json"
        path.write_text(json.dumps(listing))
        assert ingest(["listings"], from_path=path).ok
        assert carpenter(["listings"], since="2000-01-01").ok
        run(write_feed(tmp_path / "less.json", without(feed, show["id"])))
        event = event_of(show["id"])
        assert event.data["status"] == "scheduled"
        assert raw("L1").neighbours("derived_from", "in").get() == event
    finally:
        del SOURCES[source.name]
