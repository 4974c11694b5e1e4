"""An event's data: what each raw item reports, and what the event says as a result.

Every raw item that describes the show keeps its own report on the event (source,
lineup, title, links...). The event's own fields are derived from the reports by
``resolve``: for each field, the report of the highest-ranked source that gives a
value wins. Adding, changing or taking away a report is therefore always one
recomputation, whatever order the items come in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings

from carpenter import overrides, vanish
from graph.schemas import (
    EMPTY_VALUES,
    KEY_SEPARATOR,
    REPORT_COPIES,
    compact_event,
    compact_report,
    expand_event,
)
from ingest.items import Show

# Fields the reports give and the event takes from the highest-ranked one (title, end
# time, description, links, prices, age limit, genres). The key fields (venue, day,
# start time) decide which event a report belongs to.
MERGED_FIELDS = REPORT_COPIES
_EMPTY = EMPTY_VALUES
# Derived bookkeeping, left out of an event's diff in favour of what it means.
BOOKKEEPING = ("reports", "field_sources")


def rank(source: str) -> int:
    """Return a source's priority (lower wins): its place in ``SOURCE_PRIORITY``."""
    order = settings.SOURCE_PRIORITY
    return order.index(source) if source in order else len(order)


def event_key(venue_id: str, day: str, start_time: str | None) -> str:
    """Return the natural key the database derives for an event (graph.schemas)."""
    return KEY_SEPARATOR.join((venue_id, day, start_time or ""))


def report(source: str, show: Show, lineup: list[str], *, gone: bool = False) -> dict[str, Any]:
    """Return what one raw item of ``source`` says about its show (``gone``: its item
    went missing from a complete fetch, carpenter.vanish).

    As it is stored (graph.schemas.compact_report): without the fields left at their
    defaults, so a report made again from an unchanged item equals the stored one.
    """
    return compact_report(
        {
            "source": source,
            "lineup": lineup,
            "status": show.status,
            "gone": gone,
            **{field: _stored(getattr(show, field)) for field in MERGED_FIELDS},
        }
    )


def as_stored(data: dict[str, Any]) -> dict[str, Any]:
    """Return an event's data as it is stored now (compact_event, compact_report), its
    reports whole (expand_event): an event stored before events were compacted compares
    equal to itself made again."""
    stored = compact_event(data)
    reports = stored.get("reports")
    if reports:
        stored["reports"] = {raw: compact_report(r) for raw, r in reports.items()}
    return expand_event(stored)


def _stored(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def new_event(venue_id: str, show: Show) -> dict[str, Any]:
    """Return the data of an event at a show's slot, before any report is added."""
    return {
        "venue_id": venue_id,
        "day": show.day,
        "start_time": show.start_time,
        "title": show.title,
        "reports": {},
    }


def resolve(data: dict[str, Any], priority: Callable[[str], int] = rank) -> dict[str, Any]:
    """Return ``data`` with its fields, sources and their owners derived from its reports."""
    reports = vanish.backing(_ranked(data, priority))
    resolved = {**data, "field_sources": {}, "status": vanish.status(reports)}
    for field in MERGED_FIELDS:
        for report_ in reports:
            if report_.get(field) not in _EMPTY:
                resolved[field] = report_[field]
                resolved["field_sources"][field] = report_["source"]
                break
        else:
            if field != "title":  # an event keeps a title while it has none to take
                resolved.pop(field, None)  # as stored: a field no report gives is left out
    resolved["sources"] = list(dict.fromkeys(r["source"] for r in _ranked(data, priority)))
    # Operators' corrections stand over the reports, whatever a run derived.
    return overrides.apply(resolved)


def billing(data: dict[str, Any], priority: Callable[[str], int] = rank) -> list[str]:
    """Return the event's artist slugs in billing order, highest-ranked report first.

    An operator's lineup (carpenter.overrides), when there is one, is the lineup.
    """
    corrected = overrides.lineup(data)
    if corrected is not None:
        return corrected
    reports = vanish.backing(_ranked(data, priority))
    return list(dict.fromkeys(slug for r in reports for slug in r["lineup"]))


def combine(data: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` with the reports of ``other``, another event of the same show."""
    merged = {**data, "reports": {**other.get("reports", {}), **data.get("reports", {})}}
    merged["hidden"] = bool(data.get("hidden")) and bool(other.get("hidden"))
    return resolve(merged)


def meaning(data: dict[str, Any]) -> dict[str, Any]:
    """Return what an event says, for diffs: its fields and its artists, no bookkeeping."""
    # A field no report gives is left out of the stored data: it says null (or no genres).
    shown = {f: [] if f == "genres" else None for f in MERGED_FIELDS if f != "title"}
    shown.update((k, v) for k, v in data.items() if k not in BOOKKEEPING)
    shown["artists"] = billing(data) if data.get("reports") else []
    return shown


def describe(venue_name: str, data: dict[str, Any]) -> str:
    """Return a record's summary of an event: "Blue Moon Tavern: Foo (2026-12-12 21:00)"."""
    when = f"{data['day']} {data.get('start_time') or 'all day'}"
    return f"{venue_name}: {data['title']} ({when})"


def _ranked(data: dict[str, Any], priority: Callable[[str], int]) -> list[dict[str, Any]]:
    reports = list(data.get("reports", {}).values())
    if len(reports) > 1:
        # Ties between reports of one source go by what they say, not by their raw
        # items' ids (random UUIDs): the same items make the same event in any database.
        reports.sort(key=lambda r: (priority(r["source"]), _said(r)))
    return reports


def _said(report_: dict[str, Any]) -> str:
    return json.dumps(report_, sort_keys=True, default=str)
