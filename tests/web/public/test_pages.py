"""The public pages: the listing with its filters, venues, artists and events."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.conftest import day

pytestmark = pytest.mark.django_db


def get(path: str, **params):
    return Client().get(path, params)


def jsonld_of(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD block"
    return json.loads(found.group(1))


class TestListing:
    def test_shows_upcoming_by_day_today_first(self, city):
        response = get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert html.index("Tacocat w/ Dead Bars") < html.index("Karaoke-free rock night")
        assert "Today ·" in html and "Tomorrow ·" in html
        assert "Winter Ball" not in html  # 30 days ahead: past the default week
        assert "Last Week&#x27;s Gig" not in html

    def test_lineup_venue_and_price_are_shown(self, city):
        html = get("/").content.decode()
        assert html.index(">Tacocat</a>") < html.index(">Dead Bars</a>")  # billing order
        assert 'href="/venues/blue-moon-tavern/"' in html
        assert "$12–$15" in html

    def test_hidden_events_and_venues_appear_nowhere(self, city):
        html = get("/", days="60").content.decode()
        assert "Hush Hush Session" not in html
        assert "Loft Secret Party" not in html
        assert "Secret Loft" not in html  # not even in the venue filter

    def test_days_filter(self, city):
        assert "Winter Ball" in get("/", days="31").content.decode()
        only_today = get("/", days="1").content.decode()
        assert "Tacocat w/ Dead Bars" in only_today
        assert "Karaoke-free rock night" not in only_today

    def test_venue_filter(self, city):
        html = get("/", venue="neumos").content.decode()
        assert "Karaoke-free rock night" in html
        assert "Tacocat w/ Dead Bars" not in html

    def test_unknown_venue_lists_nothing(self, city):
        response = get("/", venue="nowhere")
        assert response.status_code == 200
        assert "No shows match" in response.content.decode()

    def test_neighbourhood_filter(self, city):
        html = get("/", neighbourhood="capitol hill").content.decode()
        assert "Karaoke-free rock night" in html
        assert "Tacocat w/ Dead Bars" not in html
        assert "Loft Secret Party" not in html  # its venue is hidden

    def test_search_finds_titles_artists_and_venues(self, city):
        assert "Tacocat w/ Dead Bars" in get("/", q="dead bars").content.decode()
        by_venue = get("/", q="neumos").content.decode()
        assert "Karaoke-free rock night" in by_venue and "Tacocat w/" not in by_venue
        assert "Tacocat w/ Dead Bars" in get("/", q="taco").content.decode()  # a prefix

    def test_search_never_finds_hidden_shows(self, city):
        assert "Hush Hush" not in get("/", q="hush").content.decode()
        assert "Loft Secret" not in get("/", q="loft").content.decode()

    @pytest.mark.parametrize("q", ['"', "AND OR NOT", "*", "NEAR(", "'; DROP TABLE nodes;--", "::"])
    def test_search_syntax_in_a_query_is_only_text(self, city, q):
        response = get("/", q=q)
        assert response.status_code == 200

    @pytest.mark.parametrize("days", ["0", "61", "seven", "-1"])
    def test_bad_days_is_a_clear_400(self, city, days):
        response = get("/", days=days)
        assert response.status_code == 400
        assert "days must be a whole number from 1 to 60" in response.content.decode()

    def test_links_a_calendar_of_itself(self, city):
        html = get("/", venue="neumos", q="rock").content.decode()
        assert 'href="/calendar.ics?venue=neumos&amp;q=rock"' in html

    def test_root_is_public_not_a_redirect(self, db):
        response = get("/")
        assert response.status_code == 200
        assert "public" in response["Cache-Control"]


class TestVenues:
    def test_index_lists_public_venues_with_counts(self, city):
        html = get(reverse("public:venues")).content.decode()
        assert "Blue Moon Tavern" in html and "Neumos" in html
        assert "Secret Loft" not in html
        assert "2 upcoming shows" in html  # Neumos: tomorrow and next month

    def test_venue_page(self, city):
        html = get(reverse("public:venue", args=["blue-moon-tavern"])).content.decode()
        assert "712 NE 45th St" in html
        assert "Tacocat w/ Dead Bars" in html
        assert "Last Week&#x27;s Gig" in html  # under past shows
        assert "Hush Hush" not in html
        assert 'href="/venues/blue-moon-tavern/calendar.ics"' in html

    def test_hidden_or_unknown_venue_is_404(self, city):
        assert get(reverse("public:venue", args=["secret-loft"])).status_code == 404
        assert get(reverse("public:venue", args=["nowhere"])).status_code == 404


class TestArtist:
    def test_artist_page(self, city):
        html = get(reverse("public:artist", args=["dead-bars"])).content.decode()
        assert "Tacocat w/ Dead Bars" in html and "Last Week&#x27;s Gig" in html
        assert 'href="/artists/dead-bars/calendar.ics"' in html

    def test_unknown_artist_is_404(self, city):
        assert get(reverse("public:artist", args=["nobody"])).status_code == 404


class TestEvent:
    def test_event_page(self, city):
        html = get(reverse("public:event", args=[city.tonight.pk])).content.decode()
        assert "Tacocat w/ Dead Bars" in html
        assert "712 NE 45th St" in html
        assert html.index(">Tacocat</a></li>") < html.index(">Dead Bars</a></li>")
        assert 'href="https://tickets.example/tacocat"' in html
        assert "$12–$15" in html

    def test_music_event_json_ld(self, city):
        html = get(reverse("public:event", args=[city.tonight.pk])).content.decode()
        data = jsonld_of(html)
        assert data["@type"] == "MusicEvent"
        assert data["name"] == "Tacocat w/ Dead Bars"
        assert data["startDate"].startswith(f"{day(0)}T21:00:00-0")  # with the city's offset
        assert data["location"]["@type"] == "Place"
        assert data["location"]["address"]["streetAddress"] == "712 NE 45th St"
        assert [p["name"] for p in data["performer"]] == ["Tacocat", "Dead Bars"]
        assert data["offers"]["lowPrice"] == 12 and data["offers"]["highPrice"] == 15
        assert data["eventStatus"] == "https://schema.org/EventScheduled"

    def test_cancelled_show(self, city):
        html = get(reverse("public:event", args=[city.cancelled.pk])).content.decode()
        assert "This show is cancelled." in html
        assert jsonld_of(html)["eventStatus"] == "https://schema.org/EventCancelled"

    def test_past_events_keep_their_pages(self, city):
        response = get(reverse("public:event", args=[city.past.pk]))
        assert response.status_code == 200
        assert "This show has happened." in response.content.decode()

    def test_hidden_events_and_events_at_hidden_venues_are_404(self, city):
        assert get(reverse("public:event", args=[city.hidden.pk])).status_code == 404
        assert get(reverse("public:event", args=[city.at_secret_venue.pk])).status_code == 404
        assert get(reverse("public:event", args=["no-such-id"])).status_code == 404
