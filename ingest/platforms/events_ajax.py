"""The ``events_ajax`` listing that Neumos, Barboza and other Carbonhouse sites serve.

``GET SITE/events/events_ajax/OFFSET?per_page=N&came_from_page=event-list-page``
answers the next events of the list as HTML, usually JSON-escaped (a JSON string of
HTML). Each event is a ``div.eventItem``: ``h3.title a`` (the headliner, linking to
``/events/detail/SLUG``), ``h4.tagline`` (support or a tour name),
``.promotion-text`` (the presenter; ``.tour`` the tour), a date block ``.date``
(``aria-label`` "December 13 2026"; ``.m-date__month`` "Dec", ``.m-date__day`` "13"),
``.meta .time`` ("Doors: 7:00 PM", "Show: 8:00 PM"), ``.meta .age`` ("21+"),
``a.tickets`` (its class ``onsalenow``, ``soldout`` or ``cancelled``) and ``.thumb
img``. The selectors are those of nspilman/rust-venue-scraper's Neumos and Barboza
readers; the year in the date's ``aria-label`` is read when present, else the month
and day are taken as the next such day (``reading.year_for``).

Each item is stored as the fields the markup shows (``split``), so ``read`` needs no
HTML and a stored item reads alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, ClassVar

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ingest.fetch import Pages, Request, Validators
from ingest.items import ItemError, ResponseError, Show
from ingest.reading import (
    age_limit,
    any_time,
    identifier,
    iso_day,
    month_number,
    need,
    node_text,
    optional_text,
    show_status,
    text,
    web_url,
    year_for,
)
from ingest.sources.base import UNDOCUMENTED, Fetcher, Source

PAGE_SIZE = 100
_TIME = re.compile(r"(\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?)", re.IGNORECASE)
_LABEL = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")


class EventsAjax(Source):
    """A venue whose site lists its shows through ``/events/events_ajax``.

    site: the venue site's root ("https://www.neumos.com").
    """

    platform = "events_ajax (Carbonhouse)"
    terms = UNDOCUMENTED
    site: ClassVar[str]

    def url(self) -> str:
        return self.request(0).url

    def request(self, offset: int) -> Request:
        return Request(
            f"{self.site}/events/events_ajax/{offset}",
            params={"per_page": PAGE_SIZE, "came_from_page": "event-list-page"},
        )

    async def fetch(self, client: Fetcher, validators: Validators | None = None) -> Pages:
        """Fetch the list a page at a time until a page comes back short."""

        def next_page(body: bytes, number: int) -> Request | None:
            full = len(LexborHTMLParser(_html(body)).css("div.eventItem")) >= PAGE_SIZE
            return self.request(number * PAGE_SIZE) if full else None

        return await self.follow(client, self.request(0), next_page, validators=validators)

    def split(self, body: bytes) -> Iterable[Any]:
        markup = _html(body)
        tree = LexborHTMLParser(markup)
        items = tree.css("div.eventItem")
        if not items and "eventItem" not in markup and tree.body is not None:
            if tree.body.text(strip=True):
                raise ResponseError("no div.eventItem in the listing")
        return [self._fields(item) for item in items]

    def read(self, payload: Any) -> tuple[str, Show]:
        external_id = identifier(need(payload, "id"))
        headliner = text(need(payload, "title"), field="title")
        if not headliner:
            raise ItemError("no title")
        day = iso_day(need(payload, "day"), field="day")
        start_time = _start(payload.get("time"))
        tagline = optional_text(payload.get("tagline"))
        title = headliner
        if tagline and "tour" not in tagline.lower():
            joined = re.match(r"(?i)(with|w/|and|\+)\s", tagline)
            title = f"{headliner} {tagline}" if joined else f"{headliner} with {tagline}"
        notes = [optional_text(payload.get(key)) for key in ("tour", "promoter")]
        return external_id, Show(
            title=title,
            day=day,
            start_time=start_time,
            description="\n".join(note for note in notes if note) or None,
            url=web_url(payload.get("url")),
            ticket_url=web_url(payload.get("ticket_url")),
            image_url=web_url(payload.get("image")),
            status=show_status(payload.get("ticket_state")),
            age_limit=age_limit(payload.get("age")),
        )

    def _fields(self, item: LexborNode) -> dict[str, Any]:
        """Return what one ``div.eventItem`` shows, as text and links."""
        link = item.css_first("h3.title a") or item.css_first(".title a")
        href = link.attributes.get("href") if link is not None else None
        url = self._absolute(href)
        tickets = item.css_first("a.tickets")
        classes = (tickets.attributes.get("class") or "").split() if tickets is not None else []
        image = item.css_first(".thumb img")
        date = item.css_first(".date")
        fields = {
            "id": url.rstrip("/").rsplit("/", 1)[-1] if url else None,
            "title": node_text(link),
            "tagline": node_text(item.css_first("h4.tagline")),
            "tour": node_text(item.css_first(".promotion-text.tour")),
            "promoter": node_text(item.css_first(".promotion-text:not(.tour)")),
            "date": (date.attributes.get("aria-label") or "").strip() if date is not None else "",
            "month": node_text(item.css_first(".m-date__month")),
            "day_of_month": node_text(item.css_first(".m-date__day")),
            "time": node_text(item.css_first(".meta .time")),
            "age": node_text(item.css_first(".meta .age")),
            "url": url,
            "ticket_url": self._absolute(tickets.attributes.get("href") if tickets else None),
            "ticket_state": next(
                (c for c in classes if c in ("onsalenow", "soldout", "cancelled", "postponed")),
                None,
            ),
            "image": self._absolute(image.attributes.get("src") if image else None),
        }
        fields["day"] = _day(fields)
        return fields

    def _absolute(self, href: str | None) -> str | None:
        if not href or not href.strip():
            return None
        href = href.strip()
        return f"{self.site}{href}" if href.startswith("/") else href


def _html(body: bytes) -> str:
    """Return the listing's HTML: the body itself, or the JSON string it is wrapped in."""
    stripped = body.strip()
    if stripped.startswith(b'"'):
        try:
            value = json.loads(stripped)
        except (ValueError, UnicodeDecodeError) as error:
            raise ResponseError(f"the JSON-wrapped listing does not parse: {error}") from None
        if isinstance(value, str):
            return value
    return body.decode("utf-8", "replace")


def _day(fields: dict[str, Any]) -> str | None:
    """Return the item's day: from the dated ``aria-label``, else month and day."""
    try:
        if match := _LABEL.search(fields.get("date") or ""):
            year, month, day = int(match[3]), month_number(match[1]), int(match[2])
            return f"{year:04d}-{month:02d}-{day:02d}"
        if fields.get("month") and (fields.get("day_of_month") or "").isdigit():
            return year_for(month_number(fields["month"]), int(fields["day_of_month"]))
    except ItemError:
        return None
    return None


def _start(value: Any) -> str | None:
    """Return the show's time from "Doors: 7:00 PM / Show: 8:00 PM" (the show's, else doors)."""
    if not isinstance(value, str):
        return None
    show = re.search(r"(?i)show[^0-9]*" + _TIME.pattern, value)
    found = show or _TIME.search(value)
    if not found:
        return None
    return any_time(found[1])
