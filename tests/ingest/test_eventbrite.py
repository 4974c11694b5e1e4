"""Eventbrite: its search pages' __SERVER_DATA__, venues, prices, paging."""

import json
import re

import httpx
import pytest

from ingest.items import ResponseError, VenueFacts
from tests.ingest.conftest import sample
from tests.ingest.platforms import bad, fetch, shows

PAGE = sample("eventbrite.html")


def page_with(results, page_count=1) -> bytes:
    data = {"page_count": page_count, "search_data": {"events": {"results": results}}}
    return f"<html><script>window.__SERVER_DATA__ = {json.dumps(data)};</script></html>".encode()


def results() -> list:
    found = re.search(rb"window\.__SERVER_DATA__ = (.*);\n", PAGE)
    return json.loads(found[1])["search_data"]["events"]["results"]


def test_an_event_names_its_venue_and_prices():
    show = shows("eventbrite", PAGE)["871200334610"]
    assert (show.title, show.day, show.start_time, show.end_time) == (
        "Rainier Avenue Big Band: Holiday Swing", "2026-12-15", "19:30", "22:00"
    )  # fmt: skip
    assert show.venue == VenueFacts(
        name="The Royal Room", address="5000 Rainier Ave S", city="Seattle", postal_code="98118",
        latitude=47.557292, longitude=-122.284608,
    )  # fmt: skip
    assert (show.price_low, show.price_high, show.currency, show.genres) == (
        20,
        25,
        "USD",
        ("Big Band",),
    )


def test_free_and_cancelled_events():
    found = shows("eventbrite", PAGE)
    assert (found["871200334655"].price_low, found["871200334655"].price_high) == (0, 0)
    assert found["871200334587"].status == "cancelled"


def test_bad_items_are_named():
    good = results()[0]
    body = page_with(
        [
            {**good, "is_online_event": True},
            {**good, "primary_venue": None},
            {**good, "start_time": "8pm"},
            good,
        ]
    )
    assert bad("eventbrite", body) == [
        "an online event, at no venue",
        "no primary_venue",
        "start_time '8pm' does not parse",
    ]


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"<html><body>Please verify you are a human</body></html>", "no window.__SERVER_DATA__"),
        (b"<script>window.__SERVER_DATA__ = {oops};</script>", "is not JSON"),
        (page_with(None), "no search_data.events.results"),
    ],
)
def test_a_malformed_page_is_refused(body, reason):
    with pytest.raises(ResponseError, match=reason):
        shows("eventbrite", body)


def test_every_page_of_the_search_is_read(fetcher_on):
    asked = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.params["page"])
        return httpx.Response(200, content=page_with([], page_count=3))

    assert len(fetch("eventbrite", fetcher_on(handler)).bodies) == 3
    assert asked == ["1", "2", "3"]
