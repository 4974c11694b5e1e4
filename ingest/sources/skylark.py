"""Skylark Cafe: the calendar page of its Webflow site.

``https://www.skylarkcafe.com/calendar`` lists the shows in the first ``div.w-dyn-items``,
one child ``div`` each: the title in ``.text-block-12``, the page in ``a.link-block-4``
(``events/SLUG``), the moment in ``div.date`` ("December 4, 2026 8:00 PM") and a
poster as the ``background-image`` of ``.artist-image``. Known from admiralbolt/sms
(its Skylark reader).

Each item is stored as the fields the page shows, so a stored item reads alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from ingest.items import ItemError, ResponseError, Show, VenueFacts
from ingest.reading import identifier, long_date, need, node_text, text, twelve_hour, web_url
from ingest.sources.base import PUBLIC_PAGE, Source

SITE = "https://www.skylarkcafe.com"
_MOMENT = re.compile(
    r"^(?P<date>[A-Za-z]+\.?\s+\d{1,2},?\s+\d{4})(?:\s+(?P<time>\d{1,2}:\d{2}\s*[AaPp][Mm]))?$"
)
_BACKGROUND = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class Skylark(Source):
    name = "skylark"
    title = "Skylark Cafe"
    sample = "skylark.html"
    terms = PUBLIC_PAGE
    venue = VenueFacts(
        name="Skylark Cafe",
        address="3803 Delridge Way SW",
        city="Seattle",
        postal_code="98106",
        latitude=47.567417,
        longitude=-122.363105,
        url=f"{SITE}/",
        aliases=("Skylark", "The Skylark", "Skylark Cafe & Club"),
    )

    def url(self) -> str:
        return f"{SITE}/calendar"

    def split(self, body: bytes) -> Iterable[Any]:
        listing = LexborHTMLParser(body).css_first("div.w-dyn-items")
        if listing is None:
            raise ResponseError("no div.w-dyn-items listing in the page")
        items = []
        for child in listing.iter():
            if child.tag != "div":
                continue
            link = child.css_first("a.link-block-4")
            href = (link.attributes.get("href") or "").strip("/ ") if link is not None else ""
            image = child.css_first(".artist-image")
            poster = _BACKGROUND.search(image.attributes.get("style") or "") if image else None
            items.append(
                {
                    "id": href.rsplit("/", 1)[-1] or None,
                    "title": node_text(child.css_first(".text-block-12")),
                    "date": node_text(child.css_first("div.date")),
                    "url": f"{SITE}/{href}" if href else None,
                    "image": poster[1] if poster else None,
                }
            )
        return items

    def read(self, payload: Any) -> tuple[str, Show]:
        external_id = identifier(need(payload, "id"))
        title = text(need(payload, "title"), field="title")
        if not title:
            raise ItemError("no title")
        moment = _MOMENT.match(text(need(payload, "date"), field="date"))
        if not moment:
            raise ItemError(f"date {payload['date']!r} does not parse")
        return external_id, Show(
            title=title,
            day=long_date(moment["date"], field="date"),
            start_time=twelve_hour(moment["time"]) if moment["time"] else None,
            url=web_url(payload.get("url")),
            image_url=web_url(payload.get("image")),
        )
