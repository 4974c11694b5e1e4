"""Wix Events (sea_monster): the page, and the pages after it while the widget has more."""

import json
import re

import httpx

from ingest.platforms.wix_events import EVENTS_APP
from tests.ingest.conftest import sample
from tests.ingest.platforms import fetch, shows

PAGE = sample("sea_monster.html")


def with_more(page: bytes) -> bytes:
    return page.replace(b'"hasMore": false', b'"hasMore": true').replace(
        b'"hasMore":false', b'"hasMore":true'
    )


def first_event() -> dict:
    blob = re.search(rb'id="wix-warmup-data">(.*?)</script>', PAGE, re.S)[1]
    apps = json.loads(blob)["appsWarmupData"]
    widget = next(iter(next(iter(apps.values())).values()))
    return widget["events"]["events"][0]


def test_more_events_are_read_from_the_paginated_api_with_the_visitor_token(fetcher_on):
    asked = []
    event = first_event()

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        if request.url.path == "/buy-tickets-in-advance":
            return httpx.Response(200, content=with_more(PAGE))
        if request.url.path == "/_api/v1/access-tokens":
            return httpx.Response(
                200, json={"apps": {EVENTS_APP: {"instance": "visitor-token", "intId": 24}}}
            )
        offset = int(request.url.params["offset"])
        more = offset < 71
        return httpx.Response(
            200, json={"events": [{**event, "id": f"more-{offset}"}], "hasMore": more}
        )

    pages = fetch("sea_monster", fetcher_on(handler))
    assert pages.complete, pages.shortfall
    api = [r for r in asked if "paginated-events" in r.url.path]
    assert [int(r.url.params["offset"]) for r in api] == [21, 71, 121][: len(api)]
    assert all(r.headers["Authorization"] == "visitor-token" for r in api)
    assert api[0].url.params["compId"] == "comp-kxpbo2ev"
    found = {external_id for body in pages.bodies for external_id in shows("sea_monster", body)}
    assert {"more-21", "more-71"} <= found and len(found) == 21 + len(api)


def test_without_a_token_the_read_says_it_is_incomplete(fetcher_on):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/buy-tickets-in-advance":
            return httpx.Response(200, content=with_more(PAGE))
        return httpx.Response(403)

    pages = fetch("sea_monster", fetcher_on(handler))
    assert len(pages.bodies) == 1 and not pages.complete
    assert pages.shortfall == "the widget has more events, but its token failed: HTTP 403 Forbidden"


def test_a_page_without_more_is_one_request(fetcher_on):
    asked = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(200, content=PAGE)

    assert fetch("sea_monster", fetcher_on(handler)).complete
    assert asked == ["/buy-tickets-in-advance"]
