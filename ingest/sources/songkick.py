"""Songkick: the Seattle metro area's concert calendar, page by page, as JSON-LD.

``https://www.songkick.com/metro-areas/2846-us-seattle?page=N`` holds each event in a
``div.microformat`` with a JSON-LD ``MusicEvent`` (in a one-element list); the last
page's number is the next-to-last link of ``div.pagination``. Known from
admiralbolt/sms (its Songkick reader).
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from ingest.fetch import Pages, Request, Validators
from ingest.platforms.jsonld import JsonLdEvents
from ingest.sources.base import Fetcher

CALENDAR_URL = "https://www.songkick.com/metro-areas/2846-us-seattle"


class Songkick(JsonLdEvents):
    name = "songkick"
    title = "Songkick (Seattle)"
    sample = "songkick.html"
    platform = "Songkick, schema.org JSON-LD"
    category = "aggregator"
    page_url = CALENDAR_URL

    async def fetch(self, client: Fetcher, validators: Validators | None = None) -> Pages:
        """Fetch the calendar's pages, to the last one its pagination names."""

        def next_page(body: bytes, number: int) -> Request | None:
            return (
                Request(CALENDAR_URL, params={"page": number + 1}) if number < _last(body) else None
            )

        return await self.follow(
            client, Request(CALENDAR_URL, params={"page": 1}), next_page, validators=validators
        )


def _last(body: bytes) -> int:
    """Return the number of the calendar's last page (1 when there is no pagination)."""
    numbers = [
        int(link.text(strip=True))
        for link in LexborHTMLParser(body).css("div.pagination a")
        if link.text(strip=True).isdigit()
    ]
    return max(numbers, default=1)
