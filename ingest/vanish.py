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


def retract(source_name: str, entries: list[Item | BadItem], log: RunLog) -> int:
    """Mark the source's items this complete fetch left out, on its days, as gone.

    ``entries``: everything the fetch listed (an item it could not read is still
    listed). Return how many items were taken for gone. A few queries whatever the
    number of items: one read of the window, one write per batch.
    """
    days = [e.show.day for e in entries if isinstance(e, Item) and e.show.day]
    if not days:
        return 0  # an empty answer says nothing of which days it covers
    first, last = min(days), max(days)
    prefix = natural_key(Label.RAW_DATA, {"source": source_name, "external_id": ""})
    listed = {prefix + e.external_id for e in entries if e.external_id}
    # Keys and flags only: the window's payloads are not read to find the few missing.
    window = Node.objects.filter(
        label=Label.RAW_DATA,
        key__startswith=prefix,
        data__day__gte=first,
        data__day__lte=last,
    ).values_list("pk", "key", "data__gone_at")
    wanted = [pk for pk, key, gone_at in window if key not in listed and not gone_at]
    missing = [n for chunk in chunked(wanted) for n in Node.objects.filter(pk__in=chunk)]
    now = timezone.now()
    reason = GONE.format(first=first, last=last)
    for batch in chunked(missing):
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
    log.stats[source_name].gone += len(missing)
    return len(missing)


def _summary(node: Node) -> str:
    data = node.data
    when: str | dt.date = data.get("day") or ""
    return f"{data.get('event_name') or data['external_id']} ({when}): gone"
