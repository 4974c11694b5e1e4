"""Darrell's Tavern: the show calendar page of its WordPress site.

``https://darrellstavern.com/show-calendar/`` lists the shows inside ``.entry-content``
as an ``h1`` per date ("FRI 12.04", sometimes "FRI 12.04 / SAT 12.05", with extra lines
for a time such as "9PM" or a night's name), each followed by a ``p`` with the bands,
one per line, in capitals (lower-case lines are notes about them). Shows are at 8 PM and
$10 unless the page says otherwise. Headings that are not dates (the weekly jazz jam,
DJ nights) are not shows. The page gives no year: the day is the next such day
(``reading.year_for``). Known from admiralbolt/sms and nspilman/rust-venue-scraper
(their Darrell's readers); the page's tags are often left unclosed.

Each item is stored as the page shows it (date heading, lines) with the day it stands
for, so a stored item reads alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from ingest.items import ItemError, ResponseError, Show, VenueFacts
from ingest.reading import any_time, iso_day, need, price, text, year_for
from ingest.sources.base import PUBLIC_PAGE, Source

PAGE_URL = "https://darrellstavern.com/show-calendar/"
_DATE = re.compile(r"\b(?:mon|tue|wed|thu|fri|sat|sun)\w*\.?\s+(\d{1,2})\.(\d{1,2})\b", re.I)
_TIME = re.compile(r"\b(\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?)", re.I)
DEFAULT_START, DEFAULT_PRICE = "20:00", 10.0


class DarrellsTavern(Source):
    name = "darrells_tavern"
    title = "Darrell's Tavern"
    sample = "darrells_tavern.html"
    terms = PUBLIC_PAGE
    venue = VenueFacts(
        name="Darrell's Tavern",
        address="18041 Aurora Ave N",
        city="Shoreline",
        postal_code="98133",
        latitude=47.760361,
        longitude=-122.344602,
        url="https://darrellstavern.com/",
        aliases=("Darrells Tavern", "Darrell's"),
    )

    def url(self) -> str:
        return PAGE_URL

    def split(self, body: bytes) -> Iterable[Any]:
        content = LexborHTMLParser(body).css_first(".entry-content")
        if content is None:
            raise ResponseError("no .entry-content in the page")
        items, heading = [], None
        for node in content.iter():
            if node.tag == "h1":
                heading = [text(line) for line in node.text(separator="\n").splitlines()]
                heading = [line for line in heading if line]
            elif node.tag == "p" and heading:
                lines = [text(line) for line in node.text(separator="\n").splitlines()]
                items += _shows(heading, [line for line in lines if line])
                heading = None
        return items

    def read(self, payload: Any) -> tuple[str, Show]:
        day = iso_day(need(payload, "day"), field="day")
        lines = payload.get("lines")
        if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
            raise ItemError("no lines of bands")
        bands = [_band(line) for line in lines if _band(line)]
        if not bands:
            raise ItemError("no band named")
        notes = [n for n in payload.get("notes") or [] if isinstance(n, str)]
        times = [m[1] for n in notes if (m := _TIME.search(n))]
        named = [n for n in notes if not _TIME.search(n) and not n.startswith("$")]
        costs = [price(n) for n in (*notes, *lines) if "$" in n]
        title = ", ".join(bands)
        if named:
            title = f"{named[0]}: {title}"
        cost = next((c for c in costs if c is not None), DEFAULT_PRICE)
        return day, Show(
            title=title,
            day=day,
            start_time=any_time(times[0]) if times else DEFAULT_START,
            description="\n".join(line for line in lines if not _band(line)) or None,
            url=PAGE_URL,
            artists=tuple(bands),
            price_low=cost,
            price_high=cost,
            currency="USD",
        )


def _shows(heading: list[str], lines: list[str]) -> list[dict[str, Any]]:
    """Return an item per date of a heading ("FRI 12.04 / SAT 12.05": two)."""
    dates = list(_DATE.finditer(heading[0]))
    found = []
    for match in dates:
        try:
            day = year_for(int(match[1]), int(match[2]))
        except ItemError:
            continue
        found.append({"day": day, "date_text": heading[0], "notes": heading[1:], "lines": lines})
    return found


def _band(line: str) -> str | None:
    """Return a band's name from a line in capitals ("THE MOSS PIGLETS" -> title case)."""
    letters = [c for c in line if c.isalpha()]
    if not letters or not line.isupper() or "$" in line or "DOORS" in line:
        return None
    return " ".join(word.capitalize() if word.isalpha() else word for word in line.split())
