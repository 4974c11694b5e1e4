"""The dashboard's pages: thin views over ``web.dashboard.queries``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from web.dashboard import queries
from web.dashboard.access import staff_required
from web.dashboard.charts import changes_chart
from web.dashboard.present import CHANGE_NAMES, pretty_json, safe_link


def query_without(query: QueryDict, *names: str) -> str:
    """Return the query string minus ``names`` (for pagination links that keep filters)."""
    kept = query.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """Show node counts, each source's last runs and errors, and recent changes."""
    data = queries.home()
    return render(
        request,
        "dashboard/home.html",
        {"data": data, "chart": changes_chart(data.chart_runs), "section": "home"},
    )


@require_GET
@staff_required
def runs(request: HttpRequest) -> HttpResponse:
    """List ingest and carpenter runs, newest first, filtered by kind, source and status."""
    filters = queries.RunFilters.from_query(request.GET)
    page, rows = queries.runs_page(filters, request.GET.get("page"))
    return render(
        request,
        "dashboard/runs.html",
        {
            "page": page,
            "runs": rows,
            "filters": filters,
            "kinds": list(queries.RUN_LABEL_OF_KIND),
            "statuses": queries.RUN_STATUSES,
            "sources": queries.known_sources(),
            "query": query_without(request.GET, "page"),
            "section": "runs",
        },
    )


@require_GET
@staff_required
def run(request: HttpRequest, run_id: str) -> HttpResponse:
    """Show one run: its summary and its records grouped by change type."""
    data = queries.run_page(run_id, request.GET.get("change", ""), request.GET.get("page"))
    return render(
        request,
        "dashboard/run.html",
        {
            "data": data,
            "run": data.run,
            "change_names": CHANGE_NAMES,
            "options": pretty_json(data.run.options) if data.run.options else "",
            "section": "runs",
        },
    )


@require_GET
@staff_required
def events(request: HttpRequest) -> HttpResponse:
    """List upcoming events by day, searchable and filtered by venue."""
    filters = queries.EventFilters.from_query(request.GET)
    data = queries.events_page(filters, request.GET.get("page"))
    return render(
        request,
        "dashboard/events.html",
        {"data": data, "query": query_without(request.GET, "page"), "section": "events"},
    )


@require_GET
@staff_required
def venue(request: HttpRequest, node_id: str) -> HttpResponse:
    """Show a venue, its upcoming events and where its data came from."""
    data = queries.venue_page(node_id, request.GET.get("page"))
    return render(
        request,
        "dashboard/venue.html",
        {
            "data": data,
            "node": data.venue,
            "json": pretty_json(data.venue.data),
            "site_url": safe_link(data.venue.data.get("url")),
        },
    )


@require_GET
@staff_required
def artist(request: HttpRequest, node_id: str) -> HttpResponse:
    """Show an artist, their events and where their data came from."""
    data = queries.artist_page(node_id)
    return render(
        request,
        "dashboard/artist.html",
        {"data": data, "node": data.artist, "json": pretty_json(data.artist.data)},
    )


@require_GET
@staff_required
def event(request: HttpRequest, node_id: str) -> HttpResponse:
    """Show an event, its venue and artists, and the raw data and runs behind it."""
    data = queries.event_page(node_id)
    return render(
        request,
        "dashboard/event.html",
        {"data": data, "node": data.event.node, "json": pretty_json(data.event.node.data)},
    )


@require_GET
@staff_required
def raw(request: HttpRequest, node_id: str) -> HttpResponse:
    """Show a raw item as its source gave it, and what was made of it."""
    data = queries.raw_page(node_id)
    payload = data.raw.data.get("payload")
    rest = {k: v for k, v in data.raw.data.items() if k != "payload"}
    return render(
        request,
        "dashboard/raw.html",
        {
            "data": data,
            "node": data.raw,
            "payload": pretty_json(payload),
            "json": pretty_json(rest),
        },
    )
