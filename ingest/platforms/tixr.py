"""Tixr: the events of a venue's Tixr group, as its ticket pages load them.

``GET https://www.tixr.com/v1/groups/GROUP/events?cpk=KEY`` (the group's public client
key, which the venue's own pages send) answers a JSON list of events. An event has an
``id``, ``name``, ``url``, ``start_date`` and ``end_date`` (milliseconds since 1970,
UTC), ``description`` (HTML), ``flyer_url``, ``venue`` (``name``) and ``lineups``,
whose first ``acts[].artist.name`` are the performers. Known from admiralbolt/sms (its
Tixr reader, groups 748 and 749), not from a published document.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from ingest.items import ItemError, Show
from ingest.reading import (
    dig,
    epoch_millis,
    identifier,
    json_body,
    need,
    plain,
    text,
    web_url,
)
from ingest.sources.base import UNDOCUMENTED, Source

API_URL = "https://www.tixr.com/v1/groups/{group}/events?cpk={key}"


class Tixr(Source):
    """A venue that sells its shows on Tixr.

    group_id: the venue's Tixr group.
    client_key: the group's public client key (``cpk``), as the venue's pages send it.
    """

    platform = "Tixr"
    terms = UNDOCUMENTED
    group_id: ClassVar[int]
    client_key: ClassVar[str]

    def url(self) -> str:
        return API_URL.format(group=self.group_id, key=self.client_key)

    def split(self, body: bytes) -> Iterable[Any]:
        return json_body(body, want=list)

    def read(self, payload: Any) -> tuple[str, Show]:
        external_id = identifier(need(payload, "id"))
        title = text(need(payload, "name"), field="name")
        if not title:
            raise ItemError("no name")
        day, start_time = epoch_millis(need(payload, "start_date"), field="start_date")
        end_time = None
        if payload.get("end_date") is not None:
            end_day, end_time = epoch_millis(payload["end_date"], field="end_date")
            end_time = end_time if end_day == day else None
        acts = dig(payload, "lineups", 0, "acts")
        performers = (
            (dig(act, "artist", "name") for act in acts if isinstance(act, dict))
            if isinstance(acts, list)
            else ()
        )
        lineup = tuple(dict.fromkeys(text(n) for n in performers if isinstance(n, str) and text(n)))
        description = payload.get("description")
        return external_id, Show(
            title=title,
            day=day,
            start_time=start_time,
            end_time=end_time,
            description=plain(description) if isinstance(description, str) else None,
            url=web_url(payload.get("url")),
            image_url=web_url(payload.get("flyer_url")),
            artists=lineup or None,
        )
