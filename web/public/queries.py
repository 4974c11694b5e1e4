"""What the public may see of the graph, and the reads the public pages, feeds and API make.

One rule, here only: an event is public unless its data says ``hidden`` or its venue is
hidden; a venue is public unless hidden. Every public read starts from
``public_events()`` or ``public_venues()``, so a hidden node appears nowhere: pages,
search, feeds and GraphQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import quote

from django.db.models import Count, F, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from graph import search
from graph.expressions import JSONText
from graph.labels import Label, Relation
from graph.models import Edge, Node
from web.dashboard.present import billed, parse_day, safe_link

DEFAULT_DAYS = 7
MAX_DAYS = 60
SEARCH_LIMIT = 200  # rows a search shows at most; a search narrows, it does not list all


def today() -> dt.date:
    """Return today in the city (TIME_ZONE): the first day of every upcoming listing."""
    return timezone.localdate()


def public_venues() -> QuerySet[Node]:
    """Return the venues the public may see."""
    return Node.objects.labelled(Label.VENUE).where(hidden=False)


def hidden_venue_ids() -> QuerySet:
    """Return the ids of hidden venues, as a subquery."""
    return Node.objects.labelled(Label.VENUE).where(hidden=True).values("pk")


def public_events() -> QuerySet[Node]:
    """Return the events the public may see: not hidden, not at a hidden venue."""
    events = Node.objects.labelled(Label.EVENT).where(hidden=False)
    return events.annotate(venue_ref=JSONText("data", "venue_id")).exclude(
        venue_ref__in=hidden_venue_ids()
    )


def in_order(events: QuerySet[Node]) -> QuerySet[Node]:
    """Order events by day, then start time (all-day first), then id: stable pages."""
    events = _with_day(events).annotate(time_text=JSONText("data", "start_time"))
    return events.order_by("day_text", F("time_text").asc(nulls_first=True), "id")


def _with_day(events: QuerySet[Node]) -> QuerySet[Node]:
    # The expression of the index nodes_label_day (migration graph 0004), so a range of
    # days is an index range, not a scan of every event.
    if "day_text" in events.query.annotations:
        return events
    return events.annotate(day_text=JSONText("data", "day"))


def between(events: QuerySet[Node], first: dt.date, last: dt.date | None) -> QuerySet[Node]:
    """Keep the events from ``first`` to ``last`` (inclusive; None: no end)."""
    events = _with_day(events).filter(day_text__gte=first.isoformat())
    return events.filter(day_text__lte=last.isoformat()) if last else events


def matching(events: QuerySet[Node], q: str) -> QuerySet[Node]:
    """Keep the events the full-text search finds for ``q`` (none for a query of no words)."""
    found = search.matching_event_ids(q)
    if found is None:
        return events.none()
    return events.filter(pk__in=RawSQL(*found))


# -- shows as the pages list them ----------------------------------------------------


@dataclass
class Show:
    """An event as the public sees it, with its venue and lineup.

    node: the event node. venue: its venue node (None if missing). artists: in billing
    order.
    """

    node: Node
    venue: Node | None
    artists: list[Node] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.node.pk

    @property
    def data(self) -> dict[str, Any]:
        return self.node.data or {}

    @property
    def title(self) -> str:
        return str(self.data.get("title", ""))

    @property
    def day(self) -> dt.date | None:
        return parse_day(self.data.get("day"))

    @property
    def start_time(self) -> str | None:
        return self.data.get("start_time")

    @property
    def end_time(self) -> str | None:
        return self.data.get("end_time")

    @property
    def cancelled(self) -> bool:
        return self.data.get("status") == "cancelled"

    @property
    def starts(self) -> dt.datetime | dt.date | None:
        """When it starts: an aware datetime in the city, or the day for an all-day show."""
        return local_moment(self.day, self.start_time)

    @property
    def ends(self) -> dt.datetime | None:
        """When it ends, if a source says (past midnight: the next day)."""
        start, end = self.starts, local_moment(self.day, self.end_time)
        if not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime):
            return None
        return end if end > start else end + dt.timedelta(days=1)

    @property
    def url(self) -> str:
        return page_url("public:event", self.id)

    @property
    def venue_url(self) -> str | None:
        return page_url("public:venue", self.venue.data["slug"]) if self.venue else None

    @property
    def lineup(self) -> list[tuple[str, str]]:
        """The artists in billing order as (name, page address)."""
        return [(a.display_name, page_url("public:artist", a.data["slug"])) for a in self.artists]

    @property
    def ticket_url(self) -> str | None:
        return safe_link(self.data.get("ticket_url")) or safe_link(self.data.get("url"))

    @property
    def image_url(self) -> str | None:
        return safe_link(self.data.get("image_url"))

    @property
    def price(self) -> str | None:
        """The price as a fan reads it: "Free", "$15", "$15–$20"; None when unknown."""
        low, high = self.data.get("price_low"), self.data.get("price_high")
        if low is None and high is None:
            return None
        if (low or 0) == 0 and (high or 0) == 0:
            return "Free"
        sign = "$" if (self.data.get("currency") or "USD") == "USD" else ""
        suffix = "" if sign else f" {self.data.get('currency')}"
        low = low if low is not None else high
        text = f"{sign}{low:g}"
        if high is not None and high != low:
            text += f"–{sign}{high:g}"
        return text + suffix


@cache
def _url_parts(name: str) -> tuple[str, str]:
    return tuple(reverse(name, args=["--here--"]).split("--here--", 1))  # type: ignore[return-value]


def page_url(name: str, key: str) -> str:
    """Return the page of an event, venue or artist: ``reverse`` once per URL name, as a
    listing links hundreds of them."""
    before, after = _url_parts(name)
    return f"{before}{quote(str(key), safe='')}{after}"


def local_moment(day: dt.date | None, time: str | None) -> dt.datetime | dt.date | None:
    """Return a day and an HH:MM as an aware datetime in the city (the day alone if no time)."""
    if day is None:
        return None
    if not time:
        return day
    try:
        hour, minute = (int(part) for part in time.split(":"))
        moment = dt.datetime.combine(day, dt.time(hour, minute))
    except ValueError:
        return day
    return timezone.make_aware(moment, timezone.get_default_timezone())


def shows(events: list[Node], venues: dict[str, Node] | None = None) -> list[Show]:
    """Return events as shows with venue and lineup: two queries at most, any number."""
    if not events:
        return []
    if venues is None:
        wanted = {e.data.get("venue_id") for e in events}
        venues = {v.pk: v for v in Node.objects.filter(pk__in=wanted, label=Label.VENUE)}
    artists = Edge.objects.neighbour_map(events, Relation.PERFORMS_AT, "in")
    return [
        Show(e, venues.get(e.data.get("venue_id")), billed(e.data, artists.get(e.pk, [])))
        for e in events
    ]


@dataclass
class Day:
    """The shows of one day, in start-time order."""

    day: dt.date | None
    shows: list[Show] = field(default_factory=list)


def by_day(rows: list[Show]) -> list[Day]:
    """Group shows (in day order) by day."""
    days: list[Day] = []
    for row in rows:
        if not days or days[-1].day != row.day:
            days.append(Day(row.day))
        days[-1].shows.append(row)
    return days


# -- the listing ---------------------------------------------------------------------


class BadFilter(ValueError):
    """A listing filter the site cannot use; its message says what would work."""


@dataclass
class Filters:
    """The listing's filters: days ahead, a venue slug, a neighbourhood, a search."""

    days: int = DEFAULT_DAYS
    venue: str = ""
    neighbourhood: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        raw_days = (query.get("days") or "").strip()
        days = DEFAULT_DAYS
        if raw_days:
            if not raw_days.isdigit() or not 1 <= int(raw_days) <= MAX_DAYS:
                raise BadFilter(f"days must be a whole number from 1 to {MAX_DAYS}")
            days = int(raw_days)
        return cls(
            days=days,
            venue=(query.get("venue") or "").strip()[:100],
            neighbourhood=(query.get("neighbourhood") or "").strip()[:100],
            q=(query.get("q") or "").strip()[:200],
        )

    def query(self, **changes: Any) -> dict[str, str]:
        """Return these filters as query parameters (defaults left out)."""
        values = {**self.__dict__, **changes}
        params = {k: str(v) for k, v in values.items() if v not in ("", None)}
        if params.get("days") == str(DEFAULT_DAYS):
            params.pop("days")
        return params

    @property
    def active(self) -> bool:
        return bool(self.venue or self.neighbourhood or self.q or self.days != DEFAULT_DAYS)


@dataclass
class Listing:
    """The upcoming shows the filters select, by day, and what the filter form offers."""

    filters: Filters
    days: list[Day]
    venues: list[Node]
    neighbourhoods: list[str]
    venue: Node | None = None
    count: int = 0
    truncated: bool = False


def all_public_venues() -> dict[str, Node]:
    """Return the public venues by id, in name order (one query)."""
    venues = public_venues().annotate(name=JSONText("data", "name"))
    return {v.pk: v for v in venues.order_by("name", "id")}


def filtered_events(filters: Filters, venues: dict[str, Node]) -> tuple[QuerySet, Node | None]:
    """Return the public events the filters select (no ordering or limit), and the venue."""
    events = public_events()
    venue = next((v for v in venues.values() if v.data.get("slug") == filters.venue), None)
    if filters.venue:
        events = events.where(venue_id=venue.pk) if venue else events.none()
    if filters.neighbourhood:
        wanted = filters.neighbourhood.casefold()
        ids = [
            pk
            for pk, v in venues.items()
            if (v.data.get("neighbourhood") or "").casefold() == wanted
        ]
        events = events.where(venue_id__in=ids)
    if filters.q:
        events = matching(events, filters.q)
    return events, venue


def listing(filters: Filters) -> Listing:
    """Return the listing's shows: upcoming from today for ``filters.days`` days (4 queries)."""
    venues = all_public_venues()
    events, venue = filtered_events(filters, venues)
    first = today()
    events = between(events, first, first + dt.timedelta(days=filters.days - 1))
    rows = list(in_order(events)[: SEARCH_LIMIT + 1])
    truncated = len(rows) > SEARCH_LIMIT
    rows = rows[:SEARCH_LIMIT]
    neighbourhoods = sorted(
        {v.data["neighbourhood"] for v in venues.values() if v.data.get("neighbourhood")}
    )
    return Listing(
        filters,
        by_day(shows(rows, venues)),
        list(venues.values()),
        neighbourhoods,
        venue,
        len(rows),
        truncated,
    )


# -- one venue, artist, event --------------------------------------------------------


def venue_by_slug(slug: str) -> Node:
    """Return the public venue with this slug, or raise Http404."""
    venue = public_venues().filter(key=slug).first()
    if venue is None:
        raise Http404("No such venue")
    return venue


def artist_by_slug(slug: str) -> Node:
    """Return the artist with this slug, or raise Http404."""
    artist = Node.objects.labelled(Label.ARTIST).filter(key=slug).first()
    if artist is None:
        raise Http404("No such artist")
    return artist


def public_event(event_id: str) -> Show:
    """Return the public event with this id as a show (past ones too), or raise Http404."""
    event = public_events().filter(pk=str(event_id)[:36]).first()
    if event is None:
        raise Http404("No such show")
    return shows([event])[0]


def venue_events(venue: Node) -> QuerySet[Node]:
    """Return the public events at a venue."""
    return public_events().where(venue_id=venue.pk)


def artist_events(artist: Node) -> QuerySet[Node]:
    """Return the public events an artist plays."""
    played = Edge.objects.filter(source_id=artist.pk, relation=Relation.PERFORMS_AT)
    return public_events().filter(pk__in=played.values("target_id"))


@dataclass
class Timeline:
    """A venue's or an artist's shows: upcoming ones, and the latest past ones."""

    upcoming: list[Show]
    past: list[Show]


PAST_SHOWN = 20
UPCOMING_SHOWN = 60


def timeline(events: QuerySet[Node]) -> Timeline:
    """Return upcoming and recent past shows (four queries whatever their number)."""
    first = today().isoformat()
    ordered = in_order(events)
    upcoming = list(ordered.filter(day_text__gte=first)[:UPCOMING_SHOWN])
    past = list(ordered.filter(day_text__lt=first).reverse()[:PAST_SHOWN])
    rows = shows(upcoming + past)
    return Timeline(rows[: len(upcoming)], rows[len(upcoming) :])


def venue_index() -> list[tuple[Node, int]]:
    """Return every public venue with its number of upcoming shows (two queries)."""
    venues = all_public_venues()
    counts = dict(
        between(public_events(), today(), None)
        .values_list("venue_ref")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(v, counts.get(pk, 0)) for pk, v in venues.items()]


def upcoming(days: int | None = None) -> QuerySet[Node]:
    """Return the public events from today, for ``days`` days (None: all), in order."""
    first = today()
    last = first + dt.timedelta(days=days - 1) if days else None
    return in_order(between(public_events(), first, last))
