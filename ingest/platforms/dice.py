"""DICE: the partners API that DICE's event-list widget reads, for a venue's shows.

``GET https://partners-endpoint.dice.fm/api/v2/events?page[size]=..&page[number]=..
&types=linkout,event&filter[venues][]=NAME`` with an ``x-api-key`` header answers
``{"data": [event...], "links": {"next": URL or null}}``. An event has an ``id``,
``name``, ``date`` and ``date_end`` (UTC ISO times) and ``timezone``, ``venue`` (its
name), ``location`` (``street``, ``city``, ``zip``, ``lat``, ``lng``), ``url``,
``description``, ``event_images`` (``landscape``, ``square``, ``portrait``),
``lineup`` (``details``, ``time``), ``detailed_artists`` (each a ``name``),
``ticket_types`` (``price.total``, ``price.face_value``, in cents), ``price``,
``currency``, ``age_limit`` ("21+"), ``genre_tags`` ("gig:indie"), ``status`` and
``sold_out``. The API is DICE's documented partner API; the parameters and fields are
as the widget and other projects' DICE readers use them (nspilman/rust-venue-scraper
reads ``data``; the rest was found with the code search).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings

from ingest.fetch import Pages, Request, Validators
from ingest.items import ItemError, ResponseError, Show
from ingest.reading import (
    age_limit,
    currency,
    day_and_time,
    dig,
    identifier,
    json_body,
    names,
    need,
    plain,
    prices,
    show_status,
    text,
    web_url,
)
from ingest.sources.base import DOCUMENTED_API, Fetcher, Source

API_URL = "https://partners-endpoint.dice.fm/api/v2/events"
PAGE_SIZE = 50


class Dice(Source):
    """A venue that sells its shows on DICE.

    dice_venue: the venue's name as DICE files it (the widget's ``filter[venues][]``).
    """

    platform = "DICE"
    terms = DOCUMENTED_API
    secret = "DICE_API_KEY"
    dice_venue: ClassVar[str]

    def url(self) -> str:
        return API_URL

    async def fetch(self, client: Fetcher, validators: Validators | None = None) -> Pages:
        """Fetch the venue's events page by page, following ``links.next``."""
        headers = {"x-api-key": settings.DICE_API_KEY, "Accept": "application/json"}
        first = Request(
            API_URL,
            params={
                "page[size]": PAGE_SIZE,
                "page[number]": 1,
                "types": "linkout,event",
                "filter[venues][]": self.dice_venue,
            },
            headers=headers,
        )

        def next_page(body: bytes, number: int) -> Request | None:
            following = web_url(dig(json_body(body), "links", "next"))
            return Request(following, headers=headers) if following else None

        return await self.follow(client, first, next_page, validators=validators)

    def split(self, body: bytes) -> Iterable[Any]:
        events = json_body(body).get("data")
        if not isinstance(events, list):
            raise ResponseError("no data list in the answer")
        return events

    def read(self, payload: Any) -> tuple[str, Show]:
        external_id = identifier(need(payload, "id"))
        title = text(need(payload, "name"), field="name")
        if not title:
            raise ItemError("no name")
        day, start_time = day_and_time(need(payload, "date"), field="date")
        end_time = None
        if isinstance(payload.get("date_end"), str):
            end_day, end_time = day_and_time(payload["date_end"], field="date_end")
            end_time = end_time if end_day == day else None
        tickets = [t for t in payload.get("ticket_types") or [] if isinstance(t, dict)]
        cents = [dig(t, "price", "total") for t in tickets] or [payload.get("price")]
        low, high = prices(*cents)
        lineup = names(payload.get("detailed_artists")) or names(payload.get("artists"))
        status = "cancelled" if payload.get("cancelled") is True else payload.get("status")
        return external_id, Show(
            title=title,
            day=day,
            start_time=start_time,
            end_time=end_time,
            description=plain(payload.get("description"))
            if isinstance(payload.get("description"), str)
            else None,
            url=web_url(payload.get("url")),
            image_url=web_url(dig(payload, "event_images", "landscape"))
            or web_url(dig(payload, "images", 0)),
            artists=lineup or None,
            status=show_status(status),
            price_low=low / 100 if low is not None else None,
            price_high=high / 100 if high is not None else None,
            currency=currency(payload.get("currency")) if low is not None else None,
            age_limit=age_limit(payload.get("age_limit")),
            genres=tuple(_genre(tag) for tag in payload.get("genre_tags") or [] if _genre(tag)),
        )


def _genre(tag: Any) -> str | None:
    """Return "indie" from a DICE genre tag such as "gig:indie"."""
    if not isinstance(tag, str):
        return None
    name = text(tag.rsplit(":", 1)[-1]).replace("_", " ")
    return name[:60] or None
