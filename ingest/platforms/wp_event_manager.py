"""WP Event Manager: the ``em-ajax/get_listings`` answer of WordPress venue sites.

``POST SITE/em-ajax/get_listings/`` with the form ``per_page``, ``page``, ``orderby``
and ``order`` answers ``{"found_events": true, "html": "...", "max_num_pages": N}``.
In the HTML each event is a ``div.event_listing``: ``a.wpem-event-action-url`` (its
page), ``h3.wpem-heading-text`` (the title), ``.wpem-event-banner-img`` (its image, as
a CSS ``background-image``) and ``span.wpem-event-date-time-text`` ("Friday, December
4, 2026 @ 07:30 PM - 09:30 PM"), sometimes ``.wpem-event-location-text``. Known from
admiralbolt/sms (its Royal Room reader), not from a published document.

Each item is stored as the fields the markup shows, so a stored item reads alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ingest.fetch import Pages, Request, Validators
from ingest.items import ItemError, ResponseError, Show
from ingest.reading import (
    identifier,
    json_body,
    long_date,
    need,
    node_text,
    text,
    twelve_hour,
    web_url,
)
from ingest.sources.base import UNDOCUMENTED, Fetcher, Source

PAGE_SIZE = 30
_WHEN = re.compile(
    r"^\s*(?:[A-Za-z]+day,?\s+)?(?P<date>[A-Za-z]+\.?\s+\d{1,2},?\s+\d{4})"
    r"(?:\s*@?\s*(?P<start>\d{1,2}(?::\d{2})?\s*[AaPp][Mm]))?"
    r"(?:\s*-\s*(?P<end>\d{1,2}(?::\d{2})?\s*[AaPp][Mm]))?"
)
_BACKGROUND = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class WpEventManager(Source):
    """A WordPress venue site listing its shows with WP Event Manager.

    site: the site's root ("https://theroyalroomseattle.com").
    """

    platform = "WP Event Manager"
    terms = UNDOCUMENTED
    site: ClassVar[str]

    def url(self) -> str:
        return f"{self.site}/em-ajax/get_listings/"

    def request(self, page: int) -> Request:
        form = {"per_page": PAGE_SIZE, "page": page, "orderby": "event_start_date", "order": "ASC"}
        return Request(self.url(), method="POST", data=form)

    async def fetch(self, client: Fetcher, validators: Validators | None = None) -> Pages:
        """Fetch the listing's pages, to ``max_num_pages``."""

        def next_page(body: bytes, number: int) -> Request | None:
            last = json_body(body).get("max_num_pages")
            return self.request(number + 1) if isinstance(last, int) and number < last else None

        return await self.follow(client, self.request(1), next_page, validators=validators)

    def split(self, body: bytes) -> Iterable[Any]:
        answer = json_body(body)
        markup = answer.get("html")
        if not isinstance(markup, str):
            raise ResponseError("no html in the get_listings answer")
        listings = LexborHTMLParser(markup).css("div.event_listing")
        return [_fields(listing) for listing in listings]

    def read(self, payload: Any) -> tuple[str, Show]:
        external_id = identifier(need(payload, "id"))
        title = text(need(payload, "title"), field="title")
        if not title:
            raise ItemError("no title")
        when = _WHEN.match(text(need(payload, "when"), field="when"))
        if not when:
            raise ItemError(f"when {payload['when']!r} does not parse")
        start = twelve_hour(when["start"], field="start") if when["start"] else None
        return external_id, Show(
            title=title,
            day=long_date(when["date"], field="date"),
            start_time=start,
            end_time=twelve_hour(when["end"], field="end") if when["end"] and start else None,
            url=web_url(payload.get("url")),
            image_url=web_url(payload.get("image")),
        )


def _fields(listing: LexborNode) -> dict[str, Any]:
    """Return what one ``div.event_listing`` shows, as text and links."""
    link = listing.css_first("a.wpem-event-action-url")
    url = link.attributes.get("href") if link is not None else None
    banner = listing.css_first(".wpem-event-banner-img")
    image = _BACKGROUND.search(banner.attributes.get("style") or "") if banner else None
    return {
        "id": url.rstrip("/").rsplit("/", 1)[-1] if url else None,
        "title": node_text(listing.css_first("h3.wpem-heading-text")),
        "when": node_text(listing.css_first(".wpem-event-date-time-text")),
        "location": node_text(listing.css_first(".wpem-event-location-text")),
        "url": url,
        "image": image[1] if image else None,
    }
