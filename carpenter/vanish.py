"""Which reports back an event, and when an event is cancelled.

A report is live while its raw item is listed (not taken for gone by a complete fetch,
``ingest.vanish``) and its source does not call the show cancelled or postponed. The
event's fields come from its live reports; an event no live report backs is
``cancelled`` (kept, with its provenance, and shown as cancelled in the listings,
JSON-LD and calendars), not deleted. A report whose item comes back is live again,
and the event scheduled again.
"""

from __future__ import annotations

from typing import Any

from graph.models import Node

SCHEDULED, CANCELLED = "scheduled", "cancelled"


def is_gone(raw: Node) -> bool:
    """Whether a raw item was taken for gone (its report then backs nothing)."""
    return bool(raw.data.get("gone_at"))


def live(report: dict[str, Any]) -> bool:
    return not report.get("gone") and report.get("status", SCHEDULED) == SCHEDULED


def backing(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the reports an event's fields come from: the live ones, else all of them
    (a cancelled event keeps what it said)."""
    return [r for r in reports if live(r)] or reports


def status(reports: list[dict[str, Any]]) -> str:
    """Return an event's status: cancelled when no live report backs it."""
    return SCHEDULED if any(live(r) for r in reports) else CANCELLED
