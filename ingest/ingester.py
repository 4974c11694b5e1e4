"""The ingester: fetch sources, store their items as raw data, record the run.

``ingest(names)`` is the whole of ``manage.py ingest``. It takes the sources' locks,
marks runs of them that were killed as interrupted, opens an ``ingest_run``, fetches
every source at once (network only; the database is used on this thread, afterwards),
parses each response whole, and stores its items in batches. Each batch is one
transaction holding its raw data and its records, so a run killed half-way leaves
whole batches behind and its run marked as not finished.

Per item: a new external id is created; a known one whose content hash differs is
updated (a diff of the payload recorded, and ``processed`` set back to false); an
unchanged one only gets a new ``last_seen`` and is counted. A source that cannot be
fetched or parsed fails alone, with a one-line reason, and stores nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from graph.audit import (
    CREATE,
    ERROR,
    NOOP,
    UPDATE,
    RunLog,
    RunOutcome,
    close_abandoned_runs,
    diff,
)
from graph.labels import Label
from graph.locks import source_locks
from graph.models import Node
from graph.schemas import natural_key
from graph.store import chunked
from ingest.console import QuietReporter, Reporter
from ingest.fetch import FetchError, HttpFetcher, human_size, one_line
from ingest.items import BadItem, Item, ResponseError
from ingest.sources import UnknownSource, get_source
from ingest.sources.base import Source

RUN = Label.INGEST_RUN
RAW = Label.RAW_DATA
BATCH = 500


class IngestError(Exception):
    """A run that cannot start as asked (unknown source, unreadable --from file, ...)."""


@dataclass
class Fetched:
    """What fetching one source gave: its response bodies, or why there are none.

    bodies: the response bodies, in order (pages of a paged source).
    error: the one-line reason the source failed; None when it did not.
    seconds: how long fetching took.
    complete: True when the bodies hold every item of the window the source covers
        (every page read); only a complete fetch may tell that an item has gone.
    shortfall: why the fetch is not complete, in one line (kept in the run).
    """

    bodies: list[bytes] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    complete: bool = True
    shortfall: str | None = None


IngestOutcome = RunOutcome


def ingest(
    names: Sequence[str],
    *,
    from_path: str | Path | None = None,
    reporter: Reporter | None = None,
    fetcher: HttpFetcher | None = None,
    lock: bool = True,
) -> IngestOutcome:
    """Fetch the sources called ``names`` and store their items; return the run's outcome.

    from_path: a saved response body to read instead of the network (one source only).
    reporter: told about progress (``ingest.console``); silent by default.
    fetcher: the fetcher to use (tests pass one on a mock transport).
    lock: hold the sources' locks (off for a throwaway database, which no one shares).
    """
    reporter = reporter or QuietReporter()
    names = list(dict.fromkeys(names))
    sources = _resolve(names)
    saved = _read_saved(from_path, sources) if from_path is not None else None
    options = {"from": str(from_path)} if from_path is not None else {}
    guard = source_locks(names, on_wait=lambda m: reporter.note("", m)) if lock else None
    with guard or nullcontext():
        if lock:
            close_abandoned_runs(RUN, names)
        log = RunLog(RUN, sources=names, options=options)
        log.start()
        try:
            ran = _run(sources, log, saved, fetcher, reporter)
        except KeyboardInterrupt:
            log.interrupted()
            raise
        log.finish(error=None if ran else _nothing_ran(log))
    return IngestOutcome(log.run, log)


def content_hash(payload: Any) -> str:
    """Return the SHA-256 of ``payload``'s canonical JSON: equal hashes, equal items."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def payload_diff(old: Any, new: Any) -> dict[str, dict[str, Any]]:
    """Return what changed between two payloads, by field path (``graph.audit.diff``).

    Only the top-level fields that differ are handed to deepdiff, whose cost grows with
    what it walks; the paths are the same.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        fields = [k for k in old.keys() | new.keys() if old.get(k, _ABSENT) != new.get(k, _ABSENT)]
        old = {k: old[k] for k in fields if k in old}
        new = {k: new[k] for k in fields if k in new}
    return diff(old, new)


_ABSENT = object()


# -- the steps -------------------------------------------------------------------------


def _resolve(names: Sequence[str]) -> list[Source]:
    if not names:
        raise IngestError("Name at least one source.")
    try:
        return [get_source(name) for name in names]
    except UnknownSource as error:
        raise IngestError(f"{str(error)[0].upper()}{str(error)[1:]}.") from None


def _read_saved(path: str | Path, sources: list[Source]) -> dict[str, Fetched]:
    """Read a saved response body for the one source named; refuse anything else."""
    if len(sources) != 1:
        raise IngestError("--from reads one source's response: name exactly one source.")
    source = sources[0]
    started = time.monotonic()
    try:
        with open(path, "rb") as file:
            body = file.read(source.max_bytes + 1)
    except OSError as error:
        raise IngestError(f"Cannot read --from file {path}: {error.strerror or error}.") from None
    seconds = time.monotonic() - started
    if len(body) > source.max_bytes:
        return {source.name: Fetched(error=f"response larger than {human_size(source.max_bytes)}")}
    return {source.name: Fetched([body], seconds=seconds)}


def _run(
    sources: list[Source],
    log: RunLog,
    saved: dict[str, Fetched] | None,
    fetcher: HttpFetcher | None,
    reporter: Reporter,
) -> bool:
    """Fetch, parse and store each source; return whether any source ran."""
    runnable = []
    for source in sources:
        # A saved response needs no network, so a missing secret does not matter then.
        problem = None if saved is not None else source.missing_secret()
        if problem:
            log.source_skipped(source.name, problem)
            reporter.note(source.name, f"skipped: {problem}")
        else:
            runnable.append(source)
    if not runnable:
        return False
    responses = saved if saved is not None else _fetch_all(runnable, fetcher, reporter)
    for source in runnable:
        started = time.monotonic()
        fetched = responses[source.name]
        try:
            if fetched.error is not None:
                raise FetchError(fetched.error)
            entries = _parse(source, fetched.bodies)
            reporter.end(source.name, f"fetched {len(entries)} items in {fetched.seconds:.1f} s")
            _store(source, entries, log, reporter)
        except (FetchError, ResponseError) as error:
            _fail(log, reporter, source, str(error))
        except Exception as error:  # one source's bug must not stop the others
            _fail(log, reporter, source, f"{type(error).__name__}: {error}")
        finally:
            log.source_time(source.name, fetched.seconds + time.monotonic() - started)
    return True


def _fail(log: RunLog, reporter: Reporter, source: Source, reason: str) -> None:
    reason = one_line(reason)
    log.source_failed(source.name, reason)
    reporter.end(source.name, f"failed: {reason}", failed=True)


def _fetch_all(
    sources: list[Source], fetcher: HttpFetcher | None, reporter: Reporter
) -> dict[str, Fetched]:
    """Fetch every source at once over one client; return what each gave, by name."""
    fetcher = fetcher or HttpFetcher()
    if fetcher.on_retry is None:
        fetcher.on_retry = reporter.note
    for source in sources:
        fetcher.configure(
            source.name, max_bytes=source.max_bytes, per_second=source.requests_per_second
        )

    async def fetch(source: Source) -> Fetched:
        reporter.begin(source.name, "fetching")
        started = time.monotonic()
        try:
            bodies = await source.fetch(fetcher)
        except (FetchError, ResponseError) as error:
            return Fetched(error=str(error), seconds=time.monotonic() - started)
        except Exception as error:  # reported as that source's failure, like any other
            reason = f"{type(error).__name__}: {error}"
            return Fetched(error=reason, seconds=time.monotonic() - started)
        return Fetched(bodies, seconds=time.monotonic() - started)

    async def fetch_all() -> list[Fetched]:
        async with fetcher:
            return await asyncio.gather(*(fetch(source) for source in sources))

    return dict(zip((s.name for s in sources), asyncio.run(fetch_all()), strict=True))


def _parse(source: Source, bodies: list[bytes]) -> list[Item | BadItem]:
    """Parse every body whole before anything is stored: a bad response stores nothing."""
    return [entry for body in bodies for entry in source.parse(body)]


def _store(source: Source, entries: list[Item | BadItem], log: RunLog, reporter: Reporter) -> None:
    """Store a source's items batch by batch, each batch with its records."""
    started = time.monotonic()
    before = Counter(log.counts)
    reporter.begin(source.name, "storing", total=len(entries))
    kept: dict[str, str] = {}  # external id -> content hash of its first copy
    now = timezone.now()
    numbered = list(enumerate(entries, start=1))
    for batch in chunked(numbered, BATCH):
        with _batch(log):
            _store_batch(source, batch, log, kept, now)
        reporter.advance(source.name, len(batch))
    done = {change: log.counts[change] - before[change] for change in (CREATE, UPDATE, NOOP)}
    errors = log.counts[ERROR] - before[ERROR]
    reporter.end(
        source.name,
        f"stored {len(entries)} items in {time.monotonic() - started:.1f} s: "
        f"{done[CREATE]} created, {done[UPDATE]} updated, {done[NOOP]} unchanged, "
        f"{errors} errors",
    )


@contextmanager
def _batch(log: RunLog) -> Iterator[None]:
    """Store a batch and its records in one transaction, or neither.

    If the batch fails, the records and counts it added to the log are taken back, so
    the run's record keeps saying only what is stored.
    """
    mark = log.mark()
    try:
        with transaction.atomic():
            yield
            log.flush()
    except BaseException:
        log.undo(mark)
        raise


def _store_batch(
    source: Source,
    batch: list[tuple[int, Item | BadItem]],
    log: RunLog,
    kept: dict[str, str],
    now: dt.datetime,
) -> None:
    """Store one batch: new items created, changed ones updated, each with its record."""
    wanted = _usable(source, batch, log, kept)
    fresh, changed, unchanged = _compare(source, wanted, now)
    created = Node.objects.bulk_create_nodes(RAW, [data for _, data in fresh])
    Node.objects.bulk_update_data([node for node, _, _ in changed], touch=True)
    Node.objects.bulk_update_data(unchanged, touch=False)
    for node, (item, _) in zip(created, fresh, strict=True):
        log.add(CREATE, source.name, _summary(node), target=node, external_id=item.external_id)
    for node, old, item in changed:
        log.add(
            UPDATE,
            source.name,
            _summary(node),
            target=node,
            external_id=item.external_id,
            diff=payload_diff(old, item.payload),
        )
    if unchanged:
        log.tally(source.name, NOOP, len(unchanged))


def _usable(
    source: Source, batch: list[tuple[int, Item | BadItem]], log: RunLog, kept: dict[str, str]
) -> dict[str, Item]:
    """Return the batch's items by natural key; record bad ones as errors.

    An item repeated in one response (a page that shifted while a paged source was
    read) is counted as unchanged when it is the same, an error when it differs.
    """
    wanted: dict[str, Item] = {}
    for position, entry in batch:
        if isinstance(entry, BadItem):
            _record_bad(log, source, position, entry.reason, entry.payload, entry.external_id)
            continue
        digest = content_hash(source.fingerprint(entry.payload))
        first = kept.get(entry.external_id)
        if first == digest:
            log.tally(source.name, NOOP)
        elif first is not None:
            reason = (
                f"duplicate id {entry.external_id!r} with other content in the same response; "
                "the first was kept"
            )
            _record_bad(log, source, position, reason, entry.payload, entry.external_id)
        else:
            kept[entry.external_id] = digest
            key = natural_key(RAW, {"source": source.name, "external_id": entry.external_id})
            wanted[key] = entry
    return wanted


def _compare(
    source: Source, wanted: dict[str, Item], now: dt.datetime
) -> tuple[list[tuple[Item, dict[str, Any]]], list[tuple[Node, Any, Item]], list[Node]]:
    """Sort items into new (with their data), changed (with the old payload), unchanged.

    Changed and unchanged nodes come back with their new data set, ready to write.
    One query for the whole batch.
    """
    existing = Node.objects.by_keys(RAW, wanted)
    fresh: list[tuple[Item, dict[str, Any]]] = []
    changed: list[tuple[Node, Any, Item]] = []
    unchanged: list[Node] = []
    for key, item in wanted.items():
        digest = content_hash(source.fingerprint(item.payload))
        node = existing.get(key)
        if node is None:
            fresh.append((item, _raw_data(source, item, digest, now)))
        elif node.data.get("content_hash") != digest:
            old, first_seen = node.data.get("payload"), node.data["first_seen"]
            node.data.update(_raw_data(source, item, digest, now), first_seen=first_seen)
            changed.append((node, old, item))
        else:
            # Bookkeeping only: the item is as it was, so it is not "updated".
            node.data.update(_facts(source, item), last_seen=now)
            unchanged.append(node)
    return fresh, changed, unchanged


def _raw_data(source: Source, item: Item, digest: str, now: dt.datetime) -> dict[str, Any]:
    """Return the data of a raw_data node for ``item`` as received now."""
    return {
        "source": source.name,
        "external_id": item.external_id,
        "payload": item.payload,
        **_facts(source, item),
        "content_hash": digest,
        "processed": False,
        "first_seen": now,
        "last_seen": now,
    }


def _facts(source: Source, item: Item) -> dict[str, Any]:
    """Return what the source says the item is about: day, time, event and venue names."""
    show = item.show
    venue = show.venue or source.venue
    return {
        "day": show.day,
        "start_time": show.start_time,
        "event_name": show.title,
        "venue_name": venue.name if venue else None,
    }


def _summary(node: Node) -> str:
    data = node.data
    when = " ".join(part for part in (data.get("day"), data.get("start_time")) if part)
    venue = f"{data['venue_name']}: " if data.get("venue_name") else ""
    return f"{venue}{data.get('event_name') or data['external_id']} ({when})"


def _record_bad(
    log: RunLog, source: Source, position: int, reason: str, payload: Any, external_id: str | None
) -> None:
    what = f"item {external_id!r}" if external_id else f"item #{position} of the response"
    log.add(
        ERROR,
        source.name,
        f"{what}: {reason}",
        reason=one_line(reason),
        external_id=external_id,
        item=payload,
    )


def _nothing_ran(log: RunLog) -> str:
    skipped = (f"{name} skipped: {stats.error}" for name, stats in log.stats.items())
    return f"nothing ran ({'; '.join(skipped)})"
