"""Merging two venues that are the same place (the admin's action), recorded as a run.

The duplicate's events move to the venue kept; where both have an event at the same
day and start time, the two events become one. The duplicate's names become aliases
of the venue kept, so sources that use them match it from now on.
"""

from __future__ import annotations

from django.db import transaction

from carpenter import events as ev
from carpenter.venues import PLACE_FIELDS, learn
from graph import search
from graph.audit import UPDATE, RunLog, diff
from graph.labels import Label
from graph.models import Edge, Node
from graph.store import GraphError
from ingest.items import VenueFacts

SOURCE = "admin"


def merge_venues(keep: Node, duplicate: Node, *, trigger: str = "admin") -> Node:
    """Fold ``duplicate`` into ``keep``; return the carpenter_run that records it."""
    if keep.label != Label.VENUE or duplicate.label != Label.VENUE:
        raise GraphError("only venues can be merged")
    if keep.pk == duplicate.pk:
        raise GraphError("a venue cannot be merged with itself")
    options = {
        "action": "merge_venues",
        "keep": keep.pk,
        "duplicate": duplicate.pk,
        "trigger": trigger,
    }
    log = RunLog(Label.CARPENTER_RUN, [SOURCE], options)
    log.start()
    try:
        with transaction.atomic():
            keep = Node.objects.get(pk=keep.pk)
            duplicate = Node.objects.get(pk=duplicate.pk)
            _move_events(keep, duplicate, log)
            _absorb(keep, duplicate, log)
            search.index_venue(keep.pk)  # its events' venue name, and the events moved
            duplicate.delete()  # its edges go with it (the database cascades)
            log.flush()
    except Exception as error:
        log.source_failed(SOURCE, str(error).splitlines()[0])
        log.pending.clear()
        log.finish(error=f"merge failed: {str(error).splitlines()[0]}")
        raise
    return log.finish()


def _move_events(keep: Node, duplicate: Node, log: RunLog) -> None:
    """Give the duplicate's events to ``keep``: moved, or folded into their twin there.

    A few statements whatever the number of events: reads and writes are in bulk.
    """
    moving = list(duplicate.neighbours("hosts"))
    keys = [ev.event_key(keep.pk, e.data["day"], e.data["start_time"]) for e in moving]
    already = Node.objects.by_keys("event", keys)
    pairs = [(event, already.get(key)) for event, key in zip(moving, keys, strict=True)]

    movers = [event for event, twin in pairs if twin is None]
    olds = [event.data for event in movers]
    for event in movers:
        event.data = {**event.data, "venue_id": keep.pk}
    Node.objects.bulk_update_data(movers)
    Edge.objects.bulk_link([(keep, "hosts", event) for event in movers])
    for event, old in zip(movers, olds, strict=True):
        summary = (
            f"{ev.describe(keep.data['name'], event.data)}, moved from {duplicate.data['name']}"
        )
        log.add(UPDATE, SOURCE, summary, event, kind="event", diff=diff(old, event.data))

    # The same show at both venues: one event, with the reports and edges of both.
    folded = [(event, twin) for event, twin in pairs if twin is not None]
    if not folded:
        return
    raws = Edge.objects.neighbour_map([e for e, _ in folded], "derived_from", "out")
    artists = Edge.objects.neighbour_map([e for e, _ in folded], "performs_at", "in")
    links: list[tuple[Node, str, Node]] = []
    olds = []
    for event, twin in folded:
        olds.append(twin.data)
        twin.data = ev.combine(twin.data, event.data)
        links += [(twin, "derived_from", raw) for raw in raws.get(event.pk, [])]
        links += [(artist, "performs_at", twin) for artist in artists.get(event.pk, [])]
    Node.objects.bulk_update_data([twin for _, twin in folded])
    Edge.objects.bulk_link(links)
    Node.objects.filter(pk__in=[event.pk for event, _ in folded]).delete()
    for (_, twin), old in zip(folded, olds, strict=True):
        summary = (
            f"{ev.describe(keep.data['name'], twin.data)}, "
            f"merged with its twin from {duplicate.data['name']}"
        )
        changes = diff(ev.meaning(old), ev.meaning(twin.data))
        log.add(UPDATE, SOURCE, summary, twin, kind="event", diff=changes)


def _absorb(keep: Node, duplicate: Node, log: RunLog) -> None:
    """Give ``keep`` the duplicate's names as aliases, and the details it lacks."""
    other = duplicate.data
    facts = VenueFacts(
        name=other["name"],
        aliases=tuple(other.get("aliases", ())),
        **{field: other.get(field) for field in PLACE_FIELDS},
    )
    old, keep.data = keep.data, learn(keep, facts)
    Node.objects.bulk_update_data([keep])
    changes = diff(old, keep.data)
    changes["merged"] = {"old": None, "new": f"{other['name']} ({duplicate.pk})"}
    summary = f"{keep.data['name']}: merged {other['name']} into it"
    log.add(UPDATE, SOURCE, summary, keep, kind="venue", diff=changes)
