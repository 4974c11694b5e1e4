"""An event's data: built from a show, merged across sources by their priority."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

from graph.schemas import KEY_SEPARATOR
from ingest.items import Show

# Fields a source contributes and another may fill in or, with a higher priority,
# take over. The key fields (venue, day, start time) decide which event it is.
MERGED_FIELDS = ("title", "end_time", "description", "url", "image_url")


def rank(source: str) -> int:
    """Return a source's priority (lower wins): its place in ``SOURCE_PRIORITY``."""
    order = settings.SOURCE_PRIORITY
    return order.index(source) if source in order else len(order)


def event_key(venue_id: str, day: str, start_time: str | None) -> str:
    """Return the natural key the database derives for an event (graph.schemas)."""
    return KEY_SEPARATOR.join((venue_id, day, start_time or ""))


def new_event_data(venue_id: str, show: Show) -> dict[str, Any]:
    """Return the data of an event no source has reported yet."""
    return {
        "venue_id": venue_id,
        "day": show.day,
        "start_time": show.start_time,
        "title": show.title,
        "sources": [],
        "field_sources": {},
        "lineups": {},
    }


def merge_show(
    data: dict[str, Any],
    show: Show,
    source: str,
    lineup: list[str],
    priority: Callable[[str], int] = rank,
) -> dict[str, Any]:
    """Return ``data`` with what ``source`` says in ``show``.

    A field no source has set is filled; a field the same source set is updated; a
    field another source set is taken over only when ``source`` ranks higher.
    """
    merged = {
        **data,
        "field_sources": dict(data.get("field_sources", {})),
        "lineups": dict(data.get("lineups", {})),
    }
    owners = merged["field_sources"]
    for field in MERGED_FIELDS:
        value = getattr(show, field)
        if value in (None, ""):
            continue
        owner = owners.get(field)
        if (
            merged.get(field) in (None, "")
            or owner in (None, source)
            or priority(source) < priority(owner)
        ):
            merged[field] = value
            owners[field] = source
    merged["sources"] = sorted({*data.get("sources", []), source}, key=lambda s: (priority(s), s))
    merged["lineups"][source] = lineup
    return merged


def drop_source(data: dict[str, Any], source: str) -> dict[str, Any]:
    """Return ``data`` without ``source``'s lineup and name (its item now says otherwise)."""
    lineups = {k: v for k, v in data.get("lineups", {}).items() if k != source}
    return {
        **data,
        "sources": [s for s in data.get("sources", []) if s != source],
        "lineups": lineups,
    }


def lineup_slugs(data: dict[str, Any]) -> set[str]:
    """Return every artist slug any source lists for the event."""
    return {slug for lineup in data.get("lineups", {}).values() for slug in lineup}


def describe(venue_name: str, data: dict[str, Any]) -> str:
    """Return a record's summary of an event: "Blue Moon Tavern: Foo (2026-12-12 21:00)"."""
    when = f"{data['day']} {data.get('start_time') or 'all day'}"
    return f"{venue_name}: {data['title']} ({when})"


def combine(
    data: dict[str, Any], other: dict[str, Any], priority: Callable[[str], int] = rank
) -> dict[str, Any]:
    """Return ``data`` with ``other`` (another event of the same show) folded in.

    Each field keeps the value of whichever event's source ranks higher; sources and
    lineups are united.
    """
    merged = {
        **data,
        "field_sources": dict(data.get("field_sources", {})),
        "lineups": {k: list(v) for k, v in data.get("lineups", {}).items()},
    }
    owners, theirs = merged["field_sources"], other.get("field_sources", {})
    for field in MERGED_FIELDS:
        value, owner = other.get(field), theirs.get(field)
        if value in (None, ""):
            continue
        mine = owners.get(field)
        if merged.get(field) in (None, "") or (
            owner is not None and (mine is None or priority(owner) < priority(mine))
        ):
            merged[field] = value
            if owner is not None:
                owners[field] = owner
    for source, lineup in other.get("lineups", {}).items():
        merged["lineups"][source] = list(
            dict.fromkeys([*merged["lineups"].get(source, []), *lineup])
        )
    sources = {*data.get("sources", []), *other.get("sources", [])}
    merged["sources"] = sorted(sources, key=lambda s: (priority(s), s))
    merged["hidden"] = bool(data.get("hidden")) and bool(other.get("hidden"))
    return merged
