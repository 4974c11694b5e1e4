"""ICS calendars of shows, written with the ``icalendar`` library.

Each show is a VEVENT whose UID is its node id (stable across runs and renames), with
DTSTART in the city's VTIMEZONE (an all-day show as a DATE), LAST-MODIFIED and DTSTAMP
from the node's ``updated_at`` and a SEQUENCE that grows with it, so calendar apps
replace a changed show instead of adding another; a cancelled one is STATUS:CANCELLED.

icalendar takes about 0.4 ms per event, so the text of each VEVENT is kept in a bounded
in-process cache keyed by the event's id, its ``updated_at`` and its venue's, and the
VTIMEZONE is built once: a calendar of thousands of shows is then mostly a join. (An
artist renamed shows in a cached VEVENT once the event itself changes.)
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from functools import cache

from django.conf import settings
from django.db.models import QuerySet
from icalendar import Calendar, Event, Timezone

from graph.models import Node
from graph.store import chunked
from web.public import queries
from web.public.queries import Show

PRODID = "-//SMS Graph//Seattle live music//EN"
CACHED_EVENTS = 50_000
# SEQUENCE must grow each time a show changes; counting minutes of updated_at from a
# fixed epoch does that without a counter stored on the node.
SEQUENCE_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
_compiled: OrderedDict[tuple, bytes] = OrderedDict()


@cache
def vtimezone() -> bytes:
    """Return the city's VTIMEZONE, built once per process."""
    return Timezone.from_tzid(settings.TIME_ZONE).to_ical()


def calendar(events: QuerySet[Node], venues: dict[str, Node], name: str, base: str) -> bytes:
    """Return an ICS calendar named ``name`` of these public events, in their order.

    ``venues``: the venues they may be at, by id. ``base``: the site's address, for the
    events' links. One query lists the events' ids and times of change; only the events
    not in the cache are read in full and written (a few queries per 500 of them).
    """
    rows = list(events.values_list("pk", "updated_at", "venue_ref"))
    keys = {}
    for pk, changed, venue_id in rows:
        venue = venues.get(venue_id)
        keys[pk] = (pk, changed, venue.updated_at if venue else None, base)
    pieces = {pk: _compiled.get(key) for pk, key in keys.items()}
    missing = [pk for pk, piece in pieces.items() if piece is None]
    for chunk in chunked(missing):
        for show in queries.shows(list(Node.objects.filter(pk__in=chunk)), venues):
            piece = _build(show, base + queries.page_url("public:event", show.id))
            pieces[show.id] = _compiled[keys[show.id]] = piece
    while len(_compiled) > CACHED_EVENTS:
        _compiled.popitem(last=False)
    return b"".join([_head(name), vtimezone(), *(pieces[pk] for pk, *_ in rows), END])


END = b"END:VCALENDAR\r\n"


def _head(name: str) -> bytes:
    head = Calendar()
    head.add("prodid", PRODID)
    head.add("version", "2.0")
    head.add("calscale", "GREGORIAN")
    head.add("method", "PUBLISH")
    head.add("x-wr-calname", name)
    head.add("x-wr-timezone", settings.TIME_ZONE)
    head.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    return head.to_ical()[: -len(END)]


def _build(show: Show, url: str) -> bytes:
    event = Event()
    event.add("uid", f"{show.id}@sms-graph")
    event.add("summary", show.title)
    starts = show.starts
    if starts is not None:
        event.add("dtstart", starts)
    if show.ends is not None:
        event.add("dtend", show.ends)
    elif isinstance(starts, dt.date) and not isinstance(starts, dt.datetime):
        event.add("dtend", starts + dt.timedelta(days=1))
    changed = show.node.updated_at
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("created", show.node.created_at)
    event.add("sequence", max(int((changed - SEQUENCE_EPOCH).total_seconds() // 60), 0))
    event.add("status", "CANCELLED" if show.cancelled else "CONFIRMED")
    if show.venue is not None:
        where = [show.venue.data.get("name"), show.venue.data.get("address")]
        event.add("location", ", ".join(str(w) for w in where if w))
    event.add("url", url)
    lines = []
    if show.artists:
        lines.append("Lineup: " + ", ".join(a.display_name for a in show.artists))
    if show.price:
        lines.append(f"Price: {show.price}")
    if show.ticket_url:
        lines.append(f"Tickets: {show.ticket_url}")
    lines.append(url)
    event.add("description", "\n".join(lines))
    return event.to_ical()
