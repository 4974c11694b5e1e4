"""The Django admin for the graph: nodes and edges, one page per label, runs as an audit trail.

Changelists cost a fixed number of queries whatever the data size: columns come from
each node's ``data`` or from annotations (correlated subqueries in the same SELECT),
never from a query per row. Runs and records are read-only (an audit trail); nodes
come from runs, so nothing is added by hand. Operators' actions live in
``web.admin_actions``; the HTML beside a node in ``web.admin_display``.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast, Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from carpenter import overrides
from graph.expressions import JSONText
from graph.labels import Label, Relation
from graph.models import (
    Artist,
    CarpenterRecord,
    CarpenterRun,
    Edge,
    Event,
    IngestRecord,
    IngestRun,
    Node,
    RawData,
    Venue,
)
from graph.store import GraphError
from web import admin_actions, admin_forms
from web.admin_display import edges_table, json_block, records_table, status_badge
from web.dashboard.present import duration_text, node_url, parse_time
from web.dashboard.queries import RUN_STATUSES, known_sources
from web.paging import CappedPaginator

admin.site.site_header = "SMS Graph"
admin.site.site_title = "SMS Graph"
admin.site.index_title = "The graph"
admin.site.site_url = None  # the header links to the dashboard instead (admin/base_site.html)

AUDIT_LABELS = frozenset(
    {Label.INGEST_RUN, Label.INGEST_RECORD, Label.CARPENTER_RUN, Label.CARPENTER_RECORD}
)
RUN_LABELS = frozenset({Label.INGEST_RUN, Label.CARPENTER_RUN})


class PrettyJSONField(forms.JSONField):
    """A JSON form field that shows its value indented, keys sorted."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, cls=self.encoder)


def search_data(queryset: QuerySet, term: str, keys: tuple[str, ...] = ()) -> QuerySet:
    """Return the nodes whose data contains ``term``: in the given keys, or anywhere.

    Anywhere means the JSON text, on every engine. SQLite stores non-ASCII characters
    as \\u escapes, so the escaped spelling of the term is searched too.
    """
    term = term.strip()
    if not term:
        return queryset
    if keys:
        condition = Q()
        for key in keys:
            condition |= Q(**{f"data__{key}__icontains": term})
        return queryset.filter(condition | Q(pk=term))
    escaped = json.dumps(term)[1:-1]
    condition = Q(data_text__icontains=term) | Q(pk=term)
    if escaped != term:
        condition |= Q(data_text__icontains=escaped)
    return queryset.annotate(data_text=Cast("data", TextField())).filter(condition)


# -- list filters ------------------------------------------------------------------


class DataChoiceFilter(admin.SimpleListFilter):
    """Filter on one field of ``data`` with a fixed set of values."""

    field: str = ""
    options: tuple[tuple[str, str], ...] = ()

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> Any:
        return self.options

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in dict(self.options):
            return queryset.filter(**{f"data__{self.field}": self.coerce(self.value())})
        return queryset

    def coerce(self, value: str) -> Any:
        return value


class BooleanDataFilter(DataChoiceFilter):
    options = (("yes", "Yes"), ("no", "No"))

    def coerce(self, value: str) -> bool:
        return value == "yes"


class HiddenFilter(BooleanDataFilter):
    title = "hidden"
    parameter_name = field = "hidden"


class ProcessedFilter(BooleanDataFilter):
    title = "processed"
    parameter_name = field = "processed"


class RunStatusFilter(DataChoiceFilter):
    title = "status"
    parameter_name = field = "status"
    options = tuple((s, s) for s in RUN_STATUSES)


class ChangeTypeFilter(DataChoiceFilter):
    title = "change type"
    parameter_name = field = "change_type"
    options = tuple((c, c) for c in ("create", "update", "noop", "skip", "error"))


class SourceFilter(admin.SimpleListFilter):
    """Filter raw data and records by their ``source``.

    The choices are the configured sources (no query): finding the names used in the
    data meant reading every raw item's JSON, seconds at a million nodes.
    """

    title = "source"
    parameter_name = "source"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> Any:
        return [(name, name) for name in known_sources()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(data__source=self.value()) if self.value() else queryset


class RunSourceFilter(admin.SimpleListFilter):
    """Filter runs by one of their sources (a run's ``sources`` is a JSON list)."""

    title = "source"
    parameter_name = "source"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> Any:
        return [(name, name) for name in known_sources()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value or not value.replace("_", "").isalnum():
            return queryset
        return queryset.annotate(sources_text=JSONText("data", "sources")).filter(
            sources_text__contains=f'"{value}"'
        )


class WhenFilter(admin.SimpleListFilter):
    """Upcoming (today on) or past events, by their day."""

    title = "when"
    parameter_name = "when"

    # Operators come for what is coming: the list opens on upcoming events, and "All"
    # is a choice of its own rather than the absence of one.
    DEFAULT = "upcoming"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> Any:
        return (("upcoming", "Upcoming"), ("past", "Past"), ("all", "All"))

    def value(self) -> str:
        return super().value() or self.DEFAULT

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate().isoformat()
        if self.value() == "upcoming":
            return queryset.where(day__gte=today)
        if self.value() == "past":
            return queryset.where(day__lt=today)
        return queryset


class VenueFilter(admin.SimpleListFilter):
    """Events at one venue (the venues listed in one query)."""

    title = "venue"
    parameter_name = "venue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> Any:
        venues = Venue.objects.annotate(name=JSONText("data", "name")).order_by("name")
        return [(pk, name) for pk, name in venues.values_list("pk", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.where(venue_id=self.value()) if self.value() else queryset


# -- nodes -------------------------------------------------------------------------

SEARCHED_LABELS = (Label.VENUE, Label.ARTIST, Label.EVENT)
"""The labels the all-nodes list searches in (the others have their own lists)."""


class GraphNodeAdmin(admin.ModelAdmin):
    """What every node page shares: pretty data, its edges, search inside data."""

    # Searching goes through get_search_results; this only turns the search box on.
    search_fields = ("data",)
    search_help_text = "Searches inside the data (and exact ids)."
    search_keys: tuple[str, ...] = ()
    readonly_fields = (
        "id",
        "label",
        "key",
        "created_at",
        "updated_at",
        "pretty_data",
        "outgoing_edges",
        "incoming_edges",
        "run_records",
        "dashboard_link",
    )
    formfield_overrides = {
        models.JSONField: {
            "form_class": PrettyJSONField,
            "widget": forms.Textarea(attrs={"rows": 24, "cols": 100, "class": "sms-json-edit"}),
        }
    }
    list_per_page = 50
    # The unfiltered total is another COUNT over the whole table; not worth it. The
    # list's own count stops at web.paging.COUNT_LIMIT: a page costs the same at any size.
    show_full_result_count = False
    paginator = CappedPaginator

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        return search_data(queryset, search_term, self.search_keys), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Nodes come from runs, so each one has a provenance.
        return False

    def is_audit(self, obj: Node | None) -> bool:
        return obj is not None and obj.label in AUDIT_LABELS

    def has_change_permission(self, request: HttpRequest, obj: Node | None = None) -> bool:
        return not self.is_audit(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Node | None = None) -> bool:
        return (
            not self.is_audit(obj)
            and not self.holds_events(obj)
            and super().has_delete_permission(request, obj)
        )

    def holds_events(self, obj: Node | None) -> bool:
        """Whether deleting ``obj`` would tear the graph the carpenter keeps.

        A venue hosting events, an artist performing at them, raw data events come
        from, or an event derived from raw data: the next run would rebuild them out of
        step. Merge the venue, or hide the event, instead.
        """
        if obj is None:
            return False
        guarded = {
            Label.VENUE: obj.out_edges.filter(relation=Relation.HOSTS),
            Label.ARTIST: obj.out_edges.filter(relation=Relation.PERFORMS_AT),
            Label.EVENT: obj.out_edges.filter(relation=Relation.DERIVED_FROM),
            Label.RAW_DATA: obj.in_edges.filter(relation=Relation.DERIVED_FROM),
        }
        edges = guarded.get(obj.label)
        return edges is not None and edges.exists()

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        # Bulk deletion would take events' edges and provenance with them: operators
        # hide instead (and a single node can still be deleted from its page).
        actions.pop("delete_selected", None)
        return actions

    def get_fieldsets(self, request: HttpRequest, obj: Node | None = None) -> list:
        editable = obj is not None and self.has_change_permission(request, obj)
        fieldsets: list = [
            (
                None,
                {"fields": ("id", "label", "key", "created_at", "updated_at", "dashboard_link")},
            ),
            ("Data", {"fields": ("data",) if editable else ("pretty_data",)}),
        ]
        if obj is not None and obj.label in RUN_LABELS:
            fieldsets.append(("Records", {"fields": ("run_records",)}))
        else:
            fieldsets.append(("Edges", {"fields": ("outgoing_edges", "incoming_edges")}))
        return fieldsets

    @admin.display(description="data")
    def pretty_data(self, obj: Node) -> SafeString:
        return json_block(obj.data)

    @admin.display(description="outgoing edges")
    def outgoing_edges(self, obj: Node) -> SafeString:
        return edges_table(obj, "out")

    @admin.display(description="incoming edges")
    def incoming_edges(self, obj: Node) -> SafeString:
        return edges_table(obj, "in")

    @admin.display(description="records")
    def run_records(self, obj: Node) -> SafeString:
        return records_table(obj)

    @admin.display(description="on the dashboard")
    def dashboard_link(self, obj: Node) -> SafeString | str:
        url = node_url(obj)
        return format_html('<a href="{}">{}</a>', url, url) if url else "no page"

    @admin.display(description="name", ordering="created_at")
    def name(self, obj: Node) -> str:
        return obj.display_name

    @admin.display(description="hidden")
    def hidden_flag(self, obj: Node) -> str:
        # A word, not the admin's red cross: a cross reads as "broken", not "not public".
        return "hidden" if obj.data.get("hidden") else ""


@admin.register(Node)
class NodeAdmin(GraphNodeAdmin):
    list_display = ("name", "label", "key", "updated_at")
    list_filter = ("label",)
    search_help_text = (
        "Searches inside the data of venues, artists and events (and exact ids); raw "
        "data, runs and records have their own lists and searches."
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        # All nodes' JSON is a million documents to read for one search; the graph's
        # own nodes are a few thousand, found by the label index.
        if not search_term.strip():
            return queryset, False
        found = search_data(queryset.filter(label__in=SEARCHED_LABELS), search_term)
        return found | queryset.filter(pk=search_term.strip()), False


@admin.register(Edge)
class EdgeAdmin(admin.ModelAdmin):
    """Edges, view only: they change through the pipeline and the operators' actions."""

    list_display = ("relation", "source_link", "target_link", "created_at")
    list_filter = ("relation",)
    list_select_related = ("source", "target")
    search_fields = ("=source__id", "=target__id")
    search_help_text = "The id of a node at either end."
    list_per_page = 100
    show_full_result_count = False
    paginator = CappedPaginator
    fields = ("id", "relation", "source_link", "target_link", "pretty_data", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Edge | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Edge | None = None) -> bool:
        return False

    @admin.display(description="source")
    def source_link(self, obj: Edge) -> SafeString:
        return _node_link(obj.source)

    @admin.display(description="target")
    def target_link(self, obj: Edge) -> SafeString:
        return _node_link(obj.target)

    @admin.display(description="data")
    def pretty_data(self, obj: Edge) -> SafeString:
        return json_block(obj.data)


def _node_link(node: Node) -> SafeString:
    url = reverse("admin:graph_node_change", args=[node.pk])
    return format_html('<a href="{}">{}</a> <small>{}</small>', url, node.display_name, node.label)


# -- one admin per label -----------------------------------------------------------


class LabelAdmin(GraphNodeAdmin):
    """A label's own page: its columns, filters and actions."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Annotate before ordering: the default orderings sort by annotations.
        queryset = self.model._default_manager.get_queryset().annotate(**self.annotations())
        return queryset.order_by(*(self.get_ordering(request) or ()))

    def annotations(self) -> dict[str, Any]:
        return {}


class CorrectedAdmin(LabelAdmin):
    """A label operators correct field by field (its schema's form), as overrides.

    The form (``web.admin_forms``) replaces the JSON of ``data``: what is saved is an
    override per changed field (``carpenter.overrides``), recorded as a carpenter run,
    so re-processing keeps it; the JSON stays visible, read-only, below.
    """

    def get_form(self, request: HttpRequest, obj: Node | None = None, **kwargs: Any) -> Any:
        if obj is not None:
            kwargs["form"] = admin_forms.form_for(obj.label)
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Node | None = None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        held = obj.data.get("overrides") or {}
        fields: list[str] = []
        for name in overrides.FIELDS[obj.label]:
            fields.append(name)
            if name in held:
                fields.append(admin_forms.RESTORE + name)
        corrected = ("Corrections (kept over what sources say)", {"fields": fields})
        data = ("Data", {"fields": ("pretty_data",)})
        return [fieldsets[0], corrected, data, *fieldsets[2:]]

    def save_model(self, request: HttpRequest, obj: Node, form: Any, change: bool) -> None:
        changes, restore = form.corrections()
        by = request.user.get_username()
        try:
            if changes:
                overrides.set_fields([obj], changes, by=by)
            if restore:
                overrides.remove([obj], restore, by=by)
        except GraphError as error:
            self.message_user(request, f"Nothing changed: {error}", messages.ERROR)
        obj.refresh_from_db()


def _edge_count(relation: str, direction: str, **target_filter: Any) -> Coalesce:
    """Return a subquery counting a node's edges of ``relation`` (in the same SELECT)."""
    near = "source_id" if direction == "out" else "target_id"
    edges = (
        Edge.objects.filter(**{near: OuterRef("pk")}, relation=relation, **target_filter)
        .order_by()
        .values(near)
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(edges, output_field=IntegerField()), 0)


@admin.register(Venue)
class VenueAdmin(CorrectedAdmin):
    list_display = ("venue_name", "city", "upcoming_events", "hidden_flag", "updated_at")
    list_filter = (HiddenFilter,)
    search_keys = ("name", "slug", "city", "address")
    search_help_text = "Name, slug, city or address."
    actions = (admin_actions.merge, admin_actions.hide, admin_actions.unhide)

    def annotations(self) -> dict[str, Any]:
        today = timezone.localdate().isoformat()
        return {
            "name_text": JSONText("data", "name"),
            "city_text": JSONText("data", "city"),
            "upcoming": _edge_count(Relation.HOSTS, "out", target__data__day__gte=today),
        }

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        return ("name_text", "id")

    @admin.display(description="name", ordering="name_text")
    def venue_name(self, obj: Node) -> str:
        return obj.data.get("name", "")

    @admin.display(description="city", ordering="city_text")
    def city(self, obj: Node) -> str:
        return obj.data.get("city") or ""

    @admin.display(description="upcoming events", ordering="upcoming")
    def upcoming_events(self, obj: Node) -> int:
        return obj.upcoming


@admin.register(Event)
class EventAdmin(CorrectedAdmin):
    list_display = ("day", "time", "title", "venue", "sources", "hidden_flag")
    list_filter = (WhenFilter, HiddenFilter, VenueFilter)
    search_keys = ("title", "description")
    search_help_text = "Title or description."
    actions = (admin_actions.hide, admin_actions.unhide)

    def annotations(self) -> dict[str, Any]:
        venue = Node.objects.filter(pk=OuterRef("venue_ref")).annotate(
            name=JSONText("data", "name")
        )
        return {
            "day_text": JSONText("data", "day"),
            "time_text": JSONText("data", "start_time"),
            "title_text": JSONText("data", "title"),
            "venue_ref": JSONText("data", "venue_id"),
            "venue_name": Subquery(venue.values("name")[:1], output_field=TextField()),
        }

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        # Upcoming (the default) soonest first; past ones most recent first.
        if request.GET.get(WhenFilter.parameter_name) in ("past", "all"):
            return ("-day_text", "-time_text", "id")
        return ("day_text", "time_text", "id")

    @admin.display(description="day", ordering="day_text")
    def day(self, obj: Node) -> str:
        return obj.data.get("day", "")

    @admin.display(description="time", ordering="time_text")
    def time(self, obj: Node) -> str:
        return obj.data.get("start_time") or "–"

    @admin.display(description="title", ordering="title_text")
    def title(self, obj: Node) -> str:
        return obj.data.get("title", "")

    @admin.display(description="venue", ordering="venue_name")
    def venue(self, obj: Node) -> SafeString | str:
        if not obj.venue_name:
            return "(missing)"
        url = reverse("admin:graph_venue_change", args=[obj.venue_ref])
        return format_html('<a href="{}">{}</a>', url, obj.venue_name)

    @admin.display(description="sources")
    def sources(self, obj: Node) -> str:
        return ", ".join(obj.data.get("sources") or [])


@admin.register(Artist)
class ArtistAdmin(LabelAdmin):
    list_display = ("artist_name", "events", "updated_at")
    search_keys = ("name", "slug")
    search_help_text = "Name or slug."
    actions = (admin_actions.merge_artists, admin_actions.split_artist)

    def annotations(self) -> dict[str, Any]:
        return {
            "name_text": JSONText("data", "name"),
            "event_count": _edge_count(Relation.PERFORMS_AT, "out"),
        }

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        return ("name_text", "id")

    @admin.display(description="name", ordering="name_text")
    def artist_name(self, obj: Node) -> str:
        return obj.data.get("name", "")

    @admin.display(description="events", ordering="event_count")
    def events(self, obj: Node) -> int:
        return obj.event_count


@admin.register(RawData)
class RawDataAdmin(LabelAdmin):
    """Raw data as sources gave it: read-only, but the carpenter can redo it."""

    list_display = ("source", "external_id", "event_name", "event_day", "processed", "last_seen")
    list_filter = (SourceFilter, ProcessedFilter)
    search_keys = ("external_id", "event_name", "venue_name")
    search_help_text = "External id, event name or venue name."
    actions = (admin_actions.reprocess,)

    def annotations(self) -> dict[str, Any]:
        return {
            "day_text": JSONText("data", "day"),
            "last_seen_text": JSONText("data", "last_seen"),
        }

    def has_change_permission(self, request: HttpRequest, obj: Node | None = None) -> bool:
        return False

    def has_process_permission(self, request: HttpRequest) -> bool:
        """Who may start a carpenter run: staff allowed to change raw data."""
        return request.user.is_staff and request.user.has_perm("graph.change_rawdata")

    @admin.display(description="source")
    def source(self, obj: Node) -> str:
        return obj.data.get("source", "")

    @admin.display(description="external id")
    def external_id(self, obj: Node) -> str:
        return obj.data.get("external_id", "")

    @admin.display(description="event name")
    def event_name(self, obj: Node) -> str:
        return obj.data.get("event_name") or ""

    @admin.display(description="event day", ordering="day_text")
    def event_day(self, obj: Node) -> str:
        return obj.data.get("day") or ""

    @admin.display(description="processed", boolean=True)
    def processed(self, obj: Node) -> bool:
        return bool(obj.data.get("processed"))

    @admin.display(description="last seen", ordering="last_seen_text")
    def last_seen(self, obj: Node) -> Any:
        return parse_time(obj.data.get("last_seen"))


class AuditAdmin(LabelAdmin):
    """Runs and records: an audit trail, so nothing is added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Node | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Node | None = None) -> bool:
        return False


class RunAdmin(AuditAdmin):
    list_display = ("started", "kind", "run_sources", "run_status", "duration", "counts")
    list_filter = (RunStatusFilter, RunSourceFilter)
    search_keys = ("error",)
    search_help_text = "Text of the run's error."

    @admin.display(description="started", ordering="created_at")
    def started(self, obj: Node) -> Any:
        return parse_time(obj.data.get("started_at"))

    @admin.display(description="kind")
    def kind(self, obj: Node) -> str:
        return obj.label.removesuffix("_run")

    @admin.display(description="sources")
    def run_sources(self, obj: Node) -> str:
        return ", ".join(obj.data.get("sources") or [])

    @admin.display(description="status")
    def run_status(self, obj: Node) -> SafeString:
        return status_badge(obj.data.get("status", ""))

    @admin.display(description="duration")
    def duration(self, obj: Node) -> str:
        started = parse_time(obj.data.get("started_at"))
        finished = parse_time(obj.data.get("finished_at"))
        if not (started and finished):
            return "not finished"
        return duration_text((finished - started).total_seconds())

    @admin.display(description="counts")
    def counts(self, obj: Node) -> str:
        counts = obj.data.get("counts") or {}
        names = ("create", "update", "noop", "skip", "error")
        return " · ".join(f"{name} {counts.get(name, 0)}" for name in names)


@admin.register(IngestRun)
class IngestRunAdmin(RunAdmin):
    pass


@admin.register(CarpenterRun)
class CarpenterRunAdmin(RunAdmin):
    pass


class RecordAdmin(AuditAdmin):
    list_display = ("change", "source", "summary", "run", "at")
    list_filter = (ChangeTypeFilter, SourceFilter)
    search_keys = ("summary", "reason")
    search_help_text = "Summary or reason."

    def annotations(self) -> dict[str, Any]:
        runs = Edge.objects.filter(target_id=OuterRef("pk"), relation=Relation.HAS_RECORD)
        return {"run_id": Subquery(runs.values("source_id")[:1], output_field=TextField())}

    @admin.display(description="change")
    def change(self, obj: Node) -> SafeString:
        return status_badge(obj.data.get("change_type", ""))

    @admin.display(description="source")
    def source(self, obj: Node) -> str:
        return obj.data.get("source", "")

    @admin.display(description="summary")
    def summary(self, obj: Node) -> str:
        return obj.data.get("summary", "")

    @admin.display(description="run")
    def run(self, obj: Node) -> SafeString | str:
        if not obj.run_id:
            return ""
        url = reverse("dashboard:run", args=[obj.run_id])
        return format_html('<a href="{}">{}</a>', url, obj.run_id[:8])

    @admin.display(description="at", ordering="created_at")
    def at(self, obj: Node) -> Any:
        return parse_time(obj.data.get("at"))


@admin.register(IngestRecord)
class IngestRecordAdmin(RecordAdmin):
    pass


@admin.register(CarpenterRecord)
class CarpenterRecordAdmin(RecordAdmin):
    pass
