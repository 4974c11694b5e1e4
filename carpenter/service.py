"""The carpenter run: which raw data to take, in batches, with the run recorded.

A batch that fails as a whole is undone and its items are retried one by one, so one
bad item becomes one error record and stays unprocessed (it is retried next run),
while the rest of the batch is stored.
"""

from __future__ import annotations

import datetime as dt
import time
from contextlib import nullcontext

from django.db import DatabaseError, transaction
from django.utils import timezone

from carpenter.builder import Builder, about_raw
from graph.audit import ERROR, RunLog, RunOutcome, close_abandoned_runs
from graph.labels import Label
from graph.locks import source_locks
from graph.models import Node
from graph.store import chunked
from ingest.console import QuietReporter, Reporter
from ingest.fetch import one_line

BATCH = 500


CarpenterOutcome = RunOutcome


def default_since() -> str:
    """The default ``--since``: yesterday, in the city's time zone."""
    return (timezone.localdate() - dt.timedelta(days=1)).isoformat()


def carpenter(
    sources: list[str],
    *,
    process_all: bool = False,
    since: str | None = None,
    raw_ids: list[str] | None = None,
    reporter: Reporter | None = None,
    trigger: str = "command",
    lock: bool = True,
    lock_wait: float = 600.0,
) -> CarpenterOutcome:
    """Turn the sources' unprocessed raw data (or exactly ``raw_ids``) into the graph.

    process_all: redo processed raw data too.
    since: only raw data whose event day is on or after this day (YYYY-MM-DD); default
        yesterday. Ignored with ``raw_ids``.
    raw_ids: re-process exactly these raw_data nodes (the admin's action).
    reporter: told about progress (``ingest.console``); silent by default.
    trigger: who started the run ("command", "admin"), kept in its options.
    lock: hold the sources' locks (off for a throwaway database, which no one shares).
    lock_wait: how long to wait for another run of the same sources.
    """
    reporter = reporter or QuietReporter()
    since = None if raw_ids is not None else (since or default_since())
    options = {"process_all": process_all, "since": since, "trigger": trigger}
    if raw_ids is not None:
        options["raw_data"] = len(raw_ids)
    log = RunLog(Label.CARPENTER_RUN, sources, options)
    guard = (
        source_locks(sources, wait=lock_wait, on_wait=lambda m: reporter.note("", m))
        if lock
        else nullcontext()
    )
    with guard:
        if lock:
            close_abandoned_runs(Label.CARPENTER_RUN, sources)
        log.start()
        builder = Builder(log)
        for source in sources:
            started = time.perf_counter()
            ids = _raw_ids(source, process_all=process_all, since=since, only=raw_ids)
            reporter.begin(source, "building", total=len(ids))
            for chunk in chunked(ids, BATCH):
                raws = list(Node.objects.filter(pk__in=chunk).order_by("key"))
                _build(builder, log, raws)
                reporter.advance(source, len(raws))
            took = time.perf_counter() - started
            log.source_time(source, took)
            reporter.end(source, f"{len(ids)} raw items in {took:.1f} s")
        log.finish()
    return CarpenterOutcome(log.run, log)


def _raw_ids(
    source: str, *, process_all: bool, since: str | None, only: list[str] | None
) -> list[str]:
    """Return the ids of the raw items of ``source`` this run takes, in key order."""
    # The natural key is "source|external id": a range on the (label, key) index.
    items = Node.objects.labelled(Label.RAW_DATA).filter(
        key__gte=f"{source}|", key__lt=f"{source}}}"
    )
    if only is not None:
        items = items.filter(pk__in=only)
    else:
        if not process_all:
            items = items.where(processed=False)
        if since:
            items = items.where(day__gte=since)
    return list(items.order_by("key").values_list("pk", flat=True))


def _build(builder: Builder, log: RunLog, raws: list[Node]) -> None:
    """Store one batch; if it fails as a whole, store its items one by one."""
    mark = log.mark()
    try:
        with transaction.atomic():
            builder.build(raws)
        return
    except DatabaseError:
        log.undo(mark)
        builder.reset()
    for raw in raws:
        mark = log.mark()
        try:
            with transaction.atomic():
                builder.build([raw])
        except DatabaseError as error:
            log.undo(mark)
            builder.reset()
            about_raw(log, ERROR, raw, reason=f"could not be stored: {one_line(str(error))}")
            with transaction.atomic():
                log.flush()
