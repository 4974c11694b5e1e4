"""Wix Events: the events list a Wix site embeds in its page, and the pages after it.

A Wix page carries its events as JSON in ``<script type="application/json"
id="wix-warmup-data">``, under ``appsWarmupData.<app>.widget<compId>.events``: an
``events`` list and ``hasMore``. Each event has a UUID ``id``, a ``title`` (HTML
entities and stray spaces occur), a ``slug`` (repeated titles and recurring events get
suffixes, so it is not an id), the local ``scheduling.startDateFormatted`` ("May 6,
2024") and ``startTimeFormatted`` ("9:00 PM"), ``scheduling.config.scheduleTbd``,
``eventPageUrl`` and ``mainImage.url``. The UTC ``scheduling.config.startDate`` is not
used: a 9 PM show falls on the next UTC day.

When ``hasMore`` is true the widget shows only the first events; the rest come from the
site's ``/_api/wix-one-events-server/web/paginated-events/viewer`` (``offset``,
``limit``, ``compId``), which answers ``{"events": [...], "hasMore": ...}`` with the
same events, given the visitor token of the Events app (``/_api/v1/access-tokens``,
``apps[<app id>].instance``) as ``Authorization``. That endpoint and the token are known
from other projects' Wix readers (found with the code search), not from Wix's documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar
from urllib.parse import quote

from selectolax.lexbor import LexborHTMLParser

from ingest.fetch import FetchError, Pages, Request, Validators
from ingest.items import ItemError, ResponseError, Show
from ingest.reading import identifier, long_date, need, plain, text, twelve_hour, web_url
from ingest.sources.base import PUBLIC_PAGE, Fetcher, Source

EVENTS_APP = "140603ad-af8d-84a5-2c80-a0f60cb47351"  # Wix Events' app id, the same on every site
PAGE_SIZE = 50


class WixEvents(Source):
    """A venue whose Wix site lists its events with the Wix Events widget.

    page_url: the page that carries the events widget.
    """

    platform = "Wix Events"
    terms = PUBLIC_PAGE
    page_url: ClassVar[str]

    @property
    def site(self) -> str:
        """The site's root, where its ``/_api`` lives."""
        scheme, _, rest = self.page_url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"

    def url(self) -> str:
        return self.page_url

    async def fetch(self, client: Fetcher, validators: Validators | None = None) -> Pages:
        """Fetch the page; when its widget has more events, the pages after it too."""
        pages = await super().fetch(client, validators)
        if pages.not_modified or not pages.bodies:
            return pages
        more = _more_to_read(pages.bodies[0])
        if more is None:
            return pages
        comp_id, offset = more
        try:
            token = _token(await client.get(f"{self.site}/_api/v1/access-tokens", source=self.name))
        except (FetchError, ResponseError) as error:
            return pages.stop(f"the widget has more events, but its token failed: {error}")
        headers = {"Authorization": token}

        def request(at: int) -> Request:
            query = {"offset": at, "limit": PAGE_SIZE, "compId": comp_id, "locale": "en"}
            query.update(filter=1, filterType=2, sortOrder=0, byEventId="false", draft="false")
            endpoint = f"{self.site}/_api/wix-one-events-server/web/paginated-events/viewer"
            return Request(endpoint, params=query, headers=headers)

        def next_page(body: bytes, number: int) -> Request | None:
            answer = _json(body)
            return request(offset + number * PAGE_SIZE) if answer.get("hasMore") is True else None

        rest = await self.follow(client, request(offset), next_page)
        pages.bodies += rest.bodies
        if not rest.complete:
            pages.stop(rest.shortfall or "the pages after the widget stopped short")
        pages.validators = None  # a conditional GET of the page alone would miss the rest
        return pages

    def split(self, body: bytes) -> Iterable[Any]:
        if body.lstrip().startswith(b"{"):
            events = _json(body).get("events")
            if not isinstance(events, list):
                raise ResponseError("no events list in the paginated-events answer")
            return events
        lists = [events for _, events in _widgets(_warmup(body))]
        if not lists:
            raise ResponseError("no events list in the page's wix-warmup-data")
        return [event for events in lists for event in events["events"]]

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
            url=self._page_url(payload),
            image_url=web_url(image.get("url")) if isinstance(image, dict) else None,
        )

    def _page_url(self, payload: dict[str, Any]) -> str | None:
        """Return the event's page on the venue's site."""
        page = payload.get("eventPageUrl")
        if isinstance(page, dict) and isinstance(page.get("path"), str):
            base = page.get("base") if isinstance(page.get("base"), str) else self.site
            if url := web_url(f"{base}{page['path']}"):
                return url
        slug = payload.get("slug")
        if not isinstance(slug, str) or not slug.strip():
            return None
        return f"{self.site}/event-info/{quote(slug.strip(), safe='-_.~')}"


def _warmup(body: bytes) -> Any:
    script = LexborHTMLParser(body).css_first('script#wix-warmup-data[type="application/json"]')
    if script is None:
        raise ResponseError("no wix-warmup-data script in the page")
    try:
        return json.loads(script.text(deep=True))
    except ValueError as error:
        raise ResponseError(f"the wix-warmup-data script is not JSON: {error}") from None


def _widgets(warmup: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (widget key, its ``events`` object) for each events widget in the blob.

    Other apps and widgets (and the widget's other keys, which may hold Wix tokens)
    are passed over, not read.
    """
    apps = warmup.get("appsWarmupData") if isinstance(warmup, dict) else None
    if not isinstance(apps, dict):
        return
    for widgets in apps.values():
        if not isinstance(widgets, dict):
            continue
        for key, widget in widgets.items():
            events = widget.get("events") if isinstance(widget, dict) else None
            if isinstance(events, dict) and isinstance(events.get("events"), list):
                yield key, events


def _more_to_read(body: bytes) -> tuple[str, int] | None:
    """Return (compId, events shown) of a widget that has more events; None otherwise."""
    try:
        widgets = list(_widgets(_warmup(body)))
    except ResponseError:
        return None  # the page does not parse: split says so
    for key, events in widgets:
        if events.get("hasMore") is True:
            return key.removeprefix("widget"), len(events["events"])
    return None


def _json(body: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ResponseError(f"not JSON: {error}") from None
    if not isinstance(answer, dict):
        raise ResponseError("the answer is not a JSON object")
    return answer


def _token(body: bytes) -> str:
    """Return the Events app's visitor token from an access-tokens answer."""
    app = _json(body).get("apps")
    app = app.get(EVENTS_APP) if isinstance(app, dict) else None
    token = app.get("instance") if isinstance(app, dict) else None
    if not isinstance(token, str) or not token:
        raise ResponseError("no token of the Events app in the answer")
    return token


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
