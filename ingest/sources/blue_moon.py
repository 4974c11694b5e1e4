"""Blue Moon Tavern: the Wix "Google Calendar" feed its site loads.

The feed is ``{"eventsByDates": {"YYYY-MM-DD": [event, ...]}}``; each event has an
``id``, a ``title``, a ``startDate`` (an ISO datetime with offset, or a plain date for an
all-day item) and optionally ``endDate``, ``allDay``, ``summary`` (plain text) and
``description`` (HTML). Several shows a day are common (early and late shows).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, BinaryIO

import ijson
from django.conf import settings

from ingest.items import ItemError, ResponseError, Show, VenueFacts
from ingest.reading import day_and_time, identifier, need, plain, text
from ingest.sources.base import PUBLIC_FEED, Source

# The feed's address changes now and then (the signed `instance` is re-issued): the
# setting BLUE_MOON_FEED_URL overrides this one, read from the venue's calendar page.
FEED_URL = (
    "https://google-calendar.galilcloud.wixapps.net/_api/getEvents?compId=comp-kurk0gts"
    "&instance=Cvx_9zA6zBPvynb5y3Ufq9ti1OwqSvCBaRhAgM9XwtA.eyJpbnN0YW5jZUlkIjoiMDg2NDdkMmEtMmVi"
    "MC00MzgwLWJmZGItNzA2ZGUzMTQ0ZjE0IiwiYXBwRGVmSWQiOiIxMjlhY2I0NC0yYzhhLTgzMTQtZmJjOC03M2Q1Yj"
    "k3M2E4OGYiLCJtZXRhU2l0ZUlkIjoiYjcwNTNhNmYtZDNiZC00Y2Y3LTk1MjUtMDRhYTdhZGZjNDc1Iiwic2lnbkRh"
    "dGUiOiIyMDIzLTExLTA3VDA3OjAyOjIzLjgxOFoiLCJkZW1vTW9kZSI6ZmFsc2UsImFpZCI6ImI1ZDQ1NDEwLTQ3Nj"
    "ktNGMwYS04MGE0LTdjYTNiNjBjMmI3NSIsImJpVG9rZW4iOiJiZjYxNDc0NS1mZDBkLTBmNzctMmFmZS03NGM3OTlj"
    "YjhiNjEiLCJzaXRlT3duZXJJZCI6ImM0Mzc5Nzk2LWE5YzUtNDVkYi05MGIxLTE2OGZhZTQ0MTQ2NiJ9"
)
CALENDAR_PAGE = "https://www.thebluemoonseattle.com/calendar"


class BlueMoon(Source):
    name = "blue_moon"
    title = "Blue Moon Tavern"
    sample = "blue_moon.json"
    platform = "Wix Google Calendar feed"
    terms = PUBLIC_FEED
    venue = VenueFacts(
        name="Blue Moon Tavern",
        address="712 NE 45th St",
        city="Seattle",
        postal_code="98105",
        latitude=47.661455,
        longitude=-122.319989,
        url="https://www.thebluemoonseattle.com/",
        aliases=("The Blue Moon", "Blue Moon"),
    )

    def url(self) -> str:
        return settings.BLUE_MOON_FEED_URL or FEED_URL

    def split(self, body: bytes) -> Iterable[Any]:
        try:
            feed = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise ResponseError(f"not JSON: {error}") from None
        days = feed.get("eventsByDates") if isinstance(feed, dict) else None
        if not isinstance(days, dict):
            raise ResponseError("no eventsByDates object in the response")
        for events in days.values():
            yield from _listed(events)

    def split_file(self, file: BinaryIO) -> Iterator[Any]:
        """Yield the feed's events a day at a time, never holding the whole feed.

        A feed the streaming parser refuses, or one without a day, is read again whole
        by ``split``: the reason it gives is JSON's own (the line and column), and JSON
        the parser is stricter about than Python's (a number out of range) is still
        read, from the first event not yielded yet.
        """
        yielded = days = 0
        try:
            for _, events in ijson.kvitems(file, "eventsByDates", use_float=True):
                days += 1
                for event in _listed(events):
                    yielded += 1
                    yield event
            if days:
                return
        except ijson.JSONError:
            pass
        file.seek(0)
        yield from islice(self.split(file.read()), yielded, None)

    def read(self, payload: Any) -> tuple[str, Show]:
        external_id = identifier(need(payload, "id"))
        title = text(need(payload, "title"), field="title")
        day, start_time = day_and_time(need(payload, "startDate"), field="startDate")
        if payload.get("allDay") is True:
            start_time = None
        end_time = None
        if isinstance(payload.get("endDate"), str) and start_time:
            _, end_time = day_and_time(payload["endDate"], field="endDate")
        if not title:
            raise ItemError("no title")
        description = payload.get("summary") or plain(payload.get("description"))
        return external_id, Show(
            title=title,
            day=day,
            start_time=start_time,
            end_time=end_time,
            description=description if isinstance(description, str) else None,
            url=CALENDAR_PAGE,
        )


def _listed(events: Any) -> list[Any]:
    # Every event of a day: early and late shows share one.
    return events if isinstance(events, list) else [events]
