"""Eventbrite: its search pages, which carry their results as JSON in the page.

``https://www.eventbrite.com/d/wa--seattle/music--events/?page=N`` holds a script
setting ``window.__SERVER_DATA__ = {...};``: ``search_data.events.results[]`` and
``page_count``. A result has an ``id``, ``name``, ``url``, ``start_date``
(YYYY-MM-DD) and ``start_time`` (HH:MM, local), ``end_date``/``end_time``, ``summary``,
``image.url``, ``is_online_event``, ``is_cancelled``, ``tickets_url``,
``ticket_availability`` (``is_free``, ``minimum_ticket_price`` and
``maximum_ticket_price`` with ``major_value`` and ``currency``), ``tags`` (each a
``prefix`` and ``display_name``) and ``primary_venue`` (``name``, ``address`` with
``address_1``, ``address_2``, ``city``, ``postal_code``, ``latitude``,
``longitude``). Eventbrite's API no longer searches events; the page and the fields
used are known from admiralbolt/sms (its Eventbrite reader), the ticket and tag fields
from the same search data as the site serves it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, ClassVar

from ingest.fetch import Pages, Request, Validators
from ingest.items import ItemError, ResponseError, Show, VenueFacts
from ingest.reading import (
    clock_time,
    coordinate,
    currency,
    dig,
    identifier,
    iso_day,
    need,
    optional_text,
    plain,
    prices,
    text,
    web_url,
)
from ingest.sources.base import UNDOCUMENTED, Fetcher, Source

SERVER_DATA = re.compile(rb"window\.__SERVER_DATA__\s*=\s*")
GENRE_TAGS = ("EventbriteSubCategory", "EventbriteGenre")


class Eventbrite(Source):
    """A city's music events on Eventbrite, read from its search pages.

    search_url: the search page, without its ``page`` parameter.
    """

    platform = "Eventbrite"
    terms = UNDOCUMENTED
    whole_window = False  # search results are ranked, not every show of the days
    search_url: ClassVar[str]

    def url(self) -> str:
        return self.search_url

    async def fetch(self, client: Fetcher, validators: Validators | None = None) -> Pages:
        """Fetch the search's pages, to its ``page_count``."""

        def next_page(body: bytes, number: int) -> Request | None:
            count = _server_data(body).get("page_count")
            if isinstance(count, int) and number < count:
                return Request(self.search_url, params={"page": number + 1})
            return None

        return await self.follow(
            client, Request(self.search_url, params={"page": 1}), next_page, validators=validators
        )

    def split(self, body: bytes) -> Iterable[Any]:
        results = dig(_server_data(body), "search_data", "events", "results")
        if not isinstance(results, list):
            raise ResponseError("no search_data.events.results list in __SERVER_DATA__")
        return results

    def read(self, payload: Any) -> tuple[str, Show]:
        external_id = identifier(need(payload, "id"))
        title = text(need(payload, "name"), field="name")
        if not title:
            raise ItemError("no name")
        if payload.get("is_online_event") is True:
            raise ItemError("an online event, at no venue")
        day = iso_day(need(payload, "start_date"), field="start_date")
        start = payload.get("start_time")
        start_time = clock_time(start, field="start_time") if start else None
        end = payload.get("end_time")
        same_day = payload.get("end_date") == day
        venue = _venue(payload.get("primary_venue"))
        if venue is None:
            raise ItemError("no primary_venue")
        summary = payload.get("summary")
        return external_id, Show(
            title=title,
            day=day,
            start_time=start_time,
            end_time=clock_time(end, field="end_time") if end and same_day and start_time else None,
            description=plain(summary) if isinstance(summary, str) else None,
            url=web_url(payload.get("url")),
            ticket_url=web_url(payload.get("tickets_url")),
            image_url=web_url(dig(payload, "image", "url")),
            venue=venue,
            status="cancelled" if payload.get("is_cancelled") is True else "scheduled",
            **_prices(payload.get("ticket_availability")),
            genres=_genres(payload.get("tags")),
        )


def _server_data(body: bytes) -> dict[str, Any]:
    """Return the ``window.__SERVER_DATA__`` object of a search page."""
    found = SERVER_DATA.search(body)
    if found is None:
        raise ResponseError("no window.__SERVER_DATA__ in the page")
    try:
        data, _ = json.JSONDecoder().raw_decode(body[found.end() :].decode("utf-8", "replace"))
    except (ValueError, RecursionError) as error:
        raise ResponseError(f"window.__SERVER_DATA__ is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise ResponseError("window.__SERVER_DATA__ is not an object")
    return data


def _venue(venue: Any) -> VenueFacts | None:
    name = venue.get("name") if isinstance(venue, dict) else None
    if not isinstance(name, str) or not text(name):
        return None
    address = venue.get("address") if isinstance(venue.get("address"), dict) else {}
    lines = [address.get(key) for key in ("address_1", "address_2")]
    street = ", ".join(text(line) for line in lines if isinstance(line, str) and text(line))
    return VenueFacts(
        name=text(name),
        address=street or None,
        city=optional_text(address.get("city")),
        postal_code=optional_text(address.get("postal_code")),
        latitude=coordinate(address.get("latitude"), limit=90),
        longitude=coordinate(address.get("longitude"), limit=180),
    )


def _prices(availability: Any) -> dict[str, Any]:
    if not isinstance(availability, dict):
        return {}
    if availability.get("is_free") is True:
        return {"price_low": 0.0, "price_high": 0.0}
    low, high = prices(
        dig(availability, "minimum_ticket_price", "major_value"),
        dig(availability, "maximum_ticket_price", "major_value"),
    )
    if low is None:
        return {}
    code = currency(dig(availability, "minimum_ticket_price", "currency"))
    return {"price_low": low, "price_high": high, "currency": code}


def _genres(tags: Any) -> tuple[str, ...]:
    """Return the display names of the genre tags (not the category or organiser tags)."""
    wanted = [t for t in tags if isinstance(t, dict)] if isinstance(tags, list) else []
    found = (optional_text(t.get("display_name")) for t in wanted if t.get("prefix") in GENRE_TAGS)
    return tuple(dict.fromkeys(name[:60] for name in found if name))
