"""What each label's ``data`` may hold: one pydantic schema per label.

Every write through the graph API validates here, so a node never holds data its label
does not allow. The natural key of a label (the fields that identify one thing in the
world) is declared once, beside its schema; the database derives and enforces the same
key (see ``graph.models.Node.key``).
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import inspect
import itertools
import re
import textwrap
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
    model_validator,
)

from graph import bounds
from graph.labels import Label

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# Lowercase letters (of any script: a name with no Latin letters keeps its own) and
# digits, in words joined by single dashes.
_SLUG = re.compile(r"^[^\W_]+(?:-[^\W_]+)*$")


def _check_day(value: str) -> str:
    if not _DAY.match(value):
        raise ValueError("must be a day as YYYY-MM-DD")
    dt.date.fromisoformat(value)  # rejects 2026-02-30
    return value


def _check_time(value: str) -> str:
    if not _TIME.match(value):
        raise ValueError("must be a time as HH:MM (24-hour)")
    return value


def _check_slug(value: str) -> str:
    if not _SLUG.match(value) or value != value.lower():
        raise ValueError("must be a slug: lowercase letters, digits and single dashes")
    return value


# Days and times stay ISO text so that every engine, the libSQL one included, compares
# and sorts them as plain strings, without date functions.
Day = Annotated[str, AfterValidator(_check_day)]
Time = Annotated[str, AfterValidator(_check_time)]
Slug = Annotated[str, AfterValidator(_check_slug)]
Timestamp = dt.datetime

LAST_SEEN_RESOLUTION = dt.timedelta(days=1)
"""How far behind a raw item's ``last_seen`` may be. An unchanged item is written again
only when its ``last_seen`` is this old, so hourly runs of an unchanged feed rewrite
nothing; retention (``graph.prune``) allows for it."""
NonEmpty = Annotated[str, Field(min_length=1)]
ChangeType = Literal["create", "update", "noop", "skip", "error"]
EventStatus = Literal["scheduled", "cancelled"]
ShowStatus = Literal["scheduled", "cancelled", "postponed"]
AgeLimit = Annotated[str, Field(min_length=1, max_length=bounds.MAX_AGE_LIMIT)]
Genre = Annotated[str, Field(min_length=1, max_length=bounds.MAX_GENRE)]
Price = Annotated[float, Field(ge=0, le=100_000)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
RunStatus = Literal["running", "succeeded", "partial", "failed"]
SourceStatus = Literal["running", "succeeded", "failed", "skipped"]


class NodeData(BaseModel):
    """Base of every label's schema: unknown fields are refused, not dropped."""

    model_config = ConfigDict(extra="forbid", validate_default=False)

    label: ClassVar[Label]
    natural_key: ClassVar[tuple[str, ...]] = ()


class FieldOverride(BaseModel):
    """An operator's correction of one field: kept in force over what sources say."""

    model_config = ConfigDict(extra="forbid")

    value: Any = None
    """The value in force."""
    by: NonEmpty
    """Who set it (the operator's user name)."""
    at: Timestamp
    """When."""
    was: Any = None
    """The value before it, as the sources gave it."""


class VenueData(NodeData):
    """A place that hosts shows."""

    label = Label.VENUE
    natural_key = ("slug",)

    name: NonEmpty
    """The venue's name as people know it."""
    slug: Slug
    """The venue's identity across sources: the slug of its normalised name."""
    aliases: list[str] = []
    """Other names sources use for it ("Showbox at the Market" for "The Showbox")."""
    address: str | None = None
    """Street address."""
    city: str | None = None
    """City name."""
    postal_code: str | None = None
    """Postal code."""
    latitude: float | None = Field(default=None, ge=-90, le=90)
    """Latitude in degrees, for matching venues by place."""
    longitude: float | None = Field(default=None, ge=-180, le=180)
    """Longitude in degrees."""
    url: str | None = None
    """The venue's own site."""
    neighbourhood: str | None = None
    """The part of the city it is in ("Capitol Hill", "Ballard"), for fans to filter by."""
    hidden: bool = False
    """True hides the venue and its shows from the public listing; nothing is deleted."""
    overrides: dict[str, FieldOverride] = {}
    """Operators' corrections by field (name, address, neighbourhood), applied over the
    sources' values (carpenter.overrides)."""


class ArtistData(NodeData):
    """A performer: a band, a solo act, a DJ."""

    label = Label.ARTIST
    natural_key = ("slug",)

    name: NonEmpty
    """The artist's name as first seen."""
    slug: Slug
    """The artist's identity across sources: the slug of the normalised name."""
    external_ids: dict[str, str] = {}
    """Ids of this artist at sources that have them, by source (ticketmaster: an id)."""
    aliases: list[str] | None = None
    """Slugs of names merged into this artist: titles that give them mean this artist
    (carpenter.aliases; null, not empty, when none, so the few with some are found)."""
    splits: dict[str, list[str]] | None = None
    """Joined names an operator split, by slug: the slugs of the artists they name."""


class EventReport(BaseModel):
    """What one raw item says about an event's show."""

    model_config = ConfigDict(extra="forbid")

    source: NonEmpty
    """The source of the raw item."""
    lineup: list[str] = []
    """Slugs of the artists it lists, in billing order."""
    title: NonEmpty
    """The title it gives."""
    end_time: Time | None = None
    """The end time it gives."""
    description: str | None = None
    """Its free text (untrusted: always shown as text)."""
    url: str | None = None
    """Its link to the show or its tickets."""
    image_url: str | None = None
    """Its poster or photo."""
    status: ShowStatus = "scheduled"
    """What the source says of the show: scheduled, cancelled or postponed."""
    ticket_url: str | None = None
    """Its link to buy tickets, when apart from ``url``."""
    price_low: Price | None = None
    """The cheapest ticket it states, in ``currency`` (0 for a free show)."""
    price_high: Price | None = None
    """The dearest ticket it states (equal to ``price_low`` for a single price)."""
    currency: Currency | None = None
    """ISO 4217 code of its prices."""
    age_limit: AgeLimit | None = None
    """Who may come, as it states it: "21+", "all ages"."""
    genres: list[Genre] = []
    """The styles it files the show under."""
    gone: bool = False
    """True when its raw item went missing from a complete fetch of its source: it no
    longer backs the event (carpenter.vanish)."""

    @model_serializer(mode="wrap")
    def _stored(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return compact_report(handler(self))


# A report is stored without the fields it leaves at their defaults: an event holds one
# per raw item, and its nulls were a fifth of the event's size. Readers take a missing
# field as its default (``.get``); source, title and lineup are always there.
_REPORT_DEFAULTS = {
    name: field.default
    for name, field in EventReport.model_fields.items()
    if not field.is_required() and name != "lineup"
}


def compact_report(report: dict[str, Any]) -> dict[str, Any]:
    """Return a report as it is stored: without the fields left at their defaults."""
    return {
        k: v for k, v in report.items() if k not in _REPORT_DEFAULTS or v != _REPORT_DEFAULTS[k]
    }


class EventData(NodeData):
    """One show: a venue, a day, a start time.

    Title, end time, description, links, sources and artists are derived from
    ``reports`` (carpenter.events.resolve): where reports disagree, the source ranked
    higher in SOURCE_PRIORITY wins.
    """

    label = Label.EVENT
    natural_key = ("venue_id", "day", "start_time")

    title: NonEmpty
    """The show's title, from the highest-ranked report that gives one."""
    venue_id: NonEmpty
    """Id of the venue node that hosts the show (also a ``hosts`` edge)."""
    day: Day
    """Local day of the show, YYYY-MM-DD."""
    start_time: Time | None = None
    """Local start time HH:MM; null for an all-day item or an unknown time."""
    end_time: Time | None = None
    """Local end time HH:MM, when a source states it."""
    description: str | None = None
    """Free text from the source (untrusted: always shown as text)."""
    url: str | None = None
    """Where to read about or buy tickets for the show."""
    image_url: str | None = None
    """A poster or photo."""
    status: EventStatus = "scheduled"
    """scheduled, or cancelled (a source says so, or no source reports the show any more)."""
    ticket_url: str | None = None
    """Where to buy tickets, when a source links it apart from ``url``."""
    price_low: Price | None = None
    """The cheapest ticket, in ``currency``, when a source states it (0: free)."""
    price_high: Price | None = None
    """The dearest ticket, when a source states it."""
    currency: Currency | None = None
    """ISO 4217 code of the prices."""
    age_limit: AgeLimit | None = None
    """Who may come: "21+", "18+", "all ages", when a source states it."""
    genres: list[Genre] = []
    """The styles sources file the show under."""
    sources: list[str] = []
    """Sources that reported this show, highest-ranked first."""
    field_sources: dict[str, str] = {}
    """Which source each field's value came from."""
    reports: dict[str, EventReport] = {}
    """What each raw item (by raw_data id) says: the event's ``derived_from`` edges."""
    hidden: bool = False
    """True hides the show from the public listing; nothing is deleted."""
    overrides: dict[str, FieldOverride] = {}
    """Operators' corrections by field (title, start_time, lineup, hidden), applied
    after the fields derived from reports (carpenter.overrides)."""

    @model_validator(mode="before")
    @classmethod
    def _full(cls, data: Any) -> Any:
        # Stored data lacks its report's copies of the event's fields: put them back.
        return expand_event(data) if isinstance(data, dict) else data

    @model_serializer(mode="wrap")
    def _stored(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return compact_event(handler(self))


# An event is stored without the fields from reports that no report gives (end time,
# links, prices...: null, genres empty): readers take a missing one as null (``.get``).
# With its reports compacted too, an event's row then fits four to a page, not three.
_EVENT_DEFAULTS = {
    name: field.default
    for name, field in EventData.model_fields.items()
    if name in EventReport.model_fields and not field.is_required() and field.default in (None, [])
}


def compact_event(data: dict[str, Any]) -> dict[str, Any]:
    """Return an event's data as it is stored: without the fields no report gives, and
    without its one report's copies of the event's own fields (``expand_event``)."""
    stored = {k: v for k, v in data.items() if k not in _EVENT_DEFAULTS or v != _EVENT_DEFAULTS[k]}
    sole = _sole_report(stored)
    if sole is None:
        return stored
    raw_id, report, sources = sole
    source = report.get("source")
    copies = [
        field
        for field, owner in sources.items()
        if owner == source
        and field in REPORT_COPIES
        and field in report
        and report[field] == stored.get(field)
    ]
    if not copies:
        return stored
    kept = {k: v for k, v in report.items() if k not in copies}
    stored = {**stored, "reports": {raw_id: kept}}
    if len(copies) == len(sources) and sources == _all_from(stored, source):
        # Every field the event has is its report's: the source's name says it all.
        stored["field_sources"] = source
    return stored


def expand_event(data: dict[str, Any]) -> dict[str, Any]:
    """Return an event's data with its report whole again (the inverse of compaction).

    An event most often has one report, and its fields (title, description, links...)
    are that report's: ``field_sources`` names the report's source for each. Storing
    them twice was a third of an event's size, so the stored report leaves out each
    field ``field_sources`` gives to its source and holds the same value as the event;
    this puts them back from the event. ``carpenter.events.resolve`` only names a
    source for a field that source's report gives, so a report never lacked one of
    those fields of its own. When every field the event has is its report's,
    ``field_sources`` is stored as just that source's name. Events with several reports
    are stored whole: which report a field came from is then not told by the source.
    """
    sources = data.get("field_sources")
    if isinstance(sources, str):
        data = {**data, "field_sources": _all_from(data, sources)}
    sole = _sole_report(data)
    if sole is None:
        return data
    raw_id, report, sources = sole
    source = report.get("source")
    missing = [
        field
        for field, owner in sources.items()
        if owner == source and field in REPORT_COPIES and field not in report and field in data
    ]
    if not missing:
        return data
    whole = {**report, **{field: data[field] for field in missing}}
    return {**data, "reports": {raw_id: whole}}


def stored(label: str, data: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` of a node of ``label`` read back whole, as it is stored again
    (events compacted): what ``validate`` makes of the same data, to compare with."""
    return compact_event(data) if label == Label.EVENT else data


def _sole_report(data: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, str]] | None:
    """Return an event's one report (raw id, report) and its ``field_sources``, when it
    has exactly one report and names each field's source: the events compacted."""
    reports, sources = data.get("reports"), data.get("field_sources")
    if not isinstance(reports, dict) or len(reports) != 1 or not isinstance(sources, dict):
        return None
    ((raw_id, report),) = reports.items()
    return (raw_id, report, sources) if isinstance(report, dict) else None


def _all_from(data: dict[str, Any], source: str) -> dict[str, str]:
    """Return ``field_sources`` for an event whose every field came from ``source``."""
    return {f: source for f in REPORT_COPIES if data.get(f) not in EMPTY_VALUES}


# The fields a report gives and its event takes (not source, lineup, status or gone),
# in the order carpenter.events.resolve goes through them.
REPORT_COPIES = tuple(
    name
    for name in EventReport.model_fields
    if name in EventData.model_fields and name not in ("source", "status")
)
EMPTY_VALUES = (None, "", [], ())
"""Values that give an event nothing: a report's field holding one does not count."""


class RawDataData(NodeData):
    """One item exactly as a source gave it, and what the source says it is about."""

    label = Label.RAW_DATA
    natural_key = ("source", "external_id")

    source: NonEmpty
    """Source name (blue_moon, sea_monster, ticketmaster, ...)."""
    external_id: NonEmpty
    """The item's id at the source."""
    payload: Any
    """The item as received."""
    day: Day | None = None
    """The event day as the source states it."""
    start_time: Time | None = None
    """The start time as the source states it, when it has one."""
    event_name: str | None = None
    """The event's name as the source states it."""
    venue_name: str | None = None
    """The venue's name as the source states it."""
    content_hash: NonEmpty
    """SHA-256 of the canonical JSON of ``payload``: equal hashes mean nothing changed."""
    processed: bool = False
    """False until the carpenter has turned this item into the graph."""
    gone_at: Timestamp | None = None
    """When a complete fetch of its source, covering its day, no longer listed it; null
    while it is listed (ingest.vanish)."""
    first_seen: Timestamp
    """When an ingest run first stored this item."""
    last_seen: Timestamp
    """When an ingest run last received this item, to within ``LAST_SEEN_RESOLUTION``."""


class FetchStats(BaseModel):
    """How an ingest run's fetch of one source went (sources: ``ingest.fetch.Pages``)."""

    model_config = ConfigDict(extra="forbid")

    complete: bool = True
    """False when the fetch did not read every page of the window the source covers."""
    shortfall: str | None = None
    """Why it is not complete, in one line."""
    not_modified: bool = False
    """True when the server answered 304: nothing changed since the last run."""
    pages: int = 0
    """Responses read."""
    etag: str | None = Field(default=None, max_length=1000)
    """The response's ETag, asked about next run (If-None-Match)."""
    last_modified: str | None = Field(default=None, max_length=100)
    """The response's Last-Modified, asked about next run (If-Modified-Since)."""


class SourceStats(BaseModel):
    """What one run did for one source."""

    model_config = ConfigDict(extra="forbid")

    created: int = 0
    """Items or nodes created."""
    updated: int = 0
    """Items or nodes whose content changed."""
    unchanged: int = 0
    """Items or nodes seen again as they were."""
    skipped: int = 0
    """Items deliberately left out (not a show, out of range)."""
    errors: int = 0
    """Items that could not be used."""
    gone: int = 0
    """Stored items a complete fetch no longer listed, taken for gone (ingest.vanish)."""
    seconds: float = 0.0
    """Time the source took."""
    error: str | None = None
    """Why the source failed as a whole, in one line."""
    status: SourceStatus = "running"
    """The source's own outcome: succeeded, failed, or skipped (e.g. its secret is not set)."""
    fetch: FetchStats | None = None
    """For an ingest run: how fetching went (pages, completeness, a 304, validators)."""
    # Live progress (graph.audit): written as each batch commits, read by the dashboard.
    total: int | None = None
    """Items the source has to handle: fetched (ingest) or raw items to build (carpenter);
    null until known."""
    batches: int = 0
    """Batches committed so far (each one transaction with its records)."""


class RunData(NodeData):
    """Shape shared by ingest and carpenter runs."""

    sources: list[str]
    """Names of the sources the run was asked to handle."""
    options: dict[str, Any] = {}
    """The options the run was started with."""
    status: RunStatus = "running"
    """running until the run ends; then succeeded, partial (some sources failed) or failed."""
    started_at: Timestamp
    """When the run began."""
    finished_at: Timestamp | None = None
    """When it ended; null while running, and for a run that was killed."""
    counts: dict[str, int] = {}
    """Totals by change type (create, update, noop, skip, error)."""
    per_source: dict[str, SourceStats] = {}
    """What each source did."""
    error: str | None = None
    """Why the run failed or was interrupted, in one line."""
    pid: int | None = None
    """Process that ran it, to tell a killed run from a running one."""
    host: str | None = None
    """Machine that ran it: only that machine can tell whether the run is still alive."""
    # Live progress and retention (graph.audit, graph.prune).
    progress_at: Timestamp | None = None
    """When the run last committed a batch (its counts are as of then)."""
    records_pruned: int | None = None
    """Records removed by ``manage.py prune`` (the run's counts still say what it did)."""
    pruned_at: Timestamp | None = None
    """When its records were pruned."""


class IngestRunData(RunData):
    """One ``manage.py ingest`` (or the ingest half of ``run``)."""

    label = Label.INGEST_RUN


class CarpenterRunData(RunData):
    """One ``manage.py carpenter`` (or the carpenter half of ``run``)."""

    label = Label.CARPENTER_RUN

    kinds: dict[str, dict[str, int]] = {}
    """Counts by kind of node (venue, artist, event), then by change type."""


class RecordData(NodeData):
    """One change a run made, shaped like Django's admin LogEntry."""

    change_type: ChangeType
    """create, update, noop, skip or error."""
    source: str
    """The source the change came from."""
    summary: str
    """A short human description of the thing changed ("Blue Moon Tavern: Foo w/ Bar")."""
    diff: dict[str, dict[str, Any]] | None = None
    """For an update: changed field path -> {"old": ..., "new": ...}."""
    reason: str | None = None
    """For a skip or an error: why, in one line; for an ingest record's create or update,
    what was cut to fit ``graph.bounds`` ("title cut to 300 characters")."""
    at: Timestamp
    """When the change was made."""

    @model_serializer(mode="wrap")
    def _stored(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A run writes a record per item: its unset fields (no diff, no reason...) are
        # left out, not stored as nulls. Readers take a missing one as null (``.get``).
        return {
            k: v
            for k, v in handler(self).items()
            if v is not None or k not in _OPTIONAL_RECORD_FIELDS
        }


class IngestRecordData(RecordData):
    """A raw item that a run created, updated or could not store."""

    label = Label.INGEST_RECORD

    external_id: str | None = None
    """The item's id at the source, when it had one."""
    item: Any = None
    """For an error: the offending item, as received."""


class CarpenterRecordData(RecordData):
    """A venue, artist or event that a run created, updated, skipped or failed on."""

    label = Label.CARPENTER_RECORD

    kind: Literal["venue", "artist", "event", "raw_data"]
    """The kind of node the change is about (raw_data for items skipped or failed)."""
    raw_data_id: str | None = None
    """The raw item the change came from."""


# Fields a record may leave unset (null by default), whatever its label.
_OPTIONAL_RECORD_FIELDS = frozenset(
    name
    for schema in (IngestRecordData, CarpenterRecordData)
    for name, field in schema.model_fields.items()
    if not field.is_required() and field.default is None
)


SCHEMAS: dict[str, type[NodeData]] = {
    schema.label.value: schema
    for schema in (
        VenueData,
        ArtistData,
        EventData,
        RawDataData,
        IngestRunData,
        IngestRecordData,
        CarpenterRunData,
        CarpenterRecordData,
    )
}


# What validate adds to a record that leaves out an optional field (stored_record):
# the defaults that are not null (RecordData's serializer leaves the null ones out).
_RECORD_DEFAULTS = {
    schema.label.value: {
        name: spec.default
        for name, spec in schema.model_fields.items()
        if not spec.is_required() and spec.default is not None
    }
    for schema in (IngestRecordData, CarpenterRecordData)
}


class GraphDataError(ValueError):
    """Data that its label does not allow; the message names the label and the field."""

    def __init__(self, label: str, message: str) -> None:
        super().__init__(f"{label}: {message}")
        self.label = label


def schema_for(label: str) -> type[NodeData]:
    """Return the schema of ``label``, or raise ``GraphDataError`` for an unknown one."""
    try:
        return SCHEMAS[label]
    except KeyError:
        known = ", ".join(SCHEMAS)
        raise GraphDataError(label, f"unknown label (known: {known})") from None


def validate(label: str, data: Any) -> dict[str, Any]:
    """Return ``data`` checked against ``label``'s schema, as JSON-ready values.

    Data that cannot be turned into JSON (nested deeper than pydantic's serializer goes,
    a value JSON has no form for) is refused like invalid data, naming the label, so a
    caller handles one kind of error and the item at fault can be told apart.
    """
    schema = schema_for(label)
    try:
        checked = data if isinstance(data, schema) else schema.model_validate(data)
    except ValidationError as exc:
        raise GraphDataError(label, _describe(exc)) from None
    try:
        return checked.model_dump(mode="json")
    except (ValueError, TypeError, RecursionError) as exc:
        # pydantic raises a plain ValueError ("Maximum serialization depth exceeded").
        raise GraphDataError(label, f"cannot be stored as JSON: {exc}") from None


def stored_record(label: str, data: dict[str, Any]) -> dict[str, Any]:
    """Return an audit record's data as ``validate`` stores it, without pydantic.

    Records are made by ``graph.audit.RunLog`` alone, of its own strings, timestamps
    (``json_time``) and JSON-ready values taken from stored data, and a run writes one
    per change (62,500 on a first run of 30,000 events): checking each again was most
    of the run's validation. The caller leaves out unset (null) fields, as RecordData's
    serializer does, and the schema's other defaults are filled in, so the stored form
    is the same; tests check it against ``validate`` (tests/test_graph_api.py, and every
    record of the demo city in tests/ingest/test_demo_and_checks.py).
    """
    return {**_RECORD_DEFAULTS[label], **data}


def json_time(value: dt.datetime) -> str:
    """A timestamp as ``validate`` stores it (ISO 8601, ``Z`` for UTC)."""
    return value.isoformat().replace("+00:00", "Z")


@functools.cache
def field_docs(schema: type[BaseModel]) -> dict[str, str]:
    """Return each field's docstring (the string under it in the class), by name.

    For the admin's form help. Read from the source on first use, bases first, instead
    of pydantic's ``use_attribute_docstrings``: that reads every schema's source when
    this module is imported, 40-70 ms of each command's start-up.
    """
    docs: dict[str, str] = {}
    for cls in reversed(schema.__mro__):
        if not issubclass(cls, BaseModel) or cls is BaseModel:
            continue
        try:
            (tree,) = ast.parse(textwrap.dedent(inspect.getsource(cls))).body
        except (OSError, TypeError, ValueError):
            continue
        body = getattr(tree, "body", [])
        for field, doc in itertools.pairwise(body):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(doc, ast.Expr)
                and isinstance(doc.value, ast.Constant)
                and isinstance(doc.value.value, str)
            ):
                docs[field.target.id] = inspect.cleandoc(doc.value.value)
    return docs


def _describe(exc: ValidationError) -> str:
    """One line naming each bad field: ``day: must be a day as YYYY-MM-DD``."""
    parts = []
    for error in exc.errors(include_url=False):
        field = ".".join(str(p) for p in error["loc"]) or "data"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "is not a field of this label"
        parts.append(f"{field}: {message}")
    return "; ".join(parts)


def natural_key(label: str, data: dict[str, Any]) -> str | None:
    """Return the natural key the database derives for ``data`` (None if unkeyed).

    Mirrors ``graph.models.natural_key_expression``: single fields as they are,
    several fields joined by ``|`` with a missing value as the empty string.
    """
    fields = schema_for(label).natural_key
    if not fields:
        return None
    if len(fields) == 1:
        value = data.get(fields[0])
        return None if value is None else str(value)
    return KEY_SEPARATOR.join("" if data.get(f) is None else str(data[f]) for f in fields)


KEY_SEPARATOR = "|"
