"""The data each dashboard page needs, each in a fixed number of queries.

No function here runs a query per row: neighbours of a whole page are fetched at once
(``Edge.objects.neighbour_map``), lists are paginated or capped, and days compare as ISO
text (no date functions, which the libSQL engine cannot run).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from carpenter.models import SchedulerBeat
from carpenter.scheduler import JobState, job_states, live_schedulers
from graph.expressions import JSONText
from graph.labels import Label, Relation
from graph.models import Edge, Node
from ingest.sources import SOURCES
from web.dashboard.present import (
    CHANGE_TYPES,
    LABEL_PLURALS,
    EventRow,
    RecordRow,
    RunRow,
    SourceOutcome,
    by_day,
    event_row,
    parse_time,
    record_row,
    run_row,
)

RUN_LABELS = (Label.INGEST_RUN, Label.CARPENTER_RUN)
RUN_LABEL_OF_KIND = {"ingest": Label.INGEST_RUN, "carpenter": Label.CARPENTER_RUN}
RUN_STATUSES = ("running", "succeeded", "partial", "failed")
# How far back the home page and /healthz look for each source's last run: the most
# recent runs, whatever their source. Bounded so the page costs the same on a database
# with years of runs.
RUN_WINDOW = 500
CHART_RUNS = 30
RUNS_PER_PAGE = 50
EVENTS_PER_PAGE = 100
RECORDS_PER_PAGE = 100
# Records shown per change type on a run's page before "all N ..." links to the rest.
RECORDS_PREVIEW = 25
# Neighbours and provenance shown on a node's page; longer lists link onwards.
NEIGHBOURS_SHOWN = 100
PROVENANCE_SHOWN = 20
_SOURCE_NAME = re.compile(r"^[a-z0-9_]+$")


def known_sources() -> list[str]:
    """Return the names of the configured sources."""
    return sorted(SOURCES)


def today() -> str:
    """Return today's local day as YYYY-MM-DD, the form event days are stored in."""
    return timezone.localdate().isoformat()


# -- home ---------------------------------------------------------------------------


@dataclass
class SourceHealth:
    """One source on the home page: its last runs of each kind and its last error."""

    name: str
    ingest: RunRow | None = None
    carpenter: RunRow | None = None
    last_error: str | None = None
    last_error_run: RunRow | None = None
    job: JobState | None = None

    @property
    def lanes(self) -> list[tuple[str, RunRow | None, SourceOutcome | None]]:
        """Return (kind, last run, what it did for this source) for ingest and carpenter."""
        return [
            (kind, run, run.outcome(self.name) if run else None)
            for kind, run in (("ingest", self.ingest), ("carpenter", self.carpenter))
        ]


@dataclass
class HomeData:
    """Everything the home page shows."""

    label_counts: list[tuple[str, str, int]]
    sources: list[SourceHealth]
    chart_runs: list[RunRow]
    recent_runs: list[RunRow]
    upcoming_week: int
    running: list[RunRow] = field(default_factory=list)
    housekeeping: list[JobState] = field(default_factory=list)
    schedulers: list[SchedulerBeat] = field(default_factory=list)


def recent_runs(limit: int = RUN_WINDOW) -> list[RunRow]:
    """Return the most recent runs of both kinds, newest first (one query)."""
    nodes = Node.objects.filter(label__in=RUN_LABELS).order_by("-created_at", "-id")[:limit]
    return [run_row(node) for node in nodes]


def source_health(runs: list[RunRow], names: list[str]) -> list[SourceHealth]:
    """Return each source's last ingest and carpenter run and last error, from ``runs``."""
    seen = dict.fromkeys(names)
    for run in runs:
        seen.update(dict.fromkeys(run.sources))
    health = {name: SourceHealth(name) for name in sorted(seen)}
    for run in runs:  # newest first: the first match is the latest
        for name in run.sources:
            entry = health[name]
            if run.kind == "ingest" and entry.ingest is None:
                entry.ingest = run
            elif run.kind == "carpenter" and entry.carpenter is None:
                entry.carpenter = run
            outcome = run.outcome(name)
            error = (outcome.error if outcome and outcome.status == "failed" else None) or (
                run.error if run.status == "failed" else None
            )
            if error and entry.last_error is None:
                entry.last_error, entry.last_error_run = error, run
    return list(health.values())


def home() -> HomeData:
    """Return the home page's data: four queries whatever the size of the graph."""
    counts = dict(
        # COUNT(*), not COUNT(id): the label index answers it without reading a row.
        Node.objects.order_by().values("label").annotate(n=Count("*")).values_list("label", "n")
    )
    runs = recent_runs()
    start = today()
    week_end = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    upcoming = (
        Node.objects.labelled(Label.EVENT)
        .where(day__gte=start, day__lt=week_end, hidden=False)
        .count()
    )
    jobs = {state.name: state for state in job_states()}
    sources = source_health(runs, known_sources())
    for health in sources:
        health.job = jobs.get(health.name)
    return HomeData(
        label_counts=[
            (label, LABEL_PLURALS[label], counts.get(label, 0)) for label in Label.values
        ],
        sources=sources,
        chart_runs=list(reversed(runs[:CHART_RUNS])),
        recent_runs=runs[:10],
        upcoming_week=upcoming,
        running=running_runs(),
        housekeeping=[state for state in jobs.values() if not state.schedule.is_source],
        schedulers=live_schedulers(),
    )


def running_runs(limit: int = 20) -> list[RunRow]:
    """Return the runs in progress, newest first (one query)."""
    nodes = Node.objects.filter(label__in=RUN_LABELS).where(status="running")
    return [run_row(node) for node in nodes.order_by("-created_at", "-id")[:limit]]


def run_progress(run_id: str) -> dict[str, Any]:
    """Return where a run stands, as its node says (one query): for the live endpoint."""
    return progress_of(run_row(get_node(RUN_LABELS, run_id)))


def progress_of(run: RunRow) -> dict[str, Any]:
    """Return a run's progress as plain JSON-ready values."""
    return {
        "id": run.id,
        "url": run.url,
        "kind": run.kind,
        "status": run.status,
        "running": run.status == "running",
        "sources": ", ".join(run.sources),
        "started": run.started.isoformat() if run.started else None,
        "finished": run.finished.isoformat() if run.finished else None,
        "duration": run.duration,
        "counts": {change: run.counts.get(change, 0) for change in CHANGE_TYPES},
        "per_source": {
            o.name: {
                "status": o.status,
                "total": "" if o.total is None else o.total,
                "done": o.created + o.updated + o.unchanged + o.skipped + o.errors,
                "batches": o.batches,
                "created": o.created,
                "updated": o.updated,
                "unchanged": o.unchanged,
                "skipped": o.skipped,
                "errors": o.errors,
                "duration": o.duration,
            }
            for o in run.per_source
        },
    }


def last_successes(runs: list[RunRow], names: list[str]) -> dict[str, dict[str, str | None]]:
    """Return, per source, when its last successful ingest and carpenter run finished."""
    result: dict[str, dict[str, str | None]] = {
        name: {"ingest": None, "carpenter": None} for name in names
    }
    for run in runs:
        for outcome in run.per_source:
            entry = result.setdefault(outcome.name, {"ingest": None, "carpenter": None})
            if outcome.status == "succeeded" and run.finished and entry.get(run.kind) is None:
                entry[run.kind] = run.finished.isoformat()
    return dict(sorted(result.items()))


# -- runs ---------------------------------------------------------------------------


@dataclass
class RunFilters:
    """The runs list's filters, checked: unknown values are dropped, not trusted."""

    kind: str = ""
    source: str = ""
    status: str = ""

    @classmethod
    def from_query(cls, query: Any) -> RunFilters:
        kind = query.get("kind", "")
        source = query.get("source", "")
        status = query.get("status", "")
        return cls(
            kind=kind if kind in RUN_LABEL_OF_KIND else "",
            source=source if _SOURCE_NAME.match(source) else "",
            status=status if status in RUN_STATUSES else "",
        )


def runs_page(filters: RunFilters, page_number: Any) -> tuple[Page, list[RunRow]]:
    """Return one page of runs, newest first (a count and a slice: two queries)."""
    runs = Node.objects.filter(label__in=RUN_LABELS)
    if filters.kind:
        runs = runs.filter(label=RUN_LABEL_OF_KIND[filters.kind])
    if filters.status:
        runs = runs.where(status=filters.status)
    if filters.source:
        # sources is a JSON list; its text holds each name in quotes on every engine,
        # and source names are plain identifiers, so a containment test is exact.
        runs = runs.annotate(sources_text=JSONText("data", "sources")).filter(
            sources_text__contains=f'"{filters.source}"'
        )
    page = Paginator(runs.order_by("-created_at", "-id"), RUNS_PER_PAGE).get_page(page_number)
    return page, [run_row(node) for node in page.object_list]


@dataclass
class RecordGroup:
    """The records of one change type in a run: how many, and the ones shown."""

    change_type: str
    total: int
    records: list[RecordRow]

    @property
    def more(self) -> int:
        return self.total - len(self.records)


@dataclass
class RunPage:
    """A run's page: its summary and its records grouped by change type."""

    run: RunRow
    groups: list[RecordGroup]
    type_counts: list[tuple[str, int]]
    selected: str = ""
    page: Page | None = None


def get_node(label: str | tuple[str, ...], node_id: str) -> Node:
    """Return the node with this id and label(s), or raise Http404."""
    labels = (label,) if isinstance(label, str) else label
    node = Node.objects.filter(pk=node_id, label__in=labels).first()
    if node is None:
        raise Http404("No such node.")
    return node


def run_page(run_id: str, change_type: str, page_number: Any) -> RunPage:
    """Return a run and its records: every change type previewed, or one type paginated.

    Queries: the run, the count per change type, one slice per change type shown (at
    most five), the changed nodes, the raw data that still exist.
    """
    run = get_node(RUN_LABELS, run_id)
    records = Node.objects.neighbours(run, Relation.HAS_RECORD).annotate(
        change=JSONText("data", "change_type"), record_at=JSONText("data", "at")
    )
    by_type = Counter(
        dict(records.order_by().values("change").annotate(n=Count("id")).values_list("change", "n"))
    )
    type_counts = [(c, by_type[c]) for c in CHANGE_TYPES if by_type[c]]
    ordered = records.order_by("record_at", "id")
    page = None
    if change_type in by_type:
        page = Paginator(ordered.filter(change=change_type), RECORDS_PER_PAGE).get_page(page_number)
        slices = {change_type: list(page.object_list)}
    else:
        change_type = ""
        slices = {c: list(ordered.filter(change=c)[:RECORDS_PREVIEW]) for c, _ in type_counts}
    shown = [record for nodes in slices.values() for record in nodes]
    rows = _record_rows(shown)
    groups = [
        RecordGroup(c, by_type[c], [rows[n.pk] for n in nodes]) for c, nodes in slices.items()
    ]
    return RunPage(run_row(run), groups, type_counts, change_type, page)


def _record_rows(records: list[Node]) -> dict[str, RecordRow]:
    """Return rows for records, with what each changed: two queries for any number."""
    if not records:
        return {}
    targets = Edge.objects.neighbour_map(records, Relation.CHANGED)
    raw_ids = {r.data.get("raw_data_id") for r in records} - {None}
    existing = set(Node.objects.filter(pk__in=raw_ids).values_list("pk", flat=True))
    existing.update(t.pk for nodes in targets.values() for t in nodes)
    rows = {}
    for record in records:
        target = (targets.get(record.pk) or [None])[0]
        raw_id = record.data.get("raw_data_id") or (target.pk if target is not None else None)
        rows[record.pk] = record_row(record, target, raw_id in existing)
    return rows


# -- events -------------------------------------------------------------------------


@dataclass
class EventFilters:
    """The events list's filters: a search text, a venue, whether to show hidden ones."""

    q: str = ""
    venue: str = ""
    show_hidden: bool = False
    past: bool = False

    @classmethod
    def from_query(cls, query: Any) -> EventFilters:
        return cls(
            q=query.get("q", "").strip()[:100],
            venue=query.get("venue", "").strip()[:36],
            show_hidden=query.get("hidden") == "1",
        )


@dataclass
class EventsPage:
    """One page of events, grouped by day, and the venues to filter by."""

    page: Page
    days: list
    venues: list[Node]
    filters: EventFilters
    venue: Node | None = None


def _venues() -> dict[str, Node]:
    """Return every venue by id, in name order (one query)."""
    venues = Node.objects.labelled(Label.VENUE).annotate(name=JSONText("data", "name"))
    return {v.pk: v for v in venues.order_by("name", "id")}


def event_rows(events: list[Node], venues: dict[str, Node] | None = None) -> list[EventRow]:
    """Return events as rows with venue and artists (at most two queries, any page size)."""
    if not events:
        return []
    if venues is None:
        wanted = {e.data.get("venue_id") for e in events}
        venues = {v.pk: v for v in Node.objects.filter(pk__in=wanted, label=Label.VENUE)}
    artists = Edge.objects.neighbour_map(events, Relation.PERFORMS_AT, "in")
    return [event_row(e, venues.get(e.data.get("venue_id")), artists.get(e.pk, [])) for e in events]


def ordered_events(events):
    """Order events by day, then start time (unknown times first), then id."""
    return events.annotate(
        day_text=JSONText("data", "day"), time_text=JSONText("data", "start_time")
    ).order_by("day_text", F("time_text").asc(nulls_first=True), "id")


def events_page(filters: EventFilters, page_number: Any) -> EventsPage:
    """Return upcoming events, searched and filtered, one page at a time (four queries)."""
    venues = _venues()
    events = Node.objects.labelled(Label.EVENT).where(day__gte=today())
    if not filters.show_hidden:
        hidden_venues = [pk for pk, v in venues.items() if v.data.get("hidden")]
        events = events.where(hidden=False)
        if hidden_venues:
            events = events.exclude(data__venue_id__in=hidden_venues)
    venue = venues.get(filters.venue)
    if venue is not None:
        events = events.where(venue_id=venue.pk)
    if filters.q:
        performer = Edge.objects.filter(
            target_id=OuterRef("pk"),
            relation=Relation.PERFORMS_AT,
            source__data__name__icontains=filters.q,
        )
        events = events.filter(Q(data__title__icontains=filters.q) | Q(Exists(performer)))
    page = Paginator(ordered_events(events), EVENTS_PER_PAGE).get_page(page_number)
    rows = event_rows(list(page.object_list), venues)
    return EventsPage(page, by_day(rows), list(venues.values()), filters, venue)


# -- node pages ---------------------------------------------------------------------


@dataclass
class Provenance:
    """Where a node's data came from: the records that changed it, with their runs."""

    records: list[RecordRow] = field(default_factory=list)
    runs: dict[str, RunRow] = field(default_factory=dict)

    def rows(self) -> list[tuple[RecordRow, RunRow | None]]:
        return [(r, self.runs.get(r.node.pk)) for r in self.records]


def provenance(node: Node) -> Provenance:
    """Return the latest records that changed ``node`` and their runs (four queries)."""
    records = list(
        Node.objects.neighbours(node, Relation.CHANGED, "in").order_by("-created_at", "-id")[
            :PROVENANCE_SHOWN
        ]
    )
    runs = Edge.objects.neighbour_map(records, Relation.HAS_RECORD, "in")
    rows = _record_rows(records)
    return Provenance(
        records=[rows[r.pk] for r in records],
        runs={pk: run_row(found[0]) for pk, found in runs.items()},
    )


@dataclass
class VenuePage:
    venue: Node
    page: Page
    days: list
    provenance: Provenance


def venue_page(venue_id: str, page_number: Any) -> VenuePage:
    """Return a venue, its upcoming events by day, and its provenance."""
    venue = get_node(Label.VENUE, venue_id)
    events = Node.objects.labelled(Label.EVENT).where(venue_id=venue.pk, day__gte=today())
    page = Paginator(ordered_events(events), EVENTS_PER_PAGE).get_page(page_number)
    rows = event_rows(list(page.object_list), {venue.pk: venue})
    return VenuePage(venue, page, by_day(rows), provenance(venue))


@dataclass
class ArtistPage:
    artist: Node
    upcoming: list[EventRow]
    past: list[EventRow]
    more: bool
    provenance: Provenance


def artist_page(artist_id: str) -> ArtistPage:
    """Return an artist, their latest and next events, and their provenance."""
    artist = get_node(Label.ARTIST, artist_id)
    events = ordered_events(Node.objects.neighbours(artist, Relation.PERFORMS_AT))
    start = today()
    upcoming = list(events.filter(day_text__gte=start)[: NEIGHBOURS_SHOWN + 1])
    past = list(events.filter(day_text__lt=start).reverse()[:NEIGHBOURS_SHOWN])
    more = len(upcoming) > NEIGHBOURS_SHOWN
    rows = event_rows(upcoming[:NEIGHBOURS_SHOWN] + past)
    return ArtistPage(
        artist,
        rows[: min(len(upcoming), NEIGHBOURS_SHOWN)],
        rows[min(len(upcoming), NEIGHBOURS_SHOWN) :],
        more,
        provenance(artist),
    )


@dataclass
class EventPage:
    event: EventRow
    raw_data: list[tuple[Node, dt.datetime | None]]
    provenance: Provenance


def event_page(event_id: str) -> EventPage:
    """Return an event with its venue, artists, raw data and provenance."""
    event = get_node(Label.EVENT, event_id)
    row = event_rows([event])[0]
    raw_data = list(
        Node.objects.neighbours(event, Relation.DERIVED_FROM).order_by("-updated_at", "id")[
            :NEIGHBOURS_SHOWN
        ]
    )
    seen = [(raw, parse_time(raw.data.get("last_seen"))) for raw in raw_data]
    return EventPage(row, seen, provenance(event))


@dataclass
class RawPage:
    raw: Node
    events: list[EventRow]
    provenance: Provenance
    first_seen: dt.datetime | None
    last_seen: dt.datetime | None


def raw_page(raw_id: str) -> RawPage:
    """Return a raw item, the events made from it and the records about it."""
    raw = get_node(Label.RAW_DATA, raw_id)
    events = list(
        ordered_events(Node.objects.neighbours(raw, Relation.DERIVED_FROM, "in"))[:NEIGHBOURS_SHOWN]
    )
    return RawPage(
        raw,
        event_rows(events),
        provenance(raw),
        parse_time(raw.data.get("first_seen")),
        parse_time(raw.data.get("last_seen")),
    )


# -- venues and artists ---------------------------------------------------------------

VENUES_PER_PAGE = ARTISTS_PER_PAGE = 100


@dataclass
class Listed:
    """A venue or an artist in its list, with how many shows it has."""

    node: Node
    shows: int = 0
    upcoming: int = 0


@dataclass
class ListPage:
    """One page of venues or artists, searched by name."""

    page: Page
    rows: list[Listed]
    q: str
    total: int


def venues_page(q: str, page_number: Any) -> ListPage:
    """Return venues by name, searched, with their shows and upcoming shows (three queries)."""
    return _listed(Label.VENUE, Relation.HOSTS, q, page_number, VENUES_PER_PAGE)


def artists_page(q: str, page_number: Any) -> ListPage:
    """Return artists by name, searched, with their shows and upcoming shows (three queries)."""
    return _listed(Label.ARTIST, Relation.PERFORMS_AT, q, page_number, ARTISTS_PER_PAGE)


def _listed(label: str, relation: str, q: str, page_number: Any, per_page: int) -> ListPage:
    q = q.strip()[:100]
    nodes = Node.objects.labelled(label).annotate(name=JSONText("data", "name"))
    if q:
        nodes = nodes.filter(Q(data__name__icontains=q) | Q(data__aliases__icontains=q))
    page = Paginator(nodes.order_by("name", "id"), per_page).get_page(page_number)
    found = list(page.object_list)
    counts = (
        Edge.objects.filter(relation=relation, source_id__in=[n.pk for n in found])
        .order_by()
        .values("source_id")
        .annotate(
            shows=Count("id"),
            upcoming=Count("id", filter=Q(target__data__day__gte=today())),
        )
    )
    by_node = {row["source_id"]: row for row in counts}
    rows = [
        Listed(n, by_node.get(n.pk, {}).get("shows", 0), by_node.get(n.pk, {}).get("upcoming", 0))
        for n in found
    ]
    return ListPage(page, rows, q, page.paginator.count)
