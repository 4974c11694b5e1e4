"""Retention: old runs lose their records, keep their summaries; events keep their sources.

Every run adds records, thousands for a big one. ``prune(older_than_days=N)``:

- for every finished run started more than N days ago, deletes its records (the record
  nodes; their ``has_record`` and ``changed`` edges go with them, the database cascades)
  and notes on the run how many went and when. The run node stays, with its status and
  its counts per source and change type: the runs list and the metrics still add up.
- deletes raw data last seen more than N days ago **that no event derives from**. Raw
  data an event derives from is never removed, however old: it is the event's provenance.

Work goes in batches, each one transaction, a fixed number of statements per batch, so
a prune can be stopped between batches and started again (``stop``).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from graph.labels import Label, Relation
from graph.models import Edge, Node
from graph.schemas import LAST_SEEN_RESOLUTION

BATCH = 500
RUN_LABELS = (Label.INGEST_RUN, Label.CARPENTER_RUN)


@dataclass
class PruneReport:
    """What a prune removed.

    runs: runs whose records were removed. records: records removed.
    raw_data: raw items removed (none that an event derives from). seconds: time taken.
    """

    cutoff: dt.datetime
    runs: int = 0
    records: int = 0
    raw_data: int = 0
    seconds: float = 0.0

    @property
    def summary(self) -> str:
        return (
            f"pruned {self.records} records of {self.runs} runs and {self.raw_data} raw items "
            f"no event derives from, older than {self.cutoff:%Y-%m-%d %H:%M} UTC, "
            f"in {self.seconds:.1f} s"
        )


def prune(
    *,
    older_than_days: int,
    now: dt.datetime | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> PruneReport:
    """Remove old runs' records and unused old raw data; return what went.

    older_than_days: what counts as old (1 or more).
    stop: asked between batches; True ends the prune there (what is done stays done).
    """
    if older_than_days < 1:
        raise ValueError("older_than_days must be 1 or more")
    started = time.monotonic()
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    report = PruneReport(cutoff)
    after: tuple | None = None  # where the last batch ended: each batch reads on from there
    while not stop() and (after := _prune_runs(cutoff, report, after)):
        pass
    while not stop() and _prune_raw_data(cutoff, report):
        pass
    report.seconds = time.monotonic() - started
    return report


def old_runs(cutoff: dt.datetime):
    """Return the finished runs started before ``cutoff`` whose records are still there."""
    not_pruned = Q(data__pruned_at=None) | Q(data__pruned_at__isnull=True)
    return (
        Node.objects.filter(label__in=RUN_LABELS, created_at__lt=cutoff)
        .filter(not_pruned)
        .exclude(data__status="running")  # a live run is never touched (a dead one is closed first)
    )


def unused_raw_data(cutoff: dt.datetime):
    """Return raw data last seen before ``cutoff`` that no event derives from.

    A stored ``last_seen`` may be up to ``LAST_SEEN_RESOLUTION`` behind the last sight
    (an unchanged item is not rewritten every run): only items stored as seen that
    much before the cutoff are surely old.
    """
    derived = Edge.objects.filter(target_id=OuterRef("pk"), relation=Relation.DERIVED_FROM)
    surely = cutoff - LAST_SEEN_RESOLUTION
    last_seen = surely.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return (
        Node.objects.labelled(Label.RAW_DATA)
        .where(last_seen__lt=last_seen)
        .filter(~Exists(derived))
    )


def _prune_runs(cutoff: dt.datetime, report: PruneReport, after: tuple | None) -> tuple | None:
    """Prune the next batch of runs after ``after`` (created_at, id); return where it
    ended, or None when there was none left."""
    with transaction.atomic():
        runs = old_runs(cutoff)
        if after is not None:
            runs = runs.filter(Q(created_at__gt=after[0]) | Q(created_at=after[0], id__gt=after[1]))
        runs = list(runs.order_by("created_at", "id")[:BATCH])
        if not runs:
            return None
        links = Edge.objects.filter(
            relation=Relation.HAS_RECORD, source_id__in=[r.pk for r in runs]
        )
        counts = dict(
            links.order_by()
            .values("source_id")
            .annotate(n=Count("id"))
            .values_list("source_id", "n")
        )
        removed = Node.objects.filter(pk__in=links.values("target_id")).delete()[0]
        when = timezone.now()
        for run in runs:
            run.data["records_pruned"] = (run.data.get("records_pruned") or 0) + counts.get(
                run.pk, 0
            )
            run.data["pruned_at"] = when
        Node.objects.bulk_update_data(runs, touch=False)
    report.runs += len(runs)
    report.records += removed
    return (runs[-1].created_at, runs[-1].pk)


def _prune_raw_data(cutoff: dt.datetime, report: PruneReport) -> bool:
    """Remove one batch of unused old raw data; return False when there was none left."""
    with transaction.atomic():
        ids = list(unused_raw_data(cutoff).values_list("pk", flat=True)[:BATCH])
        if not ids:
            return False
        Node.objects.filter(pk__in=ids).delete()
    report.raw_data += len(ids)
    return True
