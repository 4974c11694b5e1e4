"""The carpenter run: which raw data to take, in batches, with the run recorded.

A batch that fails as a whole is undone and its items are retried one by one, so one
bad item becomes one error record and stays unprocessed (it is retried next run),
while the rest of the batch is stored.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from contextlib import nullcontext

from django.db import DatabaseError, transaction
from django.utils import timezone

from carpenter.builder import Builder, about_raw
from graph.audit import ERROR, RunLog, RunOutcome, close_abandoned_runs
from graph.labels import Label
from graph.locks import source_locks
from graph.models import Node
from graph.store import NodeQuerySet
from ingest.console import QuietReporter, Reporter
from ingest.fetch import one_line

BATCH = 500
logger = logging.getLogger(__name__)


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
        try:
            _run(sources, log, reporter, process_all=process_all, since=since, raw_ids=raw_ids)
        except KeyboardInterrupt:
            log.interrupted()
            raise
        log.finish()
    return CarpenterOutcome(log.run, log)


def _run(
    sources: list[str],
    log: RunLog,
    reporter: Reporter,
    *,
    process_all: bool,
    since: str | None,
    raw_ids: list[str] | None,
) -> None:
    builder = Builder(log)
    for source in sources:
        started = time.perf_counter()
        taken = _taken(source, process_all=process_all, since=since, only=raw_ids)
        total = taken.count()
        reporter.begin(source, "building", total=total)
        log.expect(source, total)
        for raws in _batches(taken):
            _build(builder, log, raws)
            reporter.advance(source, len(raws))
        took = time.perf_counter() - started
        log.source_time(source, took)
        reporter.end(source, f"{total} raw items in {took:.1f} s")


def _taken(
    source: str, *, process_all: bool, since: str | None, only: list[str] | None
) -> NodeQuerySet:
    """Return the raw items of ``source`` this run takes."""
    # By the data's own field: a range on the key would depend on the collation
    # (PostgreSQL's en_US ignores the "|" a range would rely on).
    items = Node.objects.labelled(Label.RAW_DATA).where(source=source)
    if only is not None:
        items = items.filter(pk__in=only)
    else:
        if not process_all:
            items = items.where(processed=False)
        if since:
            items = items.where(day__gte=since)
    return items


def _batches(items: NodeQuerySet) -> Iterator[list[Node]]:
    """Yield ``items`` in key order, a batch at a time, each batch read when it is due.

    A page after the last key, not a list of every id taken up front: a run holds one
    batch whatever the number of items. The key order and the comparison with the last
    key are the same collation's, so each item comes once. An item a batch processed
    drops out of an unprocessed-only query, and one that failed stays behind the last
    key: neither is taken twice.
    """
    last = None
    while True:
        page = items if last is None else items.filter(key__gt=last)
        raws = list(page.order_by("key")[:BATCH])
        if not raws:
            return
        yield raws
        last = raws[-1].key


def _build(builder: Builder, log: RunLog, raws: list[Node]) -> None:
    """Store one batch; if it fails as a whole, store its items one by one.

    Any exception counts, not only the database's: an item that trips a bug is one
    error record (its traceback in the log), and the run goes on.
    """
    mark = log.mark()
    try:
        with transaction.atomic():
            builder.build(raws)
        return
    except Exception:  # noqa: BLE001 - retried item by item below
        log.undo(mark)
        builder.reset()
    for raw in raws:
        mark = log.mark()
        try:
            with transaction.atomic():
                builder.build([raw])
        except Exception as error:  # noqa: BLE001 - one item's failure is its record
            log.undo(mark)
            builder.reset()
            if not isinstance(error, DatabaseError):
                logger.exception("carpenter: raw item %s failed", raw.pk)
            reason = f"could not be stored: {one_line(f'{type(error).__name__}: {error}')}"
            about_raw(log, ERROR, raw, reason=reason)
            with transaction.atomic():
                log.flush()
