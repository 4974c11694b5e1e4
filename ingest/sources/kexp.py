"""KEXP: the events page of the radio station, at its Gathering Space and elsewhere.

``https://www.kexp.org/events/kexp-events/`` lists events under ``h2`` day headings
("Wednesday, 9 December 2026"), each an ``article.EventItem`` with the time in
``.EventItem-DateTime h5`` ("noon", "7 p.m."), the title and link in
``.EventItem-body h3 a``, the place in ``.EventItem-body .u-lightWeight a`` (KEXP's own
Gathering Space, or another venue) and ``.EventItem-description``. Known from
nspilman/rust-venue-scraper (its KEXP reader). Sessions "not open to the public"
are read like any other item; whether to list them is the carpenter's rule.

Each item is stored as the page shows it with the day of its heading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from ingest.items import ItemError, ResponseError, Show, VenueFacts
from ingest.reading import (
    any_time,
    identifier,
    iso_day,
    long_date,
    need,
    node_text,
    optional_text,
    text,
    web_url,
)
from ingest.sources.base import PUBLIC_PAGE, Source

SITE = "https://www.kexp.org"
PAGE_URL = f"{SITE}/events/kexp-events/"
HOME_NAMES = ("kexp", "kexp gathering space", "kexp studio")
_HEADING = re.compile(r"(?:[A-Za-z]+,\s*)?(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})")


class Kexp(Source):
    name = "kexp"
    title = "KEXP"
    sample = "kexp.html"
    terms = PUBLIC_PAGE
    venue = VenueFacts(
        name="KEXP Gathering Space",
        address="472 1st Ave N",
        city="Seattle",
        postal_code="98109",
        latitude=47.622455,
        longitude=-122.355097,
        url="https://www.kexp.org/",
        aliases=("KEXP", "KEXP Studio", "KEXP Studio (NW Rooms)"),
    )

    def url(self) -> str:
        return PAGE_URL

    def split(self, body: bytes) -> Iterable[Any]:
        tree = LexborHTMLParser(body)
        nodes = tree.css("h2, article.EventItem")
        if not any(node.tag == "article" for node in nodes):
            if tree.css_first(".EventItem, .EventsList") is None:
                raise ResponseError("no article.EventItem in the page")
        items, day = [], None
        for node in nodes:
            if node.tag == "h2":
                day = _day_of(node_text(node))
                continue
            link = node.css_first(".EventItem-body h3 a") or node.css_first("h3 a")
            href = (link.attributes.get("href") or "").strip() if link is not None else ""
            url = f"{SITE}{href}" if href.startswith("/") else href or None
            items.append(
                {
                    "id": href.strip("/").removeprefix("events/kexp-events/") or None,
                    "day": day,
                    "time": node_text(node.css_first(".EventItem-DateTime h5")),
                    "title": node_text(link),
                    "url": url,
                    "location": node_text(node.css_first(".EventItem-body .u-lightWeight a")),
                    "description": node_text(node.css_first(".EventItem-description")),
                }
            )
        return items

    def read(self, payload: Any) -> tuple[str, Show]:
        external_id = identifier(need(payload, "id"))
        title = text(need(payload, "title"), field="title")
        if not title:
            raise ItemError("no title")
        day = iso_day(need(payload, "day"), field="day")
        time = payload.get("time")
        location = optional_text(payload.get("location"))
        elsewhere = location and not any(location.lower().startswith(n) for n in HOME_NAMES)
        return external_id, Show(
            title=title,
            day=day,
            start_time=any_time(time, field="time") if time else None,
            description=optional_text(payload.get("description")),
            url=web_url(payload.get("url")),
            venue=VenueFacts(name=location) if elsewhere else None,
        )


def _day_of(heading: str | None) -> str | None:
    """Return the day of a heading such as "Wednesday, 9 December 2026"."""
    match = _HEADING.search(heading or "")
    if not match:
        return None
    try:
        return long_date(f"{match[2]} {match[1]}, {match[3]}")
    except ItemError:
        return None
