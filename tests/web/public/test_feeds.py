"""The calendars (ICS, read back with icalendar) and the news feeds of new shows."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.test import Client

from graph.models import Node
from tests.web.conftest import day

pytestmark = pytest.mark.django_db


def calendar_at(path: str, **params) -> icalendar.Calendar:
    response = Client().get(path, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def by_summary(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


class TestCalendar:
    def test_every_upcoming_public_show(self, city):
        events = by_summary(calendar_at("/calendar.ics"))
        assert set(events) == {
            "Tacocat w/ Dead Bars",
            "Karaoke-free rock night",
            "Winter Ball",
            "Called Off Quartet",
        }

    def test_vtimezone_and_local_start(self, city):
        cal = calendar_at("/calendar.ics")
        (zone,) = cal.walk("VTIMEZONE")
        assert str(zone["TZID"]) == "America/Los_Angeles"
        start = by_summary(cal)["Tacocat w/ Dead Bars"]["DTSTART"]
        assert start.params["TZID"] == "America/Los_Angeles"
        assert start.dt.replace(tzinfo=None) == dt.datetime.fromisoformat(f"{day(0)}T21:00")

    def test_all_day_show_is_a_date(self, city):
        event = by_summary(calendar_at("/calendar.ics"))["Winter Ball"]
        assert event["DTSTART"].dt == dt.date.fromisoformat(day(30))
        assert event["DTEND"].dt == dt.date.fromisoformat(day(31))

    def test_uid_stable_and_sequence_grows_with_a_change(self, city):
        before = by_summary(calendar_at("/calendar.ics"))["Karaoke-free rock night"]
        assert str(before["UID"]) == f"{city.tomorrow.pk}@sms-graph"
        event = Node.objects.get(pk=city.tomorrow.pk)
        event.updated_at = event.updated_at  # saved below: updated_at moves on
        event.data = {**event.data, "title": "Rock night, moved"}
        Node.objects.bulk_update_data([event])
        Node.objects.filter(pk=event.pk).update(
            updated_at=event.updated_at + dt.timedelta(minutes=5)
        )
        after = by_summary(calendar_at("/calendar.ics"))["Rock night, moved"]
        assert str(after["UID"]) == str(before["UID"])
        assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
        assert after["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt

    def test_cancelled_show_is_status_cancelled(self, city):
        events = by_summary(calendar_at("/calendar.ics"))
        assert str(events["Called Off Quartet"]["STATUS"]) == "CANCELLED"
        assert str(events["Winter Ball"]["STATUS"]) == "CONFIRMED"

    def test_location_lineup_and_link(self, city):
        event = by_summary(calendar_at("/calendar.ics"))["Tacocat w/ Dead Bars"]
        assert str(event["LOCATION"]) == "Blue Moon Tavern, 712 NE 45th St"
        assert "Lineup: Tacocat, Dead Bars" in str(event["DESCRIPTION"])
        assert str(event["URL"]) == f"http://testserver/events/{city.tonight.pk}/"

    def test_filtered_calendar_is_the_listing(self, city):
        assert set(by_summary(calendar_at("/calendar.ics", venue="neumos"))) == {
            "Karaoke-free rock night",
            "Winter Ball",
        }
        assert set(by_summary(calendar_at("/calendar.ics", q="tacocat"))) == {
            "Tacocat w/ Dead Bars"
        }
        assert set(by_summary(calendar_at("/calendar.ics", days="2"))) == {
            "Tacocat w/ Dead Bars",
            "Karaoke-free rock night",
        }

    def test_venue_and_artist_calendars(self, city):
        assert set(by_summary(calendar_at("/venues/neumos/calendar.ics"))) == {
            "Karaoke-free rock night",
            "Winter Ball",
        }
        assert set(by_summary(calendar_at("/artists/dead-bars/calendar.ics"))) == {
            "Tacocat w/ Dead Bars"  # the past show is not in a calendar of what is coming
        }
        assert Client().get("/venues/secret-loft/calendar.ics").status_code == 404

    def test_bad_filter_is_a_one_line_400(self, city):
        response = Client().get("/calendar.ics", {"days": "x"})
        assert response.status_code == 400
        assert response.content.decode() == "days must be a whole number from 1 to 60\n"


ATOM = "{http://www.w3.org/2005/Atom}"


class TestNewShowsFeeds:
    def test_rss(self, city):
        response = Client().get("/feeds/new.rss")
        assert response.status_code == 200
        channel = ET.fromstring(response.content).find("channel")
        titles = [item.findtext("title") for item in channel.findall("item")]
        assert any(t.startswith("Tacocat w/ Dead Bars: ") for t in titles)
        assert any("(cancelled)" in t for t in titles)
        assert not any("Hush" in t or "Loft" in t or "Last Week" in t for t in titles)
        links = [item.findtext("link") for item in channel.findall("item")]
        assert f"http://testserver/events/{city.tonight.pk}/" in links

    def test_atom(self, city):
        response = Client().get("/feeds/new.atom")
        assert response.status_code == 200
        entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
        assert len(entries) == 4
        assert all(e.find(f"{ATOM}updated").text for e in entries)

    def test_scraped_text_is_escaped_in_descriptions(self, graph):
        venue = graph.venue("Blue Moon Tavern")
        graph.event(venue, "<img src=x onerror=alert(1)>", offset=1)
        body = Client().get("/feeds/new.rss").content.decode()
        description = ET.fromstring(body).find("channel/item/description").text
        assert "<img" not in description and "&lt;img src=x" in description
