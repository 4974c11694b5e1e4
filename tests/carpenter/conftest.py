"""Fixtures for the carpenter: raw data stored as the ingester stores it, a test source."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from graph.models import Node
from ingest.items import Show, VenueFacts
from ingest.reading import need, text
from ingest.sources import SOURCES, get_source
from ingest.sources.base import Source


class Listings(Source):
    """A multi-venue source for tests: items name their venue and may list artists."""

    name = "listings"
    title = "Test listings"
    sample = "listings.json"

    def url(self) -> str:
        return "https://listings.invalid/"

    def split(self, body: bytes) -> list[Any]:
        return json.loads(body)

    def read(self, payload: Any) -> tuple[str, Show]:
        venue = need(payload, "venue")
        return text(need(payload, "id")), Show(
            title=text(need(payload, "title")),
            day=need(payload, "day"),
            start_time=payload.get("time"),
            url=payload.get("url"),
            image_url=payload.get("image"),
            description=payload.get("description"),
            venue=VenueFacts(
                name=venue["name"],
                address=venue.get("address"),
                latitude=venue.get("lat"),
                longitude=venue.get("lon"),
            ),
            artists=tuple(payload["artists"]) if "artists" in payload else None,
        )


BLUE_MOON = {
    "name": "Blue Moon Tavern",
    "address": "712 NE 45th St",
    "lat": 47.661455,
    "lon": -122.319989,
}


@pytest.fixture
def listings(monkeypatch, settings) -> Listings:
    """Register the test source, ranked below blue_moon (a venue's own site wins)."""
    source = Listings()
    monkeypatch.setitem(SOURCES, source.name, source)
    settings.SOURCE_PRIORITY = ["blue_moon", "listings"]
    return source


def blue_moon_item(item_id: str, title: str, start: str, **extra: Any) -> dict[str, Any]:
    """A Blue Moon feed item; ``start`` like "2026-12-12T21:00" (Pacific) or a plain day."""
    start_date = start if len(start) == 10 else f"{start}:00-08:00"
    return {
        "id": item_id,
        "title": title,
        "startDate": start_date,
        "allDay": len(start) == 10,
        **extra,
    }


def listing(item_id: str, title: str, day: str, time: str | None, venue=BLUE_MOON, **extra: Any):
    """A test-source item at ``venue``."""
    return {"id": item_id, "title": title, "day": day, "time": time, "venue": venue, **extra}


@pytest.fixture
def store_raw() -> Callable[[str, list[dict]], list[Node]]:
    """Store items as raw data the way the ingester does (changed items: unprocessed)."""

    def store(source: str, payloads: list[dict]) -> list[Node]:
        reader = get_source(source)
        now = timezone.now()
        items = []
        for payload in payloads:
            external_id, show = reader.read(payload)
            canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
            items.append(
                {
                    "source": source,
                    "external_id": external_id,
                    "payload": payload,
                    "day": show.day,
                    "start_time": show.start_time,
                    "event_name": show.title,
                    "venue_name": show.venue.name if show.venue else None,
                    "content_hash": hashlib.sha256(canonical.encode()).hexdigest(),
                    "processed": False,
                    "first_seen": now,
                    "last_seen": now,
                }
            )
        existing = Node.objects.by_keys("raw_data", (f"{source}|{i['external_id']}" for i in items))
        stored = []
        for item in items:
            old = existing.get(f"{source}|{item['external_id']}")
            if old is not None and old.data["content_hash"] == item["content_hash"]:
                stored.append(old)  # unchanged: left as it is, processed or not
            else:
                stored.append(Node.objects.upsert("raw_data", item).node)
        return stored

    return store


def events() -> list[Node]:
    return list(Node.objects.labelled("event").order_by("key"))


def records(change_type: str | None = None, kind: str | None = None) -> list[Node]:
    found = Node.objects.labelled("carpenter_record").order_by("created_at")
    if change_type:
        found = found.where(change_type=change_type)
    if kind:
        found = found.where(kind=kind)
    return list(found)
