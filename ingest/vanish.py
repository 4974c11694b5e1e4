"""Shows that vanish: what a complete fetch no longer lists has gone.

A source whose fetch returns its whole upcoming window (``Source.whole_window``; a
paged read only when it read every page) tells, by leaving an item out, that the show
is gone. After such a fetch is stored, ``retract`` marks the source's raw items that
it did not list, on the days it covered (its first to its last day), as gone:
``gone_at`` set, ``processed`` set back to false (the carpenter takes the report off
its event, and cancels an event no live report backs: ``carpenter.vanish``), and an
ingest record each. A failed or partial fetch retracts nothing. An item that comes
back is stored again as changed (``returned``), so the carpenter restores its event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from graph.audit import UPDATE, RunLog
from graph.labels import Label
from graph.models import Node
from graph.schemas import natural_key
from graph.store import chunked
from ingest.items import BadItem, Item

GONE = "missing from a complete fetch of the days {first} to {last}: taken for gone"
BACK = "listed again after it had gone"


def returned(gone_at: str | None) -> bool:
    """Whether a stored raw item a fetch lists again, by its ``gone_at``, had been
    taken for gone: then it is written again (restored), even if unchanged."""
    return bool(gone_at)


@dataclass
class Listing:
    """What a fetch listed, noted batch by batch as it is stored: the ids, not the items.

    first, last: the earliest and latest day of its items (None: no item had a day).
    external_ids: the external ids of everything listed (an item that could not be read
        or stored is still listed).
    """

    first: str | None = None
    last: str | None = None
    external_ids: set[str] = field(default_factory=set)

    def note(self, entries: Iterable[Item | BadItem]) -> None:
        """Add these entries of the fetch to what it listed."""
        for entry in entries:
            if entry.external_id:
                self.external_ids.add(entry.external_id)
            day = entry.show.day if isinstance(entry, Item) else None
            if day:
                self.first = day if self.first is None else min(self.first, day)
                self.last = day if self.last is None else max(self.last, day)


def retract(source_name: str, listed: Listing, log: RunLog) -> int:
    """Mark the source's items this complete fetch left out, on its days, as gone.

    ``listed``: everything the fetch listed. Return how many items were taken for
    gone. A few queries whatever the number of items: one read of the window (its rows
    streamed, not held), one write per batch.
    """
    if listed.first is None or listed.last is None:
        return 0  # an empty answer says nothing of which days it covers
    first, last = listed.first, listed.last
    prefix = natural_key(Label.RAW_DATA, {"source": source_name, "external_id": ""})
    ids = listed.external_ids
    window = Node.objects.filter(
        label=Label.RAW_DATA,
        key__startswith=prefix,
        data__day__gte=first,
        data__day__lte=last,
    ).values_list("pk", "key", "data__gone_at")
    wanted = [
        pk
        for pk, key, gone_at in window.iterator(chunk_size=2000)
        if key.removeprefix(prefix) not in ids and not gone_at
    ]
    now = timezone.now()
    reason = GONE.format(first=first, last=last)
    gone = 0
    for chunk in chunked(wanted):
        batch = list(Node.objects.filter(pk__in=chunk))
        gone += len(batch)
        with transaction.atomic():
            for node in batch:
                node.data = {**node.data, "gone_at": now, "processed": False}
            Node.objects.bulk_update_data(batch, touch=False)
            for node in batch:
                log.add(
                    UPDATE,
                    source_name,
                    _summary(node),
                    target=node,
                    external_id=node.data["external_id"],
                    diff={"gone_at": {"old": None, "new": now.isoformat()}},
                    reason=reason,
                    counted=False,
                )
            log.flush()
    log.stats[source_name].gone += gone
    return gone


def _summary(node: Node) -> str:
    data = node.data
    when: str | dt.date = data.get("day") or ""
    return f"{data.get('event_name') or data['external_id']} ({when}): gone"
