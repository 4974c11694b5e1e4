"""The venues read from their own pages: Darrell's, KEXP, Skylark, Little Red Hen, Royal Room."""

import json

import httpx
import pytest

from ingest.items import ResponseError, VenueFacts
from tests.ingest.conftest import sample
from tests.ingest.platforms import bad, fetch, shows


class TestDarrellsTavern:
    found = shows("darrells_tavern", sample("darrells_tavern.html"))

    def test_bands_in_capitals_at_eight_for_ten_dollars_unless_said(self):
        show = self.found["2026-12-04"]
        assert (show.title, show.start_time, show.price_low) == (
            "Porch Light Prophets, The Shoreline Drifters", "20:00", 10.0
        )  # fmt: skip
        assert show.artists == ("Porch Light Prophets", "The Shoreline Drifters")
        assert show.description == "Seattle's own porch-rock heroes"
        assert (self.found["2026-12-05"].start_time, self.found["2026-12-05"].price_low) == (
            "21:00",
            15.0,
        )

    def test_a_heading_of_two_dates_is_two_shows_and_the_jazz_jam_none(self):
        assert self.found["2026-12-11"].title == self.found["2026-12-12"].title
        assert self.found["2026-12-11"].title.startswith("HOLIDAY HANGOVER WEEKEND: ")
        assert len(self.found) == 11  # the jam's heading is no date
        assert self.found["2027-01-08"].day == "2027-01-08"  # January is next year's

    def test_a_page_without_its_content_is_refused(self):
        with pytest.raises(ResponseError, match=r"no \.entry-content"):
            shows("darrells_tavern", b"<html><body><p>Under construction</p></body></html>")

    def test_a_date_with_no_band_is_a_bad_item(self):
        body = (
            b'<div class="entry-content"><h1>FRI 12.04</h1><p>doors at 8, bring a friend</p></div>'
        )
        assert bad("darrells_tavern", body) == ["no band named"]


class TestKexp:
    found = shows("kexp", sample("kexp.html"))

    def test_its_own_space_and_the_venues_it_presents_at(self):
        at_home = self.found["marisol-vega-live-on-kexp"]
        assert (at_home.day, at_home.start_time, at_home.venue) == ("2026-12-03", "12:00", None)
        away = self.found["kexp-presents-kestrel-union"]
        assert (away.day, away.start_time, away.venue) == (
            "2026-12-09",
            "20:00",
            VenueFacts(name="The Crocodile"),
        )
        assert self.found["kexp-vinyl-swap-december"].start_time == "19:00"

    def test_a_page_without_events_is_refused(self):
        with pytest.raises(ResponseError, match="no article.EventItem"):
            shows("kexp", b"<html><body><h1>KEXP</h1></body></html>")


class TestSkylark:
    def test_a_show_with_its_time_and_poster(self):
        show = shows("skylark", sample("skylark.html"))["west-seattle-winter-folk-night"]
        assert (show.day, show.start_time) == ("2026-12-05", "20:00")
        assert show.url == "https://www.skylarkcafe.com/events/west-seattle-winter-folk-night"
        assert show.image_url.endswith("/west-seattle-winter-folk-night.jpg")

    def test_bad_items_and_a_page_without_the_list(self):
        body = (
            b'<div class="w-dyn-items"><div><div class="text-block-12">A</div>'
            b'<div class="date">soon</div><a class="link-block-4" href="/events/a"></a></div></div>'
        )
        assert bad("skylark", body) == ["date 'soon' does not parse"]
        with pytest.raises(ResponseError, match="no div.w-dyn-items"):
            shows("skylark", b"<html><body>gone</body></html>")


class TestLittleRedHen:
    found = shows("little_red_hen", sample("little_red_hen.html"))

    def test_thursday_to_saturday_bands_at_nine_with_the_cover(self):
        show = self.found["2026-12-18"]
        assert (show.title, show.start_time, show.price_low) == (
            "Mustang Sally & the Mavericks",
            "21:00",
            12.0,
        )
        assert "2026-12-06" not in self.found  # Sunday's open mic is the weekly schedule

    def test_this_month_and_the_next_are_read(self, fetcher_on):
        asked = []

        def handler(request: httpx.Request) -> httpx.Response:
            asked.append(request.url.path)
            return httpx.Response(200, content=sample("little_red_hen.html"))

        assert len(fetch("little_red_hen", fetcher_on(handler)).bodies) == 2
        assert asked == ["/pages/cal.html", "/pages/jan27cal.html"]

    def test_a_page_without_its_heading_is_refused(self):
        with pytest.raises(ResponseError, match="Entertainment Calendar"):
            shows("little_red_hen", b"<html><body><table></table></body></html>")


class TestRoyalRoom:
    def test_a_listing_with_its_day_start_and_end(self):
        show = shows("royal_room", sample("royal_room.json"))[
            "rainier-avenue-big-band-holiday-swing"
        ]
        assert (show.title, show.day, show.start_time, show.end_time) == (
            "Rainier Avenue Big Band: Holiday Swing", "2026-12-15", "19:30", "22:00"
        )  # fmt: skip
        assert show.image_url.endswith("/rainier-avenue-big-band-holiday-swing.jpg")

    def test_bad_items_and_a_malformed_answer(self):
        html = (
            '<div class="event_listing"><a class="wpem-event-action-url" href="https://x/event/a/">'
            '<h3 class="wpem-heading-text">A</h3>'
            '<span class="wpem-event-date-time-text">sometime soon</span></a></div>'
        )
        assert bad("royal_room", json.dumps({"html": html}).encode()) == [
            "when 'sometime soon' does not parse"
        ]
        with pytest.raises(ResponseError, match="no html"):
            shows("royal_room", b'{"found_events": false}')

    def test_every_page_is_posted_for(self, fetcher_on):
        asked = []

        def handler(request: httpx.Request) -> httpx.Response:
            asked.append((request.method, request.content.decode()))
            return httpx.Response(200, json={"html": "", "max_num_pages": 2})

        assert len(fetch("royal_room", fetcher_on(handler)).bodies) == 2
        assert [method for method, _ in asked] == ["POST", "POST"]
        assert "page=2" in asked[1][1]
