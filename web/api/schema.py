"""The GraphQL schema: the Rust scraper's queries by their names, and two mutations.

Everything is read through ``web.public.queries``, so anonymous or not, a hidden event
or venue (or an event at a hidden venue) is never in an answer. Nested venues, artists
and event lists go through the request's ``Loader`` (``web.api.loading``): the number
of SQL queries depends on the shape of the query, never on how many rows it returns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
import strawberry_django
from django.middleware.csrf import CsrfViewMiddleware
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter
from strawberry.types import Info
from strawberry_django.permissions import IsStaff

from graph.labels import Label
from graph.models import Node
from web.api import hiding
from web.api.cost import MAX_COST, MAX_PAGE, CostLimiter
from web.api.loading import Loader
from web.dashboard.present import safe_link
from web.public import queries
from web.public.queries import Show

MAX_DEPTH = 6
MAX_ALIASES = 20
NESTED_EVENTS = 20  # a venue's or artist's events when the query does not say


def _loader(info: Info) -> Loader:
    context = info.context
    loader = getattr(context, "_sms_loader", None)
    if loader is None:
        loader = Loader()
        context._sms_loader = loader
    return loader


def _page(limit: int | None, offset: int | None = 0) -> tuple[int, int]:
    limit = MAX_PAGE if limit is None else limit
    if not 0 <= limit <= MAX_PAGE:
        raise GraphQLError(f"limit must be from 0 to {MAX_PAGE} (the page size limit)")
    offset = offset or 0
    if offset < 0:
        raise GraphQLError("offset must not be negative")
    return limit, offset


@strawberry.type(description="A source that reported an event, with its link to the show.")
class Source:
    name: str
    url: str | None


@strawberry.type(description="A place that hosts shows.")
class Venue:
    node: strawberry.Private[Node]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.node.pk)

    @strawberry.field
    def name(self) -> str:
        return self.node.data.get("name", "")

    @strawberry.field
    def slug(self) -> str:
        return self.node.data.get("slug", "")

    @strawberry.field
    def address(self) -> str | None:
        return self.node.data.get("address")

    @strawberry.field
    def city(self) -> str | None:
        return self.node.data.get("city")

    @strawberry.field
    def neighbourhood(self) -> str | None:
        return self.node.data.get("neighbourhood")

    @strawberry.field
    def latitude(self) -> float | None:
        return self.node.data.get("latitude")

    @strawberry.field
    def longitude(self) -> float | None:
        return self.node.data.get("longitude")

    @strawberry.field
    def url(self) -> str | None:
        return safe_link(self.node.data.get("url"))

    @strawberry.field(description="The venue's events, upcoming first (past ones if asked).")
    def events(
        self, info: Info, limit: int = NESTED_EVENTS, include_past: bool = False
    ) -> list[Event]:
        limit, _ = _page(limit)
        return [Event(node=e) for e in _loader(info).events_at(self.node, limit, include_past)]


@strawberry.type(description="A performer: a band, a solo act, a DJ.")
class Artist:
    node: strawberry.Private[Node]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.node.pk)

    @strawberry.field
    def name(self) -> str:
        return self.node.data.get("name", "")

    @strawberry.field
    def slug(self) -> str:
        return self.node.data.get("slug", "")

    @strawberry.field(description="The artist's events, upcoming first (past ones if asked).")
    def events(
        self, info: Info, limit: int = NESTED_EVENTS, include_past: bool = False
    ) -> list[Event]:
        limit, _ = _page(limit)
        return [Event(node=e) for e in _loader(info).events_of(self.node, limit, include_past)]


@strawberry.type(description="One show: a venue, a day, a start time, a lineup.")
class Event:
    node: strawberry.Private[Node]

    @property
    def _show(self) -> Show:
        return Show(self.node, None)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.node.pk)

    @strawberry.field
    def title(self) -> str:
        return self._show.title

    @strawberry.field
    def day(self) -> dt.date | None:
        return self._show.day

    @strawberry.field(description="Local start time HH:MM; null for an all-day show.")
    def start_time(self) -> str | None:
        return self._show.start_time

    @strawberry.field
    def end_time(self) -> str | None:
        return self._show.end_time

    @strawberry.field(description="When it starts, with the city's offset.")
    def starts_at(self) -> dt.datetime | None:
        starts = self._show.starts
        return starts if isinstance(starts, dt.datetime) else None

    @strawberry.field(description="scheduled or cancelled.")
    def status(self) -> str:
        return self.node.data.get("status", "scheduled")

    @strawberry.field
    def ticket_url(self) -> str | None:
        return self._show.ticket_url

    @strawberry.field
    def image_url(self) -> str | None:
        return self._show.image_url

    @strawberry.field
    def price_low(self) -> float | None:
        return self.node.data.get("price_low")

    @strawberry.field
    def price_high(self) -> float | None:
        return self.node.data.get("price_high")

    @strawberry.field
    def currency(self) -> str | None:
        return self.node.data.get("currency")

    @strawberry.field
    def age_limit(self) -> str | None:
        return self.node.data.get("age_limit")

    @strawberry.field
    def genres(self) -> list[str]:
        return list(self.node.data.get("genres") or [])

    @strawberry.field
    def venue(self, info: Info) -> Venue | None:
        venue = _loader(info).venue_of(self.node)
        return Venue(node=venue) if venue is not None else None

    @strawberry.field(description="The lineup in billing order.")
    def artists(self, info: Info) -> list[Artist]:
        return [Artist(node=a) for a in _loader(info).artists_of(self.node)]

    @strawberry.field(description="The sources that reported the show, highest-ranked first.")
    def sources(self) -> list[Source]:
        links: dict[str, str | None] = {}
        for report in (self.node.data.get("reports") or {}).values():
            links.setdefault(report.get("source"), safe_link(report.get("url")))
        return [Source(name=s, url=links.get(s)) for s in self.node.data.get("sources") or []]


def _events(info: Info, events: Any, limit: int | None, offset: int | None = 0) -> list[Event]:
    limit, offset = _page(limit, offset)
    rows = list(queries.in_order(events)[offset : offset + limit])
    return [Event(node=e) for e in _loader(info).events(rows)]


def _venues(info: Info, venues: Any) -> list[Venue]:
    rows = list(venues.order_by("key")[:MAX_PAGE])
    return [Venue(node=v) for v in _loader(info).venues_listed(rows)]


def _artists(info: Info, artists: Any, limit: int | None, offset: int | None) -> list[Artist]:
    limit, offset = _page(limit, offset)
    rows = list(artists.order_by("key")[offset : offset + limit])
    return [Artist(node=a) for a in _loader(info).artists_listed(rows)]


def _day(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise GraphQLError(f"{name} must be a day as YYYY-MM-DD, not {value[:20]!r}") from None


@strawberry.type
class Query:
    @strawberry.field(description="A venue by slug.")
    def venue(self, info: Info, slug: str) -> Venue | None:
        found = queries.public_venues().filter(key=slug).first()
        return Venue(node=_loader(info).venues_listed([found])[0]) if found else None

    @strawberry.field(description="Every venue, by slug (at most 100).")
    def venues(self, info: Info) -> list[Venue]:
        return _venues(info, queries.public_venues())

    @strawberry.field(description="The venues of a city (case does not matter).")
    def venues_by_city(self, info: Info, city: str) -> list[Venue]:
        return _venues(info, queries.public_venues().filter(data__city__iexact=city))

    @strawberry.field(description="An artist by slug.")
    def artist(self, info: Info, slug: str) -> Artist | None:
        found = Node.objects.labelled(Label.ARTIST).filter(key=slug).first()
        return Artist(node=_loader(info).artists_listed([found])[0]) if found else None

    @strawberry.field(description="Artists by slug, a page at a time.")
    def artists(self, info: Info, limit: int | None = None, offset: int | None = 0) -> list[Artist]:
        return _artists(info, Node.objects.labelled(Label.ARTIST), limit, offset)

    @strawberry.field(description="Artists whose name contains q.")
    def search_artists(
        self, info: Info, q: str, limit: int | None = None, offset: int | None = 0
    ) -> list[Artist]:
        found = Node.objects.labelled(Label.ARTIST).filter(data__name__icontains=q.strip()[:100])
        return _artists(info, found, limit, offset)

    @strawberry.field(description="An event by id (past ones too).")
    def event(self, info: Info, id: strawberry.ID) -> Event | None:
        found = queries.public_events().filter(pk=str(id)[:36]).first()
        return Event(node=_loader(info).events([found])[0]) if found else None

    @strawberry.field(description="Events in day order, upcoming unless includePast.")
    def events(
        self,
        info: Info,
        limit: int | None = None,
        offset: int | None = 0,
        include_past: bool = False,
    ) -> list[Event]:
        events = queries.public_events()
        if not include_past:
            events = queries.between(events, queries.today(), None)
        return _events(info, events, limit, offset)

    @strawberry.field(description="A venue's upcoming events.")
    def events_by_venue(
        self, info: Info, slug: str, limit: int | None = None, offset: int | None = 0
    ) -> list[Event]:
        venue = queries.public_venues().filter(key=slug).first()
        if venue is None:
            return []
        upcoming = queries.between(queries.venue_events(venue), queries.today(), None)
        return _events(info, upcoming, limit, offset)

    @strawberry.field(description="Events from start to end, both days included.")
    def events_by_date_range(
        self, info: Info, start: str, end: str, limit: int | None = None, offset: int | None = 0
    ) -> list[Event]:
        first, last = _day(start, "start"), _day(end, "end")
        return _events(info, queries.between(queries.public_events(), first, last), limit, offset)

    @strawberry.field(description="Events from today for the next `days` days.")
    def upcoming_events(
        self, info: Info, days: int = 7, limit: int | None = None, offset: int | None = 0
    ) -> list[Event]:
        if not 1 <= days <= 366:
            raise GraphQLError("days must be from 1 to 366")
        first = queries.today()
        events = queries.between(queries.public_events(), first, first + dt.timedelta(days - 1))
        return _events(info, events, limit, offset)

    @strawberry.field(
        description="Full-text search of titles, artists, venues (upcoming unless includePast)."
    )
    def search_events(
        self,
        info: Info,
        search: str,
        venue: str | None = None,
        limit: int | None = None,
        offset: int | None = 0,
        include_past: bool = False,
    ) -> list[Event]:
        events = queries.matching(queries.public_events(), search)
        if not include_past:
            events = queries.between(events, queries.today(), None)
        if venue:
            place = queries.public_venues().filter(key=venue).first()
            events = events.where(venue_id=place.pk) if place else events.none()
        return _events(info, events, limit, offset)


@strawberry.type(description="What a hide or unhide did.")
class Hidden:
    id: strawberry.ID
    hidden: bool


def _check_csrf(info: Info) -> None:
    """Refuse a mutation without a valid CSRF token: the view is exempt for queries."""
    request = info.context.request
    refused = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
    if refused is not None:
        raise GraphQLError("CSRF check failed: send the csrftoken cookie's value as X-CSRFToken")


def _hide(info: Info, event_id: strawberry.ID, hidden: bool) -> Hidden:
    _check_csrf(info)
    user = info.context.request.user
    changed = hiding.set_hidden([str(event_id)], hidden, by=user.get_username(), trigger="api")
    if not changed:
        raise GraphQLError(f"no event with id {str(event_id)[:36]!r}")
    return Hidden(id=strawberry.ID(changed[0].pk), hidden=bool(changed[0].data.get("hidden")))


STAFF_ONLY = "hideEvent and unhideEvent need a staff session"


@strawberry.type
class Mutation:
    @strawberry_django.mutation(
        extensions=[IsStaff(message=STAFF_ONLY)], description="Hide an event from the public."
    )
    def hide_event(self, info: Info, id: strawberry.ID) -> Hidden:
        return _hide(info, id, True)

    @strawberry_django.mutation(
        extensions=[IsStaff(message=STAFF_ONLY)], description="Show a hidden event again."
    )
    def unhide_event(self, info: Info, id: strawberry.ID) -> Hidden:
        return _hide(info, id, False)


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    extensions=[
        # Factories: each request gets fresh extensions (strawberry's advice).
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: CostLimiter(MAX_COST),
    ],
)
