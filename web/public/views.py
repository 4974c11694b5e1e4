"""The public pages and calendars: no login, the same answer for everyone, cacheable."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from graph.models import Node
from web.dashboard.present import safe_link
from web.public import calendar, jsonld, queries
from web.public.caching import public_cache
from web.public.queries import BadFilter, Filters

ICS_TYPE = "text/calendar; charset=utf-8"


def _with_query(url: str, params: dict[str, str]) -> str:
    return f"{url}?{urlencode(params)}" if params else url


@require_safe
@public_cache
def listing(request: HttpRequest) -> HttpResponse:
    """Upcoming shows by day, today first, filtered by days, venue, neighbourhood and q."""
    try:
        filters = Filters.from_query(request.GET)
    except BadFilter as error:
        return render(
            request, "public/listing.html", {"error": str(error), "filters": Filters()}, status=400
        )
    found = queries.listing(filters)
    context = {
        "listing": found,
        "filters": filters,
        "day_choices": (1, 7, 14, 30, 60),
        "calendar_url": _with_query(reverse("public:calendar"), filters.query()),
        "section": "shows",
        "today": queries.today(),
        "tomorrow": queries.today() + dt.timedelta(days=1),
    }
    return render(request, "public/listing.html", context)


@require_safe
@public_cache
def venues(request: HttpRequest) -> HttpResponse:
    """Every venue, with its neighbourhood and how many shows are coming up."""
    return render(
        request, "public/venues.html", {"venues": queries.venue_index(), "section": "venues"}
    )


@require_safe
@public_cache
def venue(request: HttpRequest, slug: str) -> HttpResponse:
    """One venue: where it is, its coming shows and its latest past ones."""
    place = queries.venue_by_slug(slug)
    context = {
        "venue": place,
        "timeline": queries.timeline(queries.venue_events(place)),
        "calendar_url": reverse("public:venue_calendar", args=[slug]),
        "venue_site": safe_link(place.data.get("url")),
        "section": "venues",
    }
    return render(request, "public/venue.html", context)


@require_safe
@public_cache
def artist(request: HttpRequest, slug: str) -> HttpResponse:
    """One artist: the shows they play, coming and past."""
    performer = queries.artist_by_slug(slug)
    context = {
        "artist": performer,
        "timeline": queries.timeline(queries.artist_events(performer)),
        "calendar_url": reverse("public:artist_calendar", args=[slug]),
    }
    return render(request, "public/artist.html", context)


@require_safe
@public_cache
def event(request: HttpRequest, event_id: str) -> HttpResponse:
    """One show: when, where, who in billing order, tickets and price; with JSON-LD."""
    show = queries.public_event(event_id)
    page_url = request.build_absolute_uri(reverse("public:event", args=[show.id]))

    def artist_url(node: Node) -> str:
        return request.build_absolute_uri(reverse("public:artist", args=[node.data["slug"]]))

    context = {
        "show": show,
        "jsonld": jsonld.script_json(jsonld.music_event(show, page_url, artist_url)),
        "past": show.day is not None and show.day < queries.today(),
    }
    return render(request, "public/event.html", context)


def _ics(request: HttpRequest, events, venues, name: str, filename: str) -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    body = calendar.calendar(queries.in_order(events), venues, name, base)
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@public_cache
def listing_calendar(request: HttpRequest) -> HttpResponse:
    """Every upcoming show as ICS; the listing's filters narrow it (``days`` too, if given)."""
    try:
        filters = Filters.from_query(request.GET)
    except BadFilter as error:
        return HttpResponse(f"{error}\n", status=400, content_type="text/plain; charset=utf-8")
    venues = queries.all_public_venues()
    events, _ = queries.filtered_events(filters, venues)
    first = queries.today()
    last = first + dt.timedelta(days=filters.days - 1) if request.GET.get("days") else None
    name = "Seattle shows · SMS Graph" if not filters.active else "Seattle shows (filtered)"
    return _ics(request, queries.between(events, first, last), venues, name, "sms-shows.ics")


@require_safe
@public_cache
def venue_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """A venue's upcoming shows as ICS."""
    place = queries.venue_by_slug(slug)
    upcoming = queries.between(queries.venue_events(place), queries.today(), None)
    return _ics(
        request, upcoming, {place.pk: place}, f"{place.display_name} · SMS Graph", f"{slug}.ics"
    )


@require_safe
@public_cache
def artist_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """An artist's upcoming shows as ICS."""
    performer = queries.artist_by_slug(slug)
    upcoming = queries.between(queries.artist_events(performer), queries.today(), None)
    venues = queries.all_public_venues()
    return _ics(request, upcoming, venues, f"{performer.display_name} · SMS Graph", f"{slug}.ics")
