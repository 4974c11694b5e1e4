"""Turn graph nodes into what the dashboard's templates show.

Templates stay free of logic and of custom tags: each page gets plain rows with the
values already chosen and formatted, and the links already reversed. Everything here is
pure (no queries): the queries live in ``web.dashboard.queries``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from graph.labels import Label
from graph.models import Node
from graph.schemas import SourceStats

# The dashboard page of each label that has one.
PAGE_OF_LABEL = {
    Label.VENUE: "dashboard:venue",
    Label.ARTIST: "dashboard:artist",
    Label.EVENT: "dashboard:event",
    Label.RAW_DATA: "dashboard:raw",
    Label.INGEST_RUN: "dashboard:run",
    Label.CARPENTER_RUN: "dashboard:run",
}
KIND_OF_RUN = {Label.INGEST_RUN: "ingest", Label.CARPENTER_RUN: "carpenter"}
LABEL_PLURALS = {
    Label.VENUE: "venues",
    Label.ARTIST: "artists",
    Label.EVENT: "events",
    Label.RAW_DATA: "raw data items",
    Label.INGEST_RUN: "ingest runs",
    Label.INGEST_RECORD: "ingest records",
    Label.CARPENTER_RUN: "carpenter runs",
    Label.CARPENTER_RECORD: "carpenter records",
}
CHANGE_TYPES = ("error", "update", "create", "skip", "noop")
CHANGE_NAMES = {
    "create": "created",
    "update": "updated",
    "noop": "unchanged",
    "skip": "skipped",
    "error": "errors",
}


def node_url(node: Node | None) -> str | None:
    """Return the dashboard page of ``node``, or None for labels without one."""
    if node is None or node.label not in PAGE_OF_LABEL:
        return None
    return reverse(PAGE_OF_LABEL[node.label], args=[node.pk])


def parse_time(value: Any) -> dt.datetime | None:
    """Return an ISO timestamp from a node's data as an aware datetime (None if absent)."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def parse_day(value: Any) -> dt.date | None:
    """Return a YYYY-MM-DD day as a date (None if absent or malformed)."""
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def duration_text(seconds: float | None) -> str:
    """Return a duration a person reads at a glance: "0.4 s", "12 s", "3 min 05 s"."""
    if seconds is None:
        return ""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def value_text(value: Any) -> str:
    """Return a JSON value as text to show: strings as they are, the rest as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def pretty_json(value: Any) -> str:
    """Return ``value`` as indented JSON for an escaped <pre> block."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


class SourceOutcome(SourceStats):
    """What one run did for one source: a row of the run's ``per_source``, named."""

    name: str

    @property
    def duration(self) -> str:
        return duration_text(self.seconds)


@dataclass
class RunRow:
    """A run as the dashboard lists it."""

    node: Node
    kind: str
    sources: list[str]
    status: str
    started: dt.datetime | None
    finished: dt.datetime | None
    counts: dict[str, int]
    error: str | None
    options: dict[str, Any]
    per_source: list[SourceOutcome]
    kinds: dict[str, dict[str, int]]
    url: str

    @property
    def id(self) -> str:
        return self.node.pk

    @property
    def short_id(self) -> str:
        return self.node.pk[:8]

    @property
    def seconds(self) -> float | None:
        if self.started and self.finished:
            return (self.finished - self.started).total_seconds()
        return None

    @property
    def duration(self) -> str:
        if self.finished is None:
            return "still running" if self.status == "running" else "never finished"
        return duration_text(self.seconds)

    @property
    def count_items(self) -> list[tuple[str, str, int]]:
        """Return (change type, its plural name, count) for each change type, in a fixed order."""
        items = [(c, CHANGE_NAMES[c], self.counts.get(c, 0)) for c in CHANGE_TYPES]
        return [(c, "error" if n == 1 and c == "error" else name, n) for c, name, n in items]

    @property
    def changes(self) -> int:
        """Creates, updates and errors: what the chart draws."""
        return sum(self.counts.get(c, 0) for c in ("create", "update", "error"))

    @property
    def trigger(self) -> str:
        return str(self.options.get("trigger", "command"))

    def outcome(self, source: str) -> SourceOutcome | None:
        """Return what the run did for ``source``, if it handled it."""
        return next((o for o in self.per_source if o.name == source), None)


def run_row(node: Node) -> RunRow:
    """Return ``node`` (an ingest or carpenter run) as a row."""
    data = node.data or {}
    per_source = [
        SourceOutcome(name=name, **stats)
        for name, stats in sorted((data.get("per_source") or {}).items())
    ]
    return RunRow(
        node=node,
        kind=KIND_OF_RUN.get(node.label, node.label),
        sources=list(data.get("sources") or []),
        status=str(data.get("status", "running")),
        started=parse_time(data.get("started_at")),
        finished=parse_time(data.get("finished_at")),
        counts={k: int(v) for k, v in (data.get("counts") or {}).items()},
        error=data.get("error"),
        options=dict(data.get("options") or {}),
        per_source=per_source,
        kinds=dict(data.get("kinds") or {}),
        url=reverse("dashboard:run", args=[node.pk]),
    )


@dataclass
class DiffLine:
    """One changed field of an update: its path, old and new values as text."""

    path: str
    old: str
    new: str
    old_missing: bool
    new_missing: bool


@dataclass
class RecordRow:
    """One record of a run, with links to what it is about."""

    node: Node
    change_type: str
    source: str
    summary: str
    reason: str | None
    at: dt.datetime | None
    kind: str | None
    external_id: str | None
    diff: list[DiffLine]
    item: str | None
    target: Node | None = None
    target_url: str | None = None
    raw_id: str | None = None
    raw_url: str | None = None


def record_row(node: Node, target: Node | None, raw_exists: bool) -> RecordRow:
    """Return a record as a row; ``target`` is the node it changed (None if deleted since)."""
    data = node.data or {}
    diff = [
        DiffLine(
            path=path,
            old=value_text(change.get("old")) if change.get("old") is not None else "",
            new=value_text(change.get("new")) if change.get("new") is not None else "",
            old_missing=change.get("old") is None,
            new_missing=change.get("new") is None,
        )
        for path, change in sorted((data.get("diff") or {}).items())
    ]
    raw_id = data.get("raw_data_id")
    if target is not None and target.label == Label.RAW_DATA:
        raw_id = raw_id or target.pk
    return RecordRow(
        node=node,
        change_type=str(data.get("change_type", "")),
        source=str(data.get("source", "")),
        summary=str(data.get("summary", "")),
        reason=data.get("reason"),
        at=parse_time(data.get("at")),
        kind=data.get("kind"),
        external_id=data.get("external_id"),
        diff=diff,
        item=pretty_json(data["item"]) if data.get("item") is not None else None,
        target=target,
        target_url=node_url(target),
        raw_id=raw_id,
        raw_url=reverse("dashboard:raw", args=[raw_id]) if raw_id and raw_exists else None,
    )


@dataclass
class Link:
    """A name and where it leads."""

    name: str
    url: str | None
    hidden: bool = False


@dataclass
class EventRow:
    """An event as listings show it: when, what, where, who."""

    node: Node
    title: str
    day: dt.date | None
    start_time: str | None
    venue: Link | None
    artists: list[Link]
    sources: list[str]
    hidden: bool
    url: str
    ticket_url: str | None

    @property
    def id(self) -> str:
        return self.node.pk


def event_row(node: Node, venue: Node | None, artists: list[Node]) -> EventRow:
    """Return an event with its venue and artists as a row."""
    data = node.data or {}
    return EventRow(
        node=node,
        title=str(data.get("title", "")),
        day=parse_day(data.get("day")),
        start_time=data.get("start_time"),
        venue=venue_link(venue),
        artists=[Link(a.display_name, node_url(a)) for a in billed(data, artists)],
        sources=list(data.get("sources") or []),
        hidden=bool(data.get("hidden")),
        url=reverse("dashboard:event", args=[node.pk]),
        ticket_url=safe_link(data.get("url")),
    )


def billed(data: dict[str, Any], artists: list[Node]) -> list[Node]:
    """Return an event's artists in billing order: as its first-ranked source lists them."""
    order: dict[str, int] = {}
    reports = (data.get("reports") or {}).values()
    for source in data.get("sources") or []:  # highest-ranked first
        for report in reports:
            if report.get("source") == source:
                for slug in report.get("lineup") or []:
                    order.setdefault(slug, len(order))
    return sorted(
        artists, key=lambda a: (order.get(a.data.get("slug"), len(order)), a.display_name)
    )


def venue_link(venue: Node | None) -> Link | None:
    """Return a link to a venue's page, marked when the venue is hidden."""
    if venue is None:
        return None
    return Link(venue.display_name, node_url(venue), bool((venue.data or {}).get("hidden")))


def safe_link(url: Any) -> str | None:
    """Return a scraped URL only if it is http(s): never a javascript: or data: link."""
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return url
    return None


@dataclass
class DayGroup:
    """The events of one day, in start-time order."""

    day: dt.date | None
    events: list[EventRow] = field(default_factory=list)


def by_day(rows: list[EventRow]) -> list[DayGroup]:
    """Group event rows (already in day order) by day."""
    groups: list[DayGroup] = []
    for row in rows:
        if not groups or groups[-1].day != row.day:
            groups.append(DayGroup(row.day))
        groups[-1].events.append(row)
    return groups
