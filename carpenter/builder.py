"""One batch of raw items turned into venues, artists and events: the unit of work.

``Builder.build(raws)`` runs inside one transaction: everything a batch makes (nodes,
edges, processed flags, audit records) is stored together or not at all. Work is done
per batch, not per item: each step below is a few queries for the whole batch.

1. read: the source reads each stored item again into a ``Show``; items it cannot
   read are errors (left unprocessed, retried next run), non-shows are skips.
2. venues: matched or created (``carpenter.venues``), aliases learnt.
3. artists: the source's list or the title's names; one node per slug.
4. events: one per venue + day + start time. A second source's report of the same
   show merges into it (priority decides disagreements); a show whose item now says
   another time moves, it does not duplicate.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from carpenter import events as ev
from carpenter import skips
from carpenter.artists import artist_slug, extract_artists
from carpenter.venues import VenueIndex, learn, new_venue_data, venue_slug
from graph.audit import CREATE, ERROR, NOOP, SKIP, UPDATE, RunLog, diff
from graph.models import Edge, Node
from graph.schemas import GraphDataError
from ingest.items import ItemError, Show
from ingest.sources import UnknownSource, get_source

DERIVED_FROM, HOSTS, PERFORMS_AT = "derived_from", "hosts", "performs_at"
# Bookkeeping fields left out of an event's diff: they change whenever sources do.
UNDIFFED = ("field_sources",)


@dataclass
class Item:
    """A raw item on its way into the graph."""

    raw: Node
    source: str
    show: Show
    venue: Node | None = None
    artists: list[Node] = field(default_factory=list)


@dataclass
class EventWork:
    """An event the batch creates or changes, until it is written.

    node: the stored event (None while new).
    original: its data as loaded (None while new), for the diff.
    raw_ids: the raw items it derives from.
    """

    data: dict[str, Any]
    venue: Node
    node: Node | None = None
    original: dict[str, Any] | None = None
    raw_ids: set[str] = field(default_factory=set)
    new_raws: list[Node] = field(default_factory=list)
    dropped_raws: set[str] = field(default_factory=set)
    touched_by: Item | None = None
    removed_because: str | None = None

    @property
    def key(self) -> str:
        return ev.event_key(self.data["venue_id"], self.data["day"], self.data["start_time"])


@dataclass
class EventBatch:
    """The events one batch works on, by key, by id, and by the raw item they came from."""

    works: list[EventWork] = field(default_factory=list)
    by_key: dict[str, EventWork] = field(default_factory=dict)
    by_id: dict[str, EventWork] = field(default_factory=dict)
    by_raw: dict[str, EventWork] = field(default_factory=dict)

    def add(self, work: EventWork) -> None:
        self.works.append(work)
        self.by_key[work.key] = work
        if work.node is not None:
            self.by_id[work.node.pk] = work


class Builder:
    """Turns batches of raw items into the graph, remembering venues and artists."""

    def __init__(self, log: RunLog) -> None:
        self.log = log
        self.reset()

    def reset(self) -> None:
        """Forget what is held in memory (after a batch rolled back, it may be gone)."""
        self.venues = VenueIndex.load()
        self.artists: dict[str, Node] = {}
        # What each way a source describes a venue resolved to, for this run.
        self.resolved: dict[Any, Node] = {}

    def build(self, raws: list[Node]) -> list[Node]:
        """Process one batch (inside a transaction); return the raw items now processed."""
        items, done = self._read(raws)
        items = self._resolve_venues(items)
        self._resolve_artists(items)
        self._resolve_events(items)
        done.extend(item.raw for item in items)
        fresh = [raw for raw in done if not raw.data["processed"]]
        for raw in fresh:
            raw.data["processed"] = True
        Node.objects.bulk_update_data(fresh, touch=False)
        self.log.flush()
        return done

    # -- 1. read --------------------------------------------------------------------

    def _read(self, raws: list[Node]) -> tuple[list[Item], list[Node]]:
        items: list[Item] = []
        skipped: list[Node] = []
        for raw in raws:
            source = raw.data["source"]
            try:
                _, show = get_source(source).read(raw.data["payload"])
                skips.check(show)
            except (ItemError, UnknownSource) as error:
                self._about_raw(ERROR, raw, reason=str(error))
            except skips.Skip as skip:
                if raw.data["processed"]:
                    # Skipped before for the same reason: nothing changed, nothing to record.
                    self.log.tally(source, NOOP, kind="raw_data")
                else:
                    self._about_raw(SKIP, raw, reason=str(skip))
                skipped.append(raw)
            else:
                items.append(Item(raw, source, show))
        return items, skipped

    def _about_raw(self, change_type: str, raw: Node, *, reason: str) -> None:
        about_raw(self.log, change_type, raw, reason=reason)

    # -- 2. venues ------------------------------------------------------------------

    def _resolve_venues(self, items: list[Item]) -> list[Item]:
        kept = []
        for item in items:
            facts = item.show.venue or get_source(item.source).venue
            if facts is None:
                self._about_raw(ERROR, item.raw, reason="the item names no venue")
                continue
            try:
                item.venue = self._venue(facts, item)
            except GraphDataError as error:
                self._about_raw(ERROR, item.raw, reason=f"venue {facts.name!r}: {error}")
                continue
            kept.append(item)
        return kept

    def _venue(self, facts: Any, item: Item) -> Node:
        if facts in self.resolved:
            return self.resolved[facts]
        match = self.venues.match(facts)
        venue = match.venue if match else self.venues.by_slug.get(venue_slug(facts.name))
        if venue is None:
            data = new_venue_data(facts)
            venue = self.venues.by_slug.get(data["slug"])
        if venue is None:
            venue = Node.objects.create_node("venue", data)
            self._record(CREATE, "venue", item, venue, venue.data["name"])
            self.venues.add(venue)
        else:
            learnt = learn(venue, facts)
            if learnt != venue.data:
                old, venue.data = venue.data, learnt
                Node.objects.bulk_update_data([venue])
                changes = diff(old, venue.data)
                self._record(UPDATE, "venue", item, venue, venue.data["name"], diff=changes)
                self.venues.add(venue)
        self.resolved[facts] = venue
        return venue

    # -- 3. artists -----------------------------------------------------------------

    def _resolve_artists(self, items: list[Item]) -> None:
        # Which names might be artists we know? Ask once for the whole batch.
        wanted: set[str] = set()

        def note(slug: str) -> bool:
            wanted.add(slug)
            return False

        for item in items:
            names = item.show.artists
            if names is None:
                names = extract_artists(item.show.title, note)
            wanted.update(artist_slug(n) for n in names)
        missing = wanted - self.artists.keys()
        self.artists.update(Node.objects.by_keys("artist", missing))

        new: dict[str, tuple[dict[str, str], Item]] = {}
        lineups: list[list[str]] = []
        for item in items:
            names = item.show.artists
            if names is None:
                names = extract_artists(item.show.title, lambda s: s in self.artists)
            slugs = []
            for name in names:
                slug = artist_slug(name)
                if not slug:
                    continue
                slugs.append(slug)
                if slug not in self.artists and slug not in new:
                    new[slug] = ({"name": name.strip(), "slug": slug}, item)
            lineups.append(list(dict.fromkeys(slugs)))
        if new:
            created = Node.objects.bulk_create_nodes("artist", [d for d, _ in new.values()])
            for node, (_, item) in zip(created, new.values(), strict=True):
                self.artists[node.data["slug"]] = node
                self._record(CREATE, "artist", item, node, node.data["name"])
        for item, slugs in zip(items, lineups, strict=True):
            item.artists = [self.artists[s] for s in slugs]

    # -- 4. events ------------------------------------------------------------------

    def _resolve_events(self, items: list[Item]) -> None:
        batch = self._load_events(items)
        for item in items:
            self._place(item, batch)
        self._write_events(batch.works)

    def _load_events(self, items: list[Item]) -> EventBatch:
        """Load the events the batch may touch: at its keys, and those its raws made."""
        raw_ids = [item.raw.pk for item in items]
        previous = {
            edge.target_id: edge.source
            for edge in Edge.objects.filter(relation=DERIVED_FROM, target_id__in=raw_ids)
            .select_related("source")
            .order_by()
        }
        keys = [ev.event_key(i.venue.pk, i.show.day, i.show.start_time) for i in items]
        at_keys = Node.objects.by_keys("event", keys)
        events = {node.pk: node for node in [*previous.values(), *at_keys.values()]}
        venues = dict(self.venues.by_id)
        missing_venues = {e.data["venue_id"] for e in events.values()} - venues.keys()
        venues.update((v.pk, v) for v in Node.objects.filter(pk__in=missing_venues))
        raws: dict[str, set[str]] = {pk: set() for pk in events}
        for event_id, raw_id in Edge.objects.filter(
            relation=DERIVED_FROM, source_id__in=list(events)
        ).values_list("source_id", "target_id"):
            raws[event_id].add(raw_id)
        batch = EventBatch()
        for pk, node in events.items():
            work = EventWork(
                data=copy.deepcopy(node.data),
                venue=venues[node.data["venue_id"]],
                node=node,
                original=node.data,
                raw_ids=raws[pk],
            )
            batch.add(work)
        batch.by_raw = {raw_id: batch.by_id[event.pk] for raw_id, event in previous.items()}
        return batch

    def _place(self, item: Item, batch: EventBatch) -> None:
        """Put one show on its event: the one at its key, its previous one moved, or new."""
        show, raw = item.show, item.raw
        key = ev.event_key(item.venue.pk, show.day, show.start_time)
        target = batch.by_key.get(key)
        previous = batch.by_raw.get(raw.pk)
        if previous is not None and previous is not target:
            if target is None and previous.raw_ids <= {raw.pk}:
                # The show moved (another time, day or venue): its event moves with it.
                del batch.by_key[previous.key]
                previous.data.update(
                    venue_id=item.venue.pk, day=show.day, start_time=show.start_time
                )
                previous.venue = item.venue
                batch.by_key[key] = target = previous
            else:
                # Its event stays with its other sources; the show goes where it now is.
                previous.raw_ids.discard(raw.pk)
                previous.dropped_raws.add(raw.pk)
                previous.data = ev.drop_source(previous.data, item.source)
                previous.touched_by = item
                if not previous.raw_ids:
                    when = f"{show.day} {show.start_time or 'all day'}"
                    previous.removed_because = f"its show moved to {when}"
                    del batch.by_key[previous.key]
        if target is None:
            target = EventWork(data=ev.new_event_data(item.venue.pk, show), venue=item.venue)
            batch.add(target)
        lineup = [artist.data["slug"] for artist in item.artists]
        target.data = ev.merge_show(target.data, show, item.source, lineup)
        if raw.pk not in target.raw_ids:
            target.raw_ids.add(raw.pk)
            target.new_raws.append(raw)
        target.touched_by = item
        batch.by_raw[raw.pk] = target

    def _write_events(self, works: list[EventWork]) -> None:
        new = [w for w in works if w.node is None and w.removed_because is None]
        gone = [w for w in works if w.node is not None and w.removed_because is not None]
        kept = [w for w in works if w.node is not None and w.removed_because is None]
        changed = [w for w in kept if w.data != w.original]
        created = Node.objects.bulk_create_nodes("event", [w.data for w in new])
        for work, node in zip(new, created, strict=True):
            work.node = node
        for work in changed:
            work.node.data = work.data
        Node.objects.bulk_update_data([w.node for w in changed])

        links: list[tuple[Node, str, Node]] = []
        stale: list[tuple[str, str, str]] = []
        for work in [*new, *kept]:
            links += [(work.node, DERIVED_FROM, raw) for raw in work.new_raws]
            stale += [(work.node.pk, DERIVED_FROM, raw_id) for raw_id in work.dropped_raws]
            if work.data == work.original:
                continue
            old = work.original or {}
            if work.data["venue_id"] != old.get("venue_id"):
                links.append((work.venue, HOSTS, work.node))
                if old:
                    stale.append((old["venue_id"], HOSTS, work.node.pk))
            # Only what this batch's items changed: their artists are the ones in hand.
            playing, played = ev.lineup_slugs(work.data), ev.lineup_slugs(old)
            links += [(self.artists[s], PERFORMS_AT, work.node) for s in sorted(playing - played)]
            stale += [(s, PERFORMS_AT, work.node.pk) for s in played - playing]
        Edge.objects.bulk_link(links)
        self._unlink(stale)
        if gone:
            Node.objects.filter(pk__in=[w.node.pk for w in gone]).delete()

        for work in new:
            self._record(CREATE, "event", work.touched_by, work.node, self._describe(work))
        for work in changed:
            changes = diff(_without(work.original, UNDIFFED), _without(work.data, UNDIFFED))
            self._record(
                UPDATE, "event", work.touched_by, work.node, self._describe(work), diff=changes
            )
        for work in gone:
            summary = f"{self._describe(work)}: removed, {work.removed_because}"
            removed = {"removed": {"old": False, "new": True}}
            self._record(UPDATE, "event", work.touched_by, None, summary, diff=removed)
        for work in kept:
            if work.data == work.original and work.touched_by is not None:
                self.log.tally(work.touched_by.source, NOOP, kind="event")

    def _unlink(self, stale: list[tuple[str, str, str]]) -> None:
        """Remove edges that no longer hold (artists are named by slug until looked up)."""
        if not stale:
            return
        slugs = {s for s, rel, _ in stale if rel == PERFORMS_AT and s not in self.artists}
        self.artists.update(Node.objects.by_keys("artist", slugs))
        edges = []
        for source, relation, target in stale:
            if relation == PERFORMS_AT:
                if source not in self.artists:
                    continue
                source = self.artists[source].pk
            edges.append((source, relation, target))
        Edge.objects.bulk_unlink(edges)

    def _describe(self, work: EventWork) -> str:
        return ev.describe(work.venue.data["name"], work.data)

    def _record(
        self,
        change_type: str,
        kind: str,
        item: Item | None,
        node: Node | None,
        summary: str,
        **fields: Any,
    ) -> None:
        source = item.source if item else "carpenter"
        raw_id = item.raw.pk if item else None
        self.log.add(change_type, source, summary, node, kind=kind, raw_data_id=raw_id, **fields)


def about_raw(log: RunLog, change_type: str, raw: Node, *, reason: str) -> None:
    """Record a skip or an error about a raw item itself (it made no venue or event)."""
    log.add(
        change_type,
        raw.data["source"],
        raw.data.get("event_name") or raw.data["external_id"],
        raw,
        kind="raw_data",
        reason=reason,
        raw_data_id=raw.pk,
    )


def _without(data: dict[str, Any] | None, fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in (data or {}).items() if k not in fields}
