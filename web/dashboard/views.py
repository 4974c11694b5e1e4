"""The dashboard's pages: thin views over ``web.dashboard.queries``."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from carpenter.scheduler import live_schedulers, request_run
from ingest.sources import SOURCES
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


@require_GET
@staff_required
def run_progress(request: HttpRequest, run_id: str) -> JsonResponse:
    """Answer the run page's live updates: the run's counts as its node holds them now."""
    return JsonResponse(queries.run_progress(run_id))


@require_GET
@staff_required
def live_runs(request: HttpRequest) -> JsonResponse:
    """Answer the home page's live list: the runs in progress."""
    return JsonResponse({"runs": [queries.progress_of(run) for run in queries.running_runs()]})


@require_POST
@staff_required
def run_now(request: HttpRequest, source: str) -> HttpResponse:
    """Ask the scheduler to run a source now; the scheduler's worker runs it, not this request."""
    if source not in queries.known_sources():
        raise Http404("No such source.")
    problem = SOURCES[source].missing_secret()
    if problem:
        messages.error(request, f"{source} cannot run here: {problem}.")
        return redirect("dashboard:home")
    if request_run(source, by=request.user.get_username()):
        messages.success(request, f"{source}: asked for a run; the scheduler starts it shortly.")
    else:
        messages.info(request, f"{source}: a run is already waiting for the scheduler.")
    if not live_schedulers():
        messages.warning(
            request,
            "No scheduler is running, so nothing will start: run `manage.py scheduler` "
            "(or `make serve`, which starts it beside the web server).",
        )
    return redirect("dashboard:home")


@require_GET
@staff_required
def venues(request: HttpRequest) -> HttpResponse:
    """List venues by name, searchable, with their shows."""
    return _listed(request, queries.venues_page, "venues")


@require_GET
@staff_required
def artists(request: HttpRequest) -> HttpResponse:
    """List artists by name, searchable, with their shows."""
    return _listed(request, queries.artists_page, "artists")


def _listed(request: HttpRequest, page_of, section: str) -> HttpResponse:
    data = page_of(request.GET.get("q", ""), request.GET.get("page"))
    context = {"data": data, "query": query_without(request.GET, "page"), "section": section}
    return render(request, f"dashboard/{section}.html", context)
