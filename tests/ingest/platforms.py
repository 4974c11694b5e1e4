"""Helpers for the platform tests: read a body as a source does, fetch on a mock."""

from __future__ import annotations

import asyncio
from typing import Any

from ingest.fetch import Pages
from ingest.items import BadItem, Item
from ingest.reading import receiving
from ingest.sources import get_source
from ingest.sources.base import SAMPLES_RECORDED_ON


def entries(name: str, body: bytes) -> list[Item | BadItem]:
    """Return what source ``name`` makes of ``body``, as on the samples' day."""
    with receiving(SAMPLES_RECORDED_ON):
        return list(get_source(name).parse(body))


def shows(name: str, body: bytes) -> dict[str, Any]:
    """Return the shows of a body by external id (bad items left out)."""
    return {e.external_id: e.show for e in entries(name, body) if isinstance(e, Item)}


def bad(name: str, body: bytes) -> list[str]:
    """Return the reasons of a body's bad items, in order."""
    return [e.reason for e in entries(name, body) if isinstance(e, BadItem)]


def fetch(name: str, fetcher) -> Pages:
    """Fetch source ``name`` with ``fetcher`` (robots.txt as the source obeys it)."""
    source = get_source(name)

    async def run() -> Pages:
        async with fetcher:
            fetcher.configure(
                source.name,
                per_second=source.requests_per_second,
                robots=False,
                hosts=source.hosts,
            )
            return await source.fetch(fetcher)

    return asyncio.run(run())
