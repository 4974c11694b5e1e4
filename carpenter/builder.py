"""One batch of raw items turned into venues, artists and events: the unit of work.

``Builder.build(raws)`` runs inside one transaction: everything a batch makes (nodes,
edges, processed flags, audit records) is stored together or not at all. Work is done
per batch, not per item: each step below is a few queries for the whole batch.

1. read: the source reads each stored item again into a ``Show``; items it cannot
   read are errors (left unprocessed, retried next run), non-shows are skips.
2. venues: matched or created (``carpenter.venues``), aliases learnt.
3. artists: the source's list or the title's names; one node per slug.
4. events: one per venue + day + start time, each holding a report per raw item that
   describes it (``carpenter.events``). Items first leave the events they described,
   then join the event at their show's slot, so a show that changed its time moves and
   two shows that swapped slots stay two; an event no item reports any more is removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from carpenter import events as ev
from carpenter import overrides, shows, skips, vanish
from carpenter.aliases import Aliases
from carpenter.artists import artist_slug, extract_artists
from carpenter.venues import VenueIndex, learn, new_venue_data, venue_slug
from graph import search
from graph.audit import CREATE, ERROR, NOOP, SKIP, UPDATE, RunLog, diff
from graph.bounds import MAX_LINEUP
from graph.models import Edge, Node
from graph.schemas import GraphDataError
from graph.store import chunked
from ingest.items import ItemError, Show, VenueFacts
from ingest.sources import UnknownSource, get_source

DERIVED_FROM, HOSTS, PERFORMS_AT = "derived_from", "hosts", "performs_at"


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
    """An event the batch may change, until it is written.

    data: its data as the batch leaves it (reports, and the fields derived from them).
    node: the stored event (None while new).
    original: its data as loaded (None while new), for the diff.
    venue: the venue node hosting it (None if that venue is gone).
    joined, left: raw items that started or stopped describing it in this batch (the
        ones that left with why).
    touched_by: the source and raw item of the last change, for its record.
    same_show: raw items that joined it at another start time, with why
        (``carpenter.shows``), for its record.
    """

    data: dict[str, Any]
    venue: Node | None
    node: Node | None = None
    original: dict[str, Any] | None = None
    joined: list[Node] = field(default_factory=list)
    left: dict[str, str] = field(default_factory=dict)
    touched_by: tuple[str, Node] | None = None
    same_show: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return ev.event_key(self.data["venue_id"], self.data["day"], self.data["start_time"])

    @property
    def empty(self) -> bool:
        return not self.data["reports"]


@dataclass
class EventBatch:
    """The events one batch works on: by slot (natural key) and by the raw items in them."""

    works: list[EventWork] = field(default_factory=list)
    by_key: dict[str, EventWork] = field(default_factory=dict)
    by_raw: dict[str, EventWork] = field(default_factory=dict)
    left_from: dict[str, EventWork] = field(default_factory=dict)
    wanted: set[str] = field(default_factory=set)
    # The works at each venue on each day (carpenter.shows.day_prefix): the events a
    # listing of the same show at another time may belong to, found without a scan.
    by_day: dict[str, list[EventWork]] = field(default_factory=dict)

    def add(self, work: EventWork) -> None:
        self.works.append(work)
        self.by_key[work.key] = work
        self.on_day(work)
        for raw_id in work.data["reports"]:
            self.by_raw[raw_id] = work

    def on_day(self, work: EventWork) -> None:
        day = shows.day_prefix(work.data["venue_id"], work.data["day"])
        self.by_day.setdefault(day, []).append(work)


class Builder:
    """Turns batches of raw items into the graph, remembering venues and artists."""

    def __init__(self, log: RunLog) -> None:
        self.log = log
        self.reset()

    def reset(self) -> None:
        """Forget what is held in memory (after a batch rolled back, it may be gone)."""
        self.venues = VenueIndex.load()
        self.artists: dict[str, Node] = {}
        # Operators' artist merges and splits: what a name a title gives means.
        self.aliases = Aliases.load()
        # What each way a source describes a venue resolved to, for this run.
        self.resolved: dict[VenueFacts, Node] = {}

    def build(self, raws: list[Node]) -> list[Node]:
        """Process one batch (inside a transaction); return the raw items now processed."""
        items, skipped = self._read(raws)
        items = self._resolve_venues(items)
        self._resolve_artists(items)
        self._resolve_events(items, skipped)
        done = [*(raw for raw, _ in skipped), *(item.raw for item in items)]
        fresh = [raw for raw in done if not raw.data["processed"]]
        for raw in fresh:
            raw.data["processed"] = True
        Node.objects.bulk_update_data(fresh, touch=False)
        self.log.flush()
        return done

    # -- 1. read --------------------------------------------------------------------

    def _read(self, raws: list[Node]) -> tuple[list[Item], list[tuple[Node, str]]]:
        items: list[Item] = []
        skipped: list[tuple[Node, str]] = []
        for raw in raws:
            source = raw.data["source"]
            try:
                # read_item: the same bounds and per-item failures as at ingest time.
                show = get_source(source).read_item(raw.data["payload"]).show
                skips.check(show)
            except (ItemError, UnknownSource) as error:
                about_raw(self.log, ERROR, raw, reason=str(error))
            except skips.Skip as skip:
                if raw.data["processed"]:
                    # Skipped before for the same reason: nothing changed, nothing to record.
                    self.log.tally(source, NOOP, kind="raw_data")
                else:
                    about_raw(self.log, SKIP, raw, reason=str(skip))
                skipped.append((raw, str(skip)))
            else:
                items.append(Item(raw, source, show))
        return items, skipped

    # -- 2. venues ------------------------------------------------------------------

    def _resolve_venues(self, items: list[Item]) -> list[Item]:
        kept = []
        for item in items:
            facts = item.show.venue or get_source(item.source).venue
            if facts is None:
                about_raw(self.log, ERROR, item.raw, reason="the item names no venue")
                continue
            try:
                item.venue = self._venue(facts, item)
            except GraphDataError as error:
                reason = f"venue {facts.name!r}: {error}"
                about_raw(self.log, ERROR, item.raw, reason=reason)
                continue
            kept.append(item)
        return kept

    def _venue(self, facts: VenueFacts, item: Item) -> Node:
        if facts in self.resolved:
            return self.resolved[facts]
        match = self.venues.match(facts)
        venue = match.venue if match else self.venues.by_slug.get(venue_slug(facts.name))
        if venue is None:
            data = new_venue_data(facts)
            venue = self.venues.by_slug.get(data["slug"])
        if venue is None:
            venue = Node.objects.create_node("venue", data)
            self._record(CREATE, "venue", (item.source, item.raw), venue, venue.data["name"])
            self.venues.add(venue)
        else:
            learnt = overrides.apply(learn(venue, facts))  # operators' corrections stand
            if learnt != venue.data:
                old, venue.data = venue.data, learnt
                Node.objects.bulk_update_data([venue])
                changes = diff(old, venue.data)
                self._record(
                    UPDATE,
                    "venue",
                    (item.source, item.raw),
                    venue,
                    venue.data["name"],
                    diff=changes,
                )
                self.venues.add(venue)
        self.resolved[facts] = venue
        return venue

    # -- 3. artists -----------------------------------------------------------------

    def _resolve_artists(self, items: list[Item]) -> None:
        # Which names might be artists we know (whole, or each side of an "&")? Ask
        # the database once for the whole batch.
        wanted: set[str] = set()
        spelled: dict[str, str] = {}  # the names the batch's items give whole, by slug

        def note(slug: str) -> bool:
            wanted.add(slug)
            return False

        for item in items:
            names = item.show.artists
            if names is None:
                names = extract_artists(item.show.title, note)[:MAX_LINEUP]
            for name in names:
                spelled.setdefault(artist_slug(name), name.strip())
        wanted |= spelled.keys()
        wanted |= {slug for name in list(wanted) for slug in self.aliases.resolve(name)}
        self.artists.update(Node.objects.by_keys("artist", wanted - self.artists.keys()))

        # Every name the batch gives counts as known, whatever the order of its items.
        new: dict[str, tuple[dict[str, str], Item]] = {}
        lineups: list[list[str]] = []
        for item in items:
            names = item.show.artists
            if names is None:
                # A joined name stored as one artist stays one (is_one): a later run
                # never re-splits what an earlier one made.
                names = extract_artists(
                    item.show.title,
                    lambda s: s in self.artists or s in spelled or s in self.aliases,
                    lambda s: s in self.artists or self.aliases.means_one(s),
                )[:MAX_LINEUP]  # the bound on a lineup (graph.bounds), as a source's list
            slugs = []
            for name in names:
                for slug in self.aliases.resolve(artist_slug(name)):
                    if not slug:
                        continue
                    slugs.append(slug)
                    if slug in self.artists or slug in new:
                        continue
                    # As an item names it whole ("The Dreamers"), not as a piece of
                    # "Kate & the Dreamers".
                    new[slug] = ({"name": spelled.get(slug, name.strip()), "slug": slug}, item)
            lineups.append(list(dict.fromkeys(slugs)))
        if new:
            created = Node.objects.bulk_create_nodes("artist", [d for d, _ in new.values()])
            for node, (_, item) in zip(created, new.values(), strict=True):
                self.artists[node.data["slug"]] = node
                self._record(CREATE, "artist", (item.source, item.raw), node, node.data["name"])
        for item, slugs in zip(items, lineups, strict=True):
            item.artists = [self.artists[s] for s in slugs]

    # -- 4. events ------------------------------------------------------------------

    def _resolve_events(self, items: list[Item], skipped: list[tuple[Node, str]]) -> None:
        batch = self._load_events([i.raw for i in items] + [raw for raw, _ in skipped], items)
        batch.wanted = {ev.event_key(i.venue.pk, i.show.day, i.show.start_time) for i in items}
        # Every item first leaves the event it described: its show may be elsewhere now.
        for item in items:
            self._leave(batch, item.raw, f"its show moved to {_when(item.show)}")
        for raw, reason in skipped:
            self._leave(batch, raw, f"its item is now skipped: {reason}")

        # Items whose slot holds an event go first: a listing of the same show at
        # another time (doors, TBA) then finds that event to join (carpenter.shows).
        def slot_free(item: Item) -> bool:
            return (
                ev.event_key(item.venue.pk, item.show.day, item.show.start_time) not in batch.by_key
            )

        for item in sorted(items, key=slot_free):
            self._place(item, batch)
        self._write_events(batch.works)

    def _load_events(self, raws: list[Node], items: list[Item]) -> EventBatch:
        """Load the events the batch may touch: those its items made, and at its slots."""
        # Locked until the batch commits where the engine can (PostgreSQL): a run of
        # another source may be writing the same events. SQLite serialises writers.
        made = (
            Edge.objects.filter(relation=DERIVED_FROM, target_id__in=[r.pk for r in raws])
            .select_related("source")
            .select_for_update(of=("source",))
            .order_by("source_id")
        )
        previous = {edge.source_id: edge.source for edge in made}
        # Every event at the items' venues on their days: those at their slots, and
        # those the same show may be listed at with another time (carpenter.shows).
        same_days = shows.load_same_days((i.venue.pk, i.show.day) for i in items)
        events = {**previous, **{node.pk: node for node in same_days}}
        venues = dict(self.venues.by_id)
        wanted = {e.data["venue_id"] for e in events.values()} - venues.keys()
        venues.update((v.pk, v) for v in Node.objects.filter(pk__in=wanted))
        batch = EventBatch()
        for node in events.values():
            original = ev.as_stored(node.data)
            batch.add(
                EventWork(
                    data=_copy_json(original),
                    venue=venues.get(node.data["venue_id"]),  # None: deleted since
                    node=node,
                    original=original,
                )
            )
        return batch

    def _leave(self, batch: EventBatch, raw: Node, why: str) -> None:
        work = batch.by_raw.pop(raw.pk, None)
        if work is None:
            return
        work.data["reports"].pop(raw.pk)
        work.left[raw.pk] = why
        work.touched_by = (raw.data["source"], raw)
        batch.left_from[raw.pk] = work

    def _place(self, item: Item, batch: EventBatch) -> None:
        """Put one show on the event at its slot: the one there, its own moved, or new."""
        show, raw = item.show, item.raw
        key = ev.event_key(item.venue.pk, show.day, show.start_time)
        target = batch.by_key.get(key)
        if target is None:
            mine = batch.left_from.get(raw.pk)
            if (
                mine is not None
                and mine.node is not None
                and mine.empty
                and batch.by_key.get(mine.key) is mine
                and mine.key not in batch.wanted  # a show of this batch stays there
            ):
                # The show moved to a free slot: its event moves with it.
                del batch.by_key[mine.key]
                mine.data.update(venue_id=item.venue.pk, day=show.day, start_time=show.start_time)
                mine.venue = item.venue
                batch.by_key[key] = target = mine
                batch.on_day(mine)
            else:
                target = self._same_show(item, batch)
            if target is None:
                target = EventWork(data=ev.new_event(item.venue.pk, show), venue=item.venue)
                batch.add(target)
        lineup = [artist.data["slug"] for artist in item.artists]
        gone = vanish.is_gone(raw)  # taken for gone: its report backs nothing
        target.data["reports"][raw.pk] = ev.report(item.source, show, lineup, gone=gone)
        if target.left.pop(raw.pk, None) is None:
            target.joined.append(raw)
        target.touched_by = (item.source, raw)
        batch.by_raw[raw.pk] = target

    def _same_show(self, item: Item, batch: EventBatch) -> EventWork | None:
        """Return the event at the item's venue that day that is its show, if any."""
        show = item.show
        lineup = [artist.data["slug"] for artist in item.artists]
        prefix = shows.day_prefix(item.venue.pk, show.day)
        fits = []
        for work in batch.by_day.get(prefix, ()):
            key = work.key
            if work.empty or not key.startswith(prefix) or batch.by_key.get(key) is not work:
                continue  # left empty, or moved away since
            why = shows.same_show(work.data, item.source, show.title, show.start_time, lineup)
            if why is not None:
                fits.append((shows.apart(work.data["start_time"], show.start_time), work, why))
        if fits:
            _, work, why = min(fits, key=lambda fit: fit[0])  # the nearest in time
            key = work.key
            work.same_show[item.raw.pk] = why
            timed = ev.event_key(item.venue.pk, show.day, show.start_time)
            if shows.takes_slot(work.data, item.source, show.start_time) and (
                timed not in batch.by_key
            ):
                # A time announced, or given by a source ranked higher: the event moves.
                del batch.by_key[key]
                work.data["start_time"] = show.start_time
                batch.by_key[timed] = work
            return work
        return None

    def _write_events(self, works: list[EventWork]) -> None:
        for work in works:
            if not work.empty:
                work.data = ev.resolve(work.data)
        gone = [w for w in works if w.empty and w.node is not None]
        new = [w for w in works if w.node is None and not w.empty]
        changed = [w for w in works if w.node is not None and not w.empty and w.data != w.original]

        # Order matters to the unique (venue, day, start time): free slots first.
        if gone:
            Node.objects.filter(pk__in=[w.node.pk for w in gone]).delete()
        moved = [w for w in changed if w.key != ev.event_key(*_slot(w.original))]
        if moved:
            # Park the moving events on keys no show has, then put them in place:
            # two events may be trading or passing on slots within one batch.
            for work in moved:
                work.node.data = {**work.original, "venue_id": f"moving-{work.node.pk}"}
            Node.objects.bulk_update_data([w.node for w in moved])
        for work in changed:
            work.node.data = work.data
        Node.objects.bulk_update_data([w.node for w in changed])
        created = Node.objects.bulk_create_nodes("event", [w.data for w in new])
        for work, node in zip(new, created, strict=True):
            work.node = node

        repaired = self._reconcile_edges([w for w in works if w.node is not None and not w.empty])
        self._index(works)  # public search

        for work in new:
            why = shows.why(work.same_show)
            self._record(CREATE, "event", work.touched_by, work.node, self._describe(work), **why)
        for work in changed:
            changes = diff(ev.meaning(work.original), ev.meaning(work.data))
            summary = self._describe(work)
            why = shows.why(work.same_show)
            self._record(UPDATE, "event", work.touched_by, work.node, summary, diff=changes, **why)
        for work in gone:
            why = next(reversed(work.left.values()))
            summary = f"{self._describe(work)}: removed, {why}"
            removed = {"removed": {"old": False, "new": True}}
            self._record(UPDATE, "event", work.touched_by, None, summary, diff=removed)
        for work in works:
            unchanged = work.node is not None and work.data == work.original
            if not unchanged or work.touched_by is None:
                continue
            if work.node.pk in repaired:
                summary = f"{self._describe(work)}: its edges repaired"
                changes = {"edges": repaired[work.node.pk]}
                self._record(UPDATE, "event", work.touched_by, work.node, summary, diff=changes)
            else:
                self.log.tally(work.touched_by[0], NOOP, kind="event")

    def _index(self, works: list[EventWork]) -> None:
        """Bring the public search's rows of the batch's events up to date.

        A touched event's document is made from what the batch holds: its data as
        written, its venue, and the artists ``_reconcile_edges`` just gave it exactly;
        the others (edges not reconciled) are read back from the database.
        """
        documents: dict[str, str | None] = {}
        untouched = []
        for work in works:
            if work.node is None:
                continue
            if work.empty:
                documents[work.node.pk] = None  # deleted
            elif work.touched_by is None:
                untouched.append(work.node.pk)
            else:
                data = work.node.data
                names = [
                    self.artists[s].data["name"] for s in ev.billing(data) if s in self.artists
                ]
                venue = work.venue.data if work.venue is not None else {}
                documents[work.node.pk] = search.document(data, venue, names)
        search.index_documents(documents)
        search.index_events(untouched)

    def _reconcile_edges(self, works: list[EventWork]) -> dict[str, dict[str, list[str]]]:
        """Give each touched event exactly the edges its data calls for.

        Wanted: ``hosts`` from its venue, ``derived_from`` to each raw item it reports,
        ``performs_at`` from each artist its reports list. They are compared with the
        edges it has (one query for the batch), not with what it had, so an edge lost
        or left over (a node deleted behind the carpenter's back) is put right too.
        Return, for events whose data did not change but whose edges did, what changed.
        """
        touched = [w for w in works if w.touched_by is not None]
        slugs = {slug for w in touched for slug in ev.billing(w.data)} - self.artists.keys()
        self.artists.update(Node.objects.by_keys("artist", slugs))
        # The nodes at either end of the wanted edges, by id (``.id``, not ``.pk``: the
        # property costs a lookup, and this loop runs for every edge of the batch).
        known: dict[str, Node] = {}
        wanted: set[tuple[str, str, str]] = set()
        for work in touched:
            event = work.node.id
            known[event] = work.node
            if work.venue is not None:
                known[work.venue.id] = work.venue
                wanted.add((work.venue.id, HOSTS, event))
            wanted.update((event, DERIVED_FROM, raw_id) for raw_id in work.data["reports"])
            known.update((raw.id, raw) for raw in work.joined)
            for slug in ev.billing(work.data):
                artist = self.artists.get(slug)
                if artist is not None:
                    known[artist.id] = artist
                    wanted.add((artist.id, PERFORMS_AT, event))
        have = _edges_of([w.node.pk for w in touched if w.original is not None])
        missing = wanted - have
        unknown = {end for triple in missing for end in (triple[0], triple[2])} - known.keys()
        known.update((node.pk, node) for node in Node.objects.filter(pk__in=unknown))
        Edge.objects.bulk_link([(known[s], rel, known[t]) for s, rel, t in sorted(missing)])
        extra = have - wanted
        Edge.objects.bulk_unlink(extra)

        repaired: dict[str, dict[str, list[str]]] = {}
        unchanged = {w.node.pk for w in touched if w.data == w.original}
        for triple, side in [*((t, "new") for t in missing), *((t, "old") for t in extra)]:
            event = triple[0] if triple[1] == DERIVED_FROM else triple[2]
            if event in unchanged:
                entry = repaired.setdefault(event, {"old": [], "new": []})
                entry[side].append(f"{triple[1]} {triple[0] if event == triple[2] else triple[2]}")
        return repaired

    def _describe(self, work: EventWork) -> str:
        venue = work.venue.data["name"] if work.venue is not None else "(a removed venue)"
        return ev.describe(venue, work.data)

    def _record(
        self,
        change_type: str,
        kind: str,
        cause: tuple[str, Node] | None,
        node: Node | None,
        summary: str,
        **fields: Any,
    ) -> None:
        """Record a change to a venue, artist or event, and the raw item that caused it."""
        source, raw = cause if cause else ("carpenter", None)
        raw_id = raw.pk if raw is not None else None
        self.log.add(change_type, source, summary, node, kind=kind, raw_data_id=raw_id, **fields)


def about_raw(log: RunLog, change_type: str, raw: Node, *, reason: str) -> None:
    """Record a skip or an error about a raw item itself (it made no venue or event).

    The record names the raw item by ``raw_data_id``; its ``changed`` edge is kept for
    the venues, artists and events a carpenter run changes (CONTRACT.md).
    """
    log.add(
        change_type,
        raw.data["source"],
        raw.data.get("event_name") or raw.data["external_id"],
        None,
        kind="raw_data",
        reason=reason,
        raw_data_id=raw.pk,
    )


def _edges_of(events: list[str]) -> set[tuple[str, str, str]]:
    """Return the hosts, performs_at and derived_from edges of these events."""
    edges: set[tuple[str, str, str]] = set()
    for chunk in chunked(events):
        edges.update(
            Edge.objects.filter(
                Q(source_id__in=chunk, relation=DERIVED_FROM)
                | Q(target_id__in=chunk, relation__in=(HOSTS, PERFORMS_AT))
            ).values_list("source_id", "relation", "target_id")
        )
    return edges


def _copy_json(value: Any) -> Any:
    """A deep copy of stored data (dicts, lists and scalars only): a few times quicker
    than ``copy.deepcopy``, which must allow for any object and for cycles."""
    if type(value) is dict:
        return {key: _copy_json(inner) for key, inner in value.items()}
    if type(value) is list:
        return [_copy_json(inner) for inner in value]
    return value


def _slot(data: dict[str, Any]) -> tuple[str, str, str | None]:
    return data["venue_id"], data["day"], data["start_time"]


def _when(show: Show) -> str:
    return f"{show.day} {show.start_time or 'all day'}"
