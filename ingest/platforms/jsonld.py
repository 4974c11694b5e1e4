"""schema.org ``Event`` / ``MusicEvent`` JSON-LD, as pages embed it for search engines.

Songkick, Bandsintown and many venue sites put their shows in ``<script
type="application/ld+json">`` blocks: one event, a list of them, or a ``@graph``
(and sometimes an ``ItemList`` whose ``itemListElement`` hold them). An event has a
``@type`` (``Event``, ``MusicEvent`` or another ``*Event``; a list of types too), a
``name``, a ``startDate`` (an ISO date, or a datetime with or without an offset:
"2026-12-13T19:00:00-08:00", "2026-12-13T19:00:00-0800", "2026-12-13T19:00"),
``endDate``, ``eventStatus`` ("https://schema.org/EventCancelled", ...), ``location``
(a ``Place`` with ``name``, ``address`` as a ``PostalAddress`` or text, and ``geo``;
a list; a ``VirtualLocation`` for an online show), ``performer`` (one or a list of
``MusicGroup``/``Person``, or names), ``url``, ``@id``, ``image`` (text, a list or an
``ImageObject``), ``description``, ``offers`` (an ``Offer``, a list, or an
``AggregateOffer`` with ``price``, ``lowPrice``, ``highPrice``, ``priceCurrency``,
``url``) and ``typicalAgeRange``. This is schema.org's published vocabulary; how
Songkick and Bandsintown fill it is known from admiralbolt/sms (its Songkick and
Bandsintown readers).

A page of a single venue names its venue in configuration: its events' ``location``
is then not needed. An aggregator's events must each name their place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from selectolax.lexbor import LexborHTMLParser

from ingest.items import ItemError, ResponseError, Show, VenueFacts
from ingest.reading import (
    age_limit,
    coordinate,
    currency,
    day_and_time,
    names,
    need,
    optional_text,
    plain,
    prices,
    show_status,
    text,
    web_url,
)
from ingest.sources.base import PUBLIC_FEED, Source

MAX_DEPTH = 8  # how deep events are looked for inside a block (@graph, lists, ItemList)


class JsonLdEvents(Source):
    """A page whose shows are schema.org events in JSON-LD.

    page_url: the page to read.
    """

    platform = "schema.org JSON-LD"
    terms = PUBLIC_FEED
    page_url: ClassVar[str]

    def url(self) -> str:
        return self.page_url

    def split(self, body: bytes) -> Iterable[Any]:
        blocks = LexborHTMLParser(body).css('script[type="application/ld+json"]')
        if not blocks:
            raise ResponseError("no application/ld+json script in the page")
        parsed = []
        for block in blocks:
            try:
                parsed.append(json.loads(block.text(deep=True)))
            except (ValueError, RecursionError):
                continue  # one broken block (a site's other markup) does not hide the rest
        if not parsed:
            raise ResponseError("no application/ld+json script in the page is JSON")
        return [event for value in parsed for event in events_in(value)]

    def read(self, payload: Any) -> tuple[str, Show]:
        if not isinstance(payload, dict):
            raise ItemError(f"not an object but {type(payload).__name__}")
        title = text(need(payload, "name"), field="name")
        if not title:
            raise ItemError("no name")
        day, start_time = day_and_time(need(payload, "startDate"), field="startDate")
        end_time = None
        if isinstance(payload.get("endDate"), str) and start_time:
            end_day, end_time = day_and_time(payload["endDate"], field="endDate")
            end_time = end_time if end_day == day else None
        venue = None
        if self.venue is None:
            venue = place(payload.get("location"))
            if venue is None:
                raise ItemError("no location Place with a name")
        offers = _offers(payload.get("offers"))
        low, high = prices(*(o.get(k) for o in offers for k in ("price", "lowPrice", "highPrice")))
        code = next(
            (currency(o.get("priceCurrency")) for o in offers if o.get("priceCurrency")), None
        )
        performers = payload.get("performer")
        description = payload.get("description")
        return self.event_id(payload), Show(
            title=title,
            day=day,
            start_time=start_time,
            end_time=end_time,
            description=plain(description) if isinstance(description, str) else None,
            url=web_url(payload.get("url")),
            ticket_url=next((web_url(o.get("url")) for o in offers if web_url(o.get("url"))), None),
            image_url=_image(payload.get("image")),
            venue=venue,
            artists=names(performers) or None if performers is not None else None,
            status=show_status(payload.get("eventStatus")),
            price_low=low,
            price_high=high,
            currency=code if low is not None else None,
            age_limit=age_limit(payload.get("typicalAgeRange")),
        )

    def event_id(self, payload: dict[str, Any]) -> str:
        """Return an event's id: its ``@id``, else its ``url`` without the query."""
        for key in ("@id", "url"):
            value = payload.get(key)
            if isinstance(value, str) and value.strip():
                found = value.strip().split("?", 1)[0].split("#", 1)[0]
                if 0 < len(found) <= 200:
                    return found
        raise ItemError("no @id or url")


def events_in(value: Any, depth: int = 0) -> Iterator[Any]:
    """Yield every schema.org event in a JSON-LD value (a list, a @graph, an ItemList)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for entry in value:
            yield from events_in(entry, depth + 1)
    elif isinstance(value, dict):
        if is_event(value):
            yield value
            return
        for key in ("@graph", "itemListElement", "item", "mainEntity", "subEvent"):
            if key in value:
                yield from events_in(value[key], depth + 1)


def is_event(value: dict[str, Any]) -> bool:
    """Return whether a JSON-LD object is an event (``Event``, ``MusicEvent``, ...)."""
    kinds = value.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(
        isinstance(kind, str)
        and re.fullmatch(r"(?:https?://schema\.org/)?\w*(Event|Festival)", kind)
        for kind in kinds
    )


def place(location: Any) -> VenueFacts | None:
    """Return the venue a ``location`` names: a Place (or the first of a list), or text."""
    if isinstance(location, list):
        return next((found for entry in location if (found := place(entry))), None)
    if isinstance(location, str):
        name = optional_text(location)
        return VenueFacts(name=name) if name else None
    if not isinstance(location, dict) or "VirtualLocation" in str(location.get("@type")):
        return None
    name = optional_text(location.get("name"))
    if not name:
        return None
    address = location.get("address")
    geo = location.get("geo") if isinstance(location.get("geo"), dict) else {}
    street = city = postal_code = None
    if isinstance(address, dict):
        street = optional_text(address.get("streetAddress"))
        city = optional_text(address.get("addressLocality"))
        postal_code = optional_text(address.get("postalCode"))
    elif isinstance(address, str):
        street = optional_text(address)
    return VenueFacts(
        name=name,
        address=street,
        city=city,
        postal_code=postal_code,
        latitude=coordinate(geo.get("latitude"), limit=90),
        longitude=coordinate(geo.get("longitude"), limit=180),
        url=web_url(location.get("sameAs")) or web_url(location.get("url")),
    )


def _offers(offers: Any) -> list[dict[str, Any]]:
    found = offers if isinstance(offers, list) else [offers]
    return [offer for offer in found if isinstance(offer, dict)]


def _image(image: Any) -> str | None:
    if isinstance(image, list):
        return next((found for entry in image if (found := _image(entry))), None)
    if isinstance(image, dict):
        return web_url(image.get("url") or image.get("contentUrl"))
    return web_url(image)
