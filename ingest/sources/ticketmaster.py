"""Ticketmaster: the Discovery API v2, music events in Seattle, page by page.

A page is ``{"_embedded": {"events": [...]}, "page": {"size", "totalPages", "number"}}``
(no ``_embedded`` when there are no events). Each event has an ``id``, a ``name``, a
``url``, ``dates.start.localDate`` and usually ``localTime``, ``images[]``, and in
``_embedded`` its ``venues[]`` (name, address, city, postal code, location with the
coordinates as strings) and ``attractions[]`` (the artists, absent for some events).

The API allows 5 requests a second and pages only while ``size * page < 1000``. A
search with more results than that is read in date windows: when a search reaches that
depth, the next one starts at the start of the last event read (``dates.start.dateTime``,
UTC), until a search ends within the depth. Events at that very moment come twice; the
ingester counts the copy as unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone

from ingest.fetch import FetchError, Pages, Validators, one_line
from ingest.items import ItemError, ResponseError, Show, VenueFacts
from ingest.reading import (
    clock_time,
    coordinate,
    currency,
    dig,
    identifier,
    iso_day,
    need,
    plain,
    prices,
    show_status,
    text,
    web_url,
)
from ingest.sources.base import DOCUMENTED_API, Fetcher, Source

API_URL = "https://app.ticketmaster.com/discovery/v2/events.json"
DEEP_PAGING_LIMIT = 1000  # the API serves a page only while size * page < 1000
MAX_WINDOWS = 20  # 20 searches of 1,000 events: far more than a city lists
# Preferred image shapes, best first; within a shape the widest wins.
IMAGE_RATIOS = ("16_9", "3_2", "4_3")
# Counters the API refreshes on every call (``upcomingEvents`` of each venue and
# attraction): left out of the content hash, or every item would look changed.
VOLATILE_KEYS = frozenset({"upcomingEvents"})


class Ticketmaster(Source):
    name = "ticketmaster"
    title = "Ticketmaster"
    sample = "ticketmaster.json"
    secret = "TICKETMASTER_API_KEY"
    requests_per_second = 5
    platform = "Ticketmaster Discovery API"
    terms = DOCUMENTED_API
    category = "aggregator"
    page_size = 200
    """Events per page: the API's maximum, so that the paging limit reaches furthest."""

    def url(self) -> str:
        return settings.TICKETMASTER_URL or API_URL

    def fingerprint(self, payload: Any) -> Any:
        return _without_keys(payload, VOLATILE_KEYS)

    def params(self, page: int, since: str) -> dict[str, Any]:
        """Return the query of one page: music events in Seattle from ``since``, by date."""
        return {
            "apikey": settings.TICKETMASTER_API_KEY,
            "city": "Seattle",
            "stateCode": "WA",
            "classificationName": "music",
            "startDateTime": since,
            "sort": "date,asc",
            "size": self.page_size,
            "page": page,
        }

    async def fetch(self, client: Fetcher, validators: Validators | None = None) -> Pages:
        """Fetch page after page, in date windows past the API's depth limit."""
        pages = Pages()
        since = timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for _window in range(MAX_WINDOWS):
            page = 0
            while True:
                try:
                    query = self.params(page, since)
                    body = await client.get(self.url(), params=query, source=self.name)
                except FetchError as error:
                    if not pages.bodies:
                        raise _explained(error) from None
                    return pages.stop(f"page {page + 1} from {since} failed: {_explained(error)}")
                pages.bodies.append(body)
                page += 1
                if page >= _total_pages(body):
                    return pages
                if page * self.page_size >= DEEP_PAGING_LIMIT:
                    break
            # The depth limit: search again from the last event read.
            last = _last_start(body)
            if last is None or last <= since:
                return pages.stop(
                    f"more than {DEEP_PAGING_LIMIT:,} events from {since} and no later start "
                    "to search from"
                )
            since = last
        return pages.stop(f"stopped after {MAX_WINDOWS} date windows of {DEEP_PAGING_LIMIT:,}")

    def split(self, body: bytes) -> Iterable[Any]:
        page = _page(body)
        embedded = page.get("_embedded")
        if embedded is None:
            return []  # a page without events (the search found none)
        events = embedded.get("events") if isinstance(embedded, dict) else None
        if not isinstance(events, list):
            raise ResponseError("no _embedded.events list in the response")
        return events

    def read(self, payload: Any) -> tuple[str, Show]:
        external_id = identifier(need(payload, "id"))
        title = text(need(payload, "name"), field="name")
        if not title:
            raise ItemError("no name")
        start = dig(payload, "dates", "start")
        if not isinstance(start, dict) or not start.get("localDate"):
            raise ItemError("no dates.start.localDate (the date is to be announced)")
        day = iso_day(start["localDate"], field="dates.start.localDate")
        start_time = None
        if start.get("localTime") and not (start.get("timeTBA") or start.get("noSpecificTime")):
            start_time = clock_time(start["localTime"], field="dates.start.localTime")
        embedded = payload.get("_embedded") if isinstance(payload.get("_embedded"), dict) else {}
        venue = _venue(embedded.get("venues"))
        if venue is None:
            raise ItemError("no venue in _embedded.venues")
        return external_id, Show(
            title=title,
            day=day,
            start_time=start_time,
            description=_description(payload),
            url=web_url(payload.get("url")),
            image_url=_image(payload.get("images")),
            venue=venue,
            artists=_artists(embedded.get("attractions")),
            status=show_status(dig(payload, "dates", "status", "code")),
            **_prices(payload.get("priceRanges")),
            genres=_genres(payload.get("classifications")),
            # "Restricted to the legal age": in Seattle's bars and clubs, 21.
            age_limit="21+"
            if dig(payload, "ageRestrictions", "legalAgeEnforced") is True
            else None,
        )


def _without_keys(value: Any, keys: frozenset[str]) -> Any:
    """Return ``value`` with every dict entry named in ``keys`` removed, at any depth."""
    if isinstance(value, dict):
        return {k: _without_keys(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without_keys(v, keys) for v in value]
    return value


def _page(body: bytes) -> dict[str, Any]:
    """Return a response page as a dict; raise ``ResponseError`` for anything else."""
    try:
        page = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ResponseError(f"not JSON: {error}") from None
    if not isinstance(page, dict):
        raise ResponseError("the response is not a JSON object")
    fault = dig(page, "fault", "faultstring") or dig(page, "errors", 0, "detail")
    if fault:
        raise ResponseError(one_line(f"the API answered with an error: {fault}"))
    return page


def _total_pages(body: bytes) -> int:
    total = dig(_page(body), "page", "totalPages")
    return total if isinstance(total, int) and not isinstance(total, bool) else 1


def _last_start(body: bytes) -> str | None:
    """Return the UTC start (``dates.start.dateTime``) of a page's last timed event."""
    events = dig(_page(body), "_embedded", "events")
    for event in reversed(events if isinstance(events, list) else []):
        start = dig(event, "dates", "start", "dateTime")
        if isinstance(start, str) and len(start) == 20 and start.endswith("Z"):
            return start
    return None


def _explained(error: FetchError) -> FetchError:
    """Say what a refused key means; Ticketmaster answers 401 for a bad API key."""
    if error.status != 401:
        return error
    try:
        fault = dig(json.loads(error.detail), "fault", "faultstring")
    except ValueError:
        fault = None
    said = f" ({one_line(fault, 80)})" if isinstance(fault, str) else ""
    return FetchError(
        f"HTTP 401: the API key was refused{said}; check TICKETMASTER_API_KEY", status=401
    )


def _venue(venues: Any) -> VenueFacts | None:
    """Return the event's (first) venue as the API describes it."""
    if not isinstance(venues, list) or not venues or not isinstance(venues[0], dict):
        return None
    venue = venues[0]
    name = text(venue.get("name") or "", field="venue name")
    if not name:
        return None
    lines = [dig(venue, "address", key) for key in ("line1", "line2")]
    address = ", ".join(text(line) for line in lines if isinstance(line, str) and line.strip())
    city, postal_code = dig(venue, "city", "name"), venue.get("postalCode")
    return VenueFacts(
        name=name,
        address=address or None,
        city=text(city) if isinstance(city, str) and city.strip() else None,
        postal_code=text(postal_code) if isinstance(postal_code, (str, int)) else None,
        latitude=coordinate(dig(venue, "location", "latitude"), limit=90),
        longitude=coordinate(dig(venue, "location", "longitude"), limit=180),
        url=web_url(venue.get("url")),
    )


def _artists(attractions: Any) -> tuple[str, ...] | None:
    """Return the attractions' names; None when the event has no attractions list at all."""
    if not isinstance(attractions, list):
        return None
    names = (a.get("name") for a in attractions if isinstance(a, dict))
    cleaned = (text(name) for name in names if isinstance(name, str))
    return tuple(name for name in dict.fromkeys(cleaned) if name)


def _prices(ranges: Any) -> dict[str, Any]:
    """Return the price fields of a Show from ``priceRanges`` (min, max, currency)."""
    if not isinstance(ranges, list):
        return {}
    usable = [r for r in ranges if isinstance(r, dict)]
    low, high = prices(*(r.get("min") for r in usable), *(r.get("max") for r in usable))
    if low is None:
        return {}
    code = next((currency(r.get("currency")) for r in usable if currency(r.get("currency"))), None)
    return {"price_low": low, "price_high": high, "currency": code}


def _genres(classifications: Any) -> tuple[str, ...]:
    """Return the genre and subgenre names of the event, "Undefined" left out."""
    found = []
    for entry in classifications if isinstance(classifications, list) else []:
        for level in ("genre", "subGenre"):
            name = dig(entry, level, "name")
            if isinstance(name, str) and text(name) and text(name) != "Undefined":
                found.append(text(name)[:60])
    return tuple(dict.fromkeys(found))


def _image(images: Any) -> str | None:
    """Return the best image: a preferred shape first, then the widest."""
    if not isinstance(images, list):
        return None
    usable = [i for i in images if isinstance(i, dict) and web_url(i.get("url"))]
    if not usable:
        return None

    def rank(image: dict[str, Any]) -> tuple[int, int, int]:
        ratio = image.get("ratio")
        shape = IMAGE_RATIOS.index(ratio) if ratio in IMAGE_RATIOS else len(IMAGE_RATIOS)
        width = image.get("width") if isinstance(image.get("width"), int) else 0
        return (bool(image.get("fallback")), shape, -width)

    return web_url(min(usable, key=rank)["url"])


def _description(payload: dict[str, Any]) -> str | None:
    """Return the event's notes (``info``, then ``pleaseNote``) as plain text."""
    parts = [payload.get(key) for key in ("info", "pleaseNote")]
    texts = [plain(part) for part in parts if isinstance(part, str)]
    return "\n\n".join(t for t in texts if t) or None
