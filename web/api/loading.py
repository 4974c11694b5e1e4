"""Batched loading for one GraphQL request: a fixed number of queries per query shape.

Every event a resolver returns is registered with the request's ``Loader``. The first
time any of them is asked for its venue (or artists), the venues (or artists) of every
event registered and not yet loaded are read in one query, so a page of 100 events
costs what a page of 2 does. Venues' and artists' own event lists are loaded the same
way, for every venue (artist) in the answer at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from graph.labels import Relation
from graph.models import Edge, Node
from web.dashboard.present import billed
from web.public import queries


@dataclass
class Loader:
    """What one request has loaded so far, and what it still has to."""

    venues: dict[str, Node | None] = field(default_factory=dict)
    artists: dict[str, list[Node]] = field(default_factory=dict)
    pending_venues: set[str] = field(default_factory=set)
    pending_artists: dict[str, Node] = field(default_factory=dict)
    venue_events: dict[tuple, list[Node]] = field(default_factory=dict)
    artist_events: dict[tuple, list[Node]] = field(default_factory=dict)
    pending_venue_lists: set[str] = field(default_factory=set)
    pending_artist_lists: set[str] = field(default_factory=set)

    def events(self, events: list[Node]) -> list[Node]:
        """Register events whose venue and artists may be asked for; return them."""
        for event in events:
            venue_id = event.data.get("venue_id")
            if venue_id not in self.venues:
                self.pending_venues.add(venue_id)
            if event.pk not in self.artists:
                self.pending_artists[event.pk] = event
        return events

    def venue_of(self, event: Node) -> Node | None:
        """Return an event's venue, loading those of every registered event (one query)."""
        venue_id = event.data.get("venue_id")
        if venue_id not in self.venues:
            wanted = self.pending_venues | {venue_id}
            found = {v.pk: v for v in queries.public_venues().filter(pk__in=wanted)}
            self.venues.update((pk, found.get(pk)) for pk in wanted)
            self.pending_venues.clear()
        return self.venues[venue_id]

    def artists_of(self, event: Node) -> list[Node]:
        """Return an event's artists in billing order, loading them in one batch."""
        if event.pk not in self.artists:
            wanted = {**self.pending_artists, event.pk: event}
            found = Edge.objects.neighbour_map(list(wanted), Relation.PERFORMS_AT, "in")
            for pk, node in wanted.items():
                self.artists[pk] = billed(node.data, found.get(pk, []))
            self.pending_artists.clear()
        return self.artists[event.pk]

    def venues_listed(self, venues: list[Node]) -> list[Node]:
        """Register venues whose events may be asked for; return them."""
        self.pending_venue_lists.update(v.pk for v in venues)
        for venue in venues:
            self.venues.setdefault(venue.pk, venue)
        return venues

    def artists_listed(self, artists: list[Node]) -> list[Node]:
        """Register artists whose events may be asked for; return them."""
        self.pending_artist_lists.update(a.pk for a in artists)
        return artists

    def events_at(self, venue: Node, limit: int, include_past: bool) -> list[Node]:
        """Return a venue's first ``limit`` events (upcoming unless ``include_past``)."""
        shape = (limit, include_past)
        if (venue.pk, *shape) not in self.venue_events:
            wanted = self.pending_venue_lists | {venue.pk}
            events = _window(
                _since(queries.public_events(), include_past).filter(venue_ref__in=wanted),
                F("venue_ref"),
                limit,
            )
            grouped: dict[str, list[Node]] = defaultdict(list)
            for event in events:
                grouped[event.venue_ref].append(event)
            for pk in wanted:
                self.venue_events[(pk, *shape)] = self.events(grouped.get(pk, []))
        return self.venue_events[(venue.pk, *shape)]

    def events_of(self, artist: Node, limit: int, include_past: bool) -> list[Node]:
        """Return an artist's first ``limit`` events (upcoming unless ``include_past``)."""
        shape = (limit, include_past)
        if (artist.pk, *shape) not in self.artist_events:
            wanted = self.pending_artist_lists | {artist.pk}
            played = _since(queries.public_events(), include_past).filter(
                in_edges__source_id__in=wanted, in_edges__relation=Relation.PERFORMS_AT
            )
            played = played.annotate(artist_ref=F("in_edges__source_id"))
            grouped: dict[str, list[Node]] = defaultdict(list)
            for event in _window(played, F("artist_ref"), limit):
                grouped[event.artist_ref].append(event)
            for pk in wanted:
                self.artist_events[(pk, *shape)] = self.events(grouped.get(pk, []))
        return self.artist_events[(artist.pk, *shape)]


def _since(events, include_past: bool):
    return events if include_past else queries.between(events, queries.today(), None)


def _window(events, partition, limit: int) -> list[Node]:
    """Return the first ``limit`` events of each partition, in order (one query)."""
    ordered = queries.in_order(events)
    numbered = ordered.annotate(
        place=Window(
            RowNumber(),
            partition_by=[partition],
            order_by=[F("day_text").asc(), F("time_text").asc(nulls_first=True), F("id").asc()],
        )
    )
    return list(numbered.filter(place__lte=limit))
