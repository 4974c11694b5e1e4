"""Sea Monster Lounge: the Wix Events data inside its tickets page.

The page carries its events as JSON in ``<script type="application/json"
id="wix-warmup-data">``, under ``appsWarmupData.<app>.<widget>.events.events[]``. Each
event has a UUID ``id``, a ``title`` (HTML entities and stray spaces occur), a ``slug``
(repeated titles and recurring events get suffixes, so it is not an id), the local
``scheduling.startDateFormatted`` ("May 6, 2024") and ``startTimeFormatted`` ("9:00
PM"), and ``mainImage.url``. The UTC ``scheduling.config.startDate`` is not used: a
9 PM show falls on the next UTC day.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from selectolax.lexbor import LexborHTMLParser

from ingest.items import ItemError, ResponseError, Show, VenueFacts
from ingest.reading import identifier, long_date, need, plain, text, twelve_hour, web_url
from ingest.sources.base import Source

PAGE_URL = "https://www.seamonsterlounge.com/buy-tickets-in-advance"
SITE = "https://www.seamonsterlounge.com"


class SeaMonster(Source):
    name = "sea_monster"
    title = "Sea Monster Lounge"
    sample = "sea_monster.html"
    venue = VenueFacts(
        name="Sea Monster Lounge",
        address="2202 N 45th St",
        city="Seattle",
        postal_code="98103",
        latitude=47.661643,
        longitude=-122.3323207,
        url=f"{SITE}/",
        aliases=("Sea Monster",),
    )

    def url(self) -> str:
        return PAGE_URL

    def split(self, body: bytes) -> Iterable[Any]:
        if not body.strip():
            raise ResponseError("empty response")
        script = LexborHTMLParser(body).css_first('script#wix-warmup-data[type="application/json"]')
        if script is None:
            raise ResponseError("no wix-warmup-data script in the page")
        try:
            warmup = json.loads(script.text(deep=True))
        except ValueError as error:
            raise ResponseError(f"the wix-warmup-data script is not JSON: {error}") from None
        lists = list(_event_lists(warmup))
        if not lists:
            raise ResponseError("no events list in the page's wix-warmup-data")
        return [event for events in lists for event in events]

    def read(self, payload: Any) -> tuple[str, Show]:
        external_id = identifier(need(payload, "id"))
        title = text(need(payload, "title"), field="title")
        if not title:
            raise ItemError("no title")
        scheduling = payload.get("scheduling")
        if not isinstance(scheduling, dict):
            raise ItemError("no scheduling")
        if not scheduling.get("startDateFormatted"):
            tbd = isinstance(scheduling.get("config"), dict) and scheduling["config"].get(
                "scheduleTbd"
            )
            raise ItemError("no date: the schedule is to be decided" if tbd else "no date")
        day = long_date(scheduling["startDateFormatted"], field="startDateFormatted")
        start = scheduling.get("startTimeFormatted")
        start_time = twelve_hour(start, field="startTimeFormatted") if start else None
        description, image = payload.get("description"), payload.get("mainImage")
        return external_id, Show(
            title=title,
            day=day,
            start_time=start_time,
            end_time=_end_time(scheduling, day) if start_time else None,
            description=plain(description) if isinstance(description, str) else None,
            url=_page_url(payload),
            image_url=web_url(image.get("url")) if isinstance(image, dict) else None,
        )


def _event_lists(warmup: Any) -> Iterator[list[Any]]:
    """Yield each ``events.events`` list under ``appsWarmupData.<app>.<widget>``.

    Other apps and widgets in the blob (and the widget's other keys, which may hold
    Wix tokens) are passed over, not read.
    """
    apps = warmup.get("appsWarmupData") if isinstance(warmup, dict) else None
    if not isinstance(apps, dict):
        return
    for widgets in apps.values():
        if not isinstance(widgets, dict):
            continue
        for widget in widgets.values():
            events = widget.get("events") if isinstance(widget, dict) else None
            if isinstance(events, dict) and isinstance(events.get("events"), list):
                yield events["events"]


def _end_time(scheduling: dict[str, Any], day: str) -> str | None:
    """Return the end time when it is stated and on the same day; it is optional."""
    end = scheduling.get("endTimeFormatted")
    end_day = scheduling.get("endDateFormatted")
    if not isinstance(end, str) or not end or not isinstance(end_day, str):
        return None
    try:
        if long_date(end_day) != day:
            return None
        return twelve_hour(end)
    except ItemError:
        return None


def _page_url(payload: dict[str, Any]) -> str | None:
    """Return the event's page on the venue's site."""
    page = payload.get("eventPageUrl")
    if isinstance(page, dict) and isinstance(page.get("path"), str):
        base = page.get("base") if isinstance(page.get("base"), str) else SITE
        if url := web_url(f"{base}{page['path']}"):
            return url
    slug = payload.get("slug")
    if not isinstance(slug, str) or not slug.strip():
        return None
    return f"{SITE}/event-info/{quote(slug.strip(), safe='-_.~')}"
