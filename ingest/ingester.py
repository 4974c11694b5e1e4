"""The ingester: fetch sources, store their items as raw data, record the run.

``ingest(names)`` is the whole of ``manage.py ingest``. It takes the sources' locks,
marks runs of them that were killed as interrupted, opens an ``ingest_run``, fetches
every source at once (network only; the database is used on this thread, afterwards),
reads each response through once to check that it parses and count its items, then
reads it again and stores its items batch by batch, holding one batch at a time (a
response read from a file stays in its file). Each batch is one transaction holding
its raw data and its records, so a run killed half-way leaves whole batches behind and
its run marked as not finished.

Per item: a new external id is created; a known one whose content hash differs is
updated (a diff of the payload recorded, and ``processed`` set back to false); an
unchanged one is counted, and written again only when its ``last_seen`` is a day old
(``graph.schemas.LAST_SEEN_RESOLUTION``): an unchanged repeat reads and compares. A
source that cannot be fetched or parsed fails alone, with a one-line reason, and
stores nothing.

Fetching asks each source's server whether anything changed since the source's last
run (the ETag and Last-Modified kept in that run's stats); a 304 stores nothing and
counts as a complete, unchanged fetch. A paged source that could not read every page
stores what it read and says why it is incomplete (``Fetched.shortfall``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
import stat
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import DataError, transaction
from django.db.models.fields.json import KT
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
from graph.bounds import MAX_ITEMS_PER_RESPONSE, clipped
from graph.labels import Label
from graph.locks import source_locks
from graph.models import Node
from graph.schemas import LAST_SEEN_RESOLUTION, FetchStats, SourceStats, natural_key
from graph.store import chunked
from ingest import vanish
from ingest.body import Body
from ingest.console import QuietReporter, Reporter
from ingest.fetch import FetchError, HttpFetcher, Pages, Validators, human_size, one_line
from ingest.items import BadItem, Item, ResponseError
from ingest.reading import receiving
from ingest.sources import UnknownSource, get_source
from ingest.sources.base import SAMPLES_RECORDED_ON, Source

ITEM_FAULTS = (
    ValueError,  # GraphDataError (the schema refuses a value), UnicodeError
    TypeError,
    KeyError,
    AttributeError,
    IndexError,
    RecursionError,
    OverflowError,
    DataError,  # the database refuses a value (too long, out of range)
)
"""What an item's own data can raise while it is stored. Anything else (the database
gone, the disk full) is no item's fault: it fails the source, as before."""

RUN = Label.INGEST_RUN
RAW = Label.RAW_DATA
BATCH = 500


class IngestError(Exception):
    """A run that cannot start as asked (unknown source, unreadable --from file, ...)."""


@dataclass
class Fetched:
    """What fetching one source gave: its response bodies, or why there are none.

    bodies: the response bodies, in order (pages of a paged source): bytes, or a file's.
    error: the one-line reason the source failed; None when it did not.
    seconds: how long fetching took.
    complete: True when the bodies hold every item of the window the source covers
        (every page read); only a complete fetch may tell that an item has gone.
    shortfall: why the fetch is not complete, in one line (kept in the run).
    not_modified: True when the server answered 304: nothing changed since the last
        run, no bodies, and nothing may be taken for gone (it is complete).
    validators: the response's ETag and Last-Modified, kept for the next run.
    received_on: the day the bodies stand for (a recording's day), for year-less dates.
    """

    bodies: list[bytes | Body] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    complete: bool = True
    shortfall: str | None = None
    not_modified: bool = False
    validators: Validators | None = None
    received_on: str | None = None

    @classmethod
    def of(cls, pages: Pages, seconds: float) -> Fetched:
        """Return what a source's ``fetch`` gave, timed."""
        return cls(
            pages.bodies,
            seconds=seconds,
            complete=pages.complete,
            shortfall=pages.shortfall,
            not_modified=pages.not_modified,
            validators=pages.validators,
        )


IngestOutcome = RunOutcome


def ingest(
    names: Sequence[str],
    *,
    from_path: str | Path | None = None,
    samples: bool = False,
    reporter: Reporter | None = None,
    fetcher: HttpFetcher | None = None,
    lock: bool = True,
    trigger: str = "command",
) -> IngestOutcome:
    """Fetch the sources called ``names`` and store their items; return the run's outcome.

    from_path: a saved response body to read instead of the network (one source only).
    samples: read each source's recorded sample (``ingest/samples/``) instead.
    reporter: told about progress (``ingest.console``); silent by default.
    fetcher: the fetcher to use (tests pass one on a mock transport).
    lock: hold the sources' locks (off for a throwaway database, which no one shares).
    trigger: who started the run ("schedule", "dashboard"), kept in its options when not
        a command.
    """
    reporter = reporter or QuietReporter()
    names = list(dict.fromkeys(names))
    sources = _resolve(names)
    if from_path is not None and samples:
        raise IngestError("Read --from a file or the --samples, not both.")
    saved = _read_saved(from_path, sources) if from_path is not None else None
    if samples:
        saved = _read_samples(sources)
    options: dict[str, Any] = {"from": str(from_path)} if from_path is not None else {}
    if samples:
        options["samples"] = True
    if trigger != "command":
        options["trigger"] = trigger
    guard = source_locks(names, on_wait=lambda m: reporter.note("", m)) if lock else None
    try:
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
    finally:
        _close(saved)
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
    """Open a saved response body for the one source named; refuse anything else."""
    if len(sources) != 1:
        raise IngestError("--from reads one source's response: name exactly one source.")
    source = sources[0]
    started = time.monotonic()
    body = _open_file(path, what="--from file")
    seconds = time.monotonic() - started
    if body.size > source.max_bytes:
        body.close()
        return {source.name: Fetched(error=f"response larger than {human_size(source.max_bytes)}")}
    return {source.name: Fetched([body], seconds=seconds)}


def _read_samples(sources: list[Source]) -> dict[str, Fetched]:
    """Open each source's recorded sample, as received on the day the samples stand for."""
    read = {}
    for source in sources:
        started = time.monotonic()
        body = _open_file(source.sample_path, what="sample")
        seconds = time.monotonic() - started
        read[source.name] = Fetched([body], seconds=seconds, received_on=SAMPLES_RECORDED_ON)
    return read


def _open_file(path: str | Path, *, what: str) -> Body:
    """Return a regular file as a body, read when it is parsed; raise ``IngestError``.

    Opened without blocking and checked before reading: a FIFO with no writer, a
    device or a directory is refused at once instead of hanging or failing later.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise IngestError(f"Cannot read {what} {path}: {error.strerror or error}.") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            raise IngestError(f"Cannot read {what} {path}: it is {kind}, not a regular file.")
        return Body(file=os.fdopen(descriptor, "rb"))
    except OSError as error:
        os.close(descriptor)
        raise IngestError(f"Cannot read {what} {path}: {error.strerror or error}.") from None
    except BaseException:
        os.close(descriptor)
        raise


def _close(saved: dict[str, Fetched] | None) -> None:
    """Close the files that saved bodies were left in."""
    for fetched in (saved or {}).values():
        for body in fetched.bodies:
            if isinstance(body, Body):
                body.close()


_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFDIR: "a directory",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


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
        problem = source.switched_off() or (None if saved is not None else source.missing_secret())
        if problem:
            log.source_skipped(source.name, problem)
            reporter.note(source.name, f"skipped: {problem}")
        else:
            runnable.append(source)
    if not runnable:
        return False
    if saved is not None:
        responses = saved
    else:
        known = last_validators(runnable, before=log.run)
        responses = _fetch_all(runnable, fetcher, reporter, known)
    for source in runnable:
        started = time.monotonic()
        fetched = responses[source.name]
        try:
            if fetched.error is not None:
                raise FetchError(fetched.error)
            if fetched.not_modified:
                reporter.end(source.name, "not modified since the last run (HTTP 304)")
            else:
                bodies = [Body.of(body) for body in fetched.bodies]
                with receiving(fetched.received_on):
                    total, cut = _count(source, bodies)
                    if cut:
                        # Items were left unread: none of the window may be taken for gone.
                        fetched.complete = False
                        fetched.shortfall = "; ".join(filter(None, (fetched.shortfall, cut)))
                    reporter.end(source.name, f"fetched {total} items in {fetched.seconds:.1f} s")
                    listed = _store(source, _entries(source, bodies), total, log, reporter)
                if fetched.complete and source.whole_window:
                    # Only a whole window, read whole, tells what has gone.
                    vanish.retract(source.name, listed, log)
            _keep_fetch_facts(log.stats[source.name], fetched, reporter, source)
        except (FetchError, ResponseError) as error:
            _fail(log, reporter, source, str(error))
        except Exception as error:  # one source's bug must not stop the others
            _fail(log, reporter, source, f"{type(error).__name__}: {error}")
        finally:
            log.source_time(source.name, fetched.seconds + time.monotonic() - started)
    return True


def _keep_fetch_facts(
    stats: SourceStats, fetched: Fetched, reporter: Reporter, source: Source
) -> None:
    """Record in the run how the fetch went: its validators, a 304, a shortfall."""
    validators = fetched.validators or Validators()
    stats.fetch = FetchStats(
        complete=fetched.complete,
        shortfall=fetched.shortfall,
        not_modified=fetched.not_modified,
        pages=len(fetched.bodies),
        etag=validators.etag,
        last_modified=validators.last_modified,
    )
    if fetched.shortfall:
        reporter.note(source.name, f"incomplete: {fetched.shortfall}")


def last_validators(
    sources: Sequence[Source], *, before: Node | None = None
) -> dict[str, Validators]:
    """Return each source's ETag and Last-Modified from its last ingest run, if it
    succeeded with them; a run that failed, read a file or stored nothing gives none.

    before: the run asking, left out. Newest runs are read first until every source
    is found (``manage.py sources`` reads them the same way).
    """
    waiting = {source.name for source in sources}
    found: dict[str, Validators] = {}
    runs = Node.objects.labelled(RUN).order_by("-created_at")
    if before is not None:
        runs = runs.exclude(pk=before.pk)
    for run in runs.iterator(chunk_size=100):
        for name in waiting & set(run.data.get("sources", [])):
            stats = (run.data.get("per_source") or {}).get(name) or {}
            facts = stats.get("fetch") or {}
            validators = Validators(facts.get("etag"), facts.get("last_modified"))
            if stats.get("status") == "succeeded" and validators:
                found[name] = validators
        waiting -= set(run.data.get("sources", []))
        if not waiting:
            break
    return found


def _fail(log: RunLog, reporter: Reporter, source: Source, reason: str) -> None:
    reason = one_line(reason)
    log.source_failed(source.name, reason)
    reporter.end(source.name, f"failed: {reason}", failed=True)


def _fetch_all(
    sources: list[Source],
    fetcher: HttpFetcher | None,
    reporter: Reporter,
    validators: dict[str, Validators] | None = None,
) -> dict[str, Fetched]:
    """Fetch every source at once over one client; return what each gave, by name."""
    fetcher = fetcher or HttpFetcher()
    if fetcher.on_retry is None:
        # Retries are progress: the step's line says so; the reason is told once, at the end.
        fetcher.on_retry = lambda source, message: reporter.begin(source, f"fetching: {message}")
    for source in sources:
        fetcher.configure(
            source.name,
            max_bytes=source.max_bytes,
            per_second=source.requests_per_second,
            hosts=source.hosts,
            robots=source.obeys_robots,
        )
    validators = validators or {}

    async def fetch(source: Source) -> Fetched:
        reporter.begin(source.name, "fetching")
        started = time.monotonic()
        try:
            pages = await source.fetch(fetcher, validators.get(source.name))
        except (FetchError, ResponseError) as error:
            return Fetched(error=str(error), seconds=time.monotonic() - started)
        except Exception as error:  # reported as that source's failure, like any other
            reason = f"{type(error).__name__}: {error}"
            return Fetched(error=reason, seconds=time.monotonic() - started)
        return Fetched.of(pages, time.monotonic() - started)

    async def fetch_all() -> list[Fetched]:
        async with fetcher:
            return await asyncio.gather(*(fetch(source) for source in sources))

    return dict(zip((s.name for s in sources), asyncio.run(fetch_all()), strict=True))


def _count(source: Source, bodies: list[Body]) -> tuple[int, str | None]:
    """Read every body through before anything is stored: a bad response stores nothing.

    Return how many items the bodies list (at most ``MAX_ITEMS_PER_RESPONSE`` each) and,
    when a body listed more, which ones are left unread (one line), else None. Only
    the payloads are split here; the items are read once, as they are stored.
    """
    total = 0
    cuts = []
    for number, body in enumerate(bodies, start=1):
        listed = sum(1 for _ in islice(source.payloads(body), MAX_ITEMS_PER_RESPONSE + 1))
        if listed > MAX_ITEMS_PER_RESPONSE:
            listed -= 1
            cuts.append(
                f"response {number} lists more than {MAX_ITEMS_PER_RESPONSE:,} items; "
                f"the first {MAX_ITEMS_PER_RESPONSE:,} were read"
            )
        total += listed
    return total, "; ".join(cuts) or None


def _entries(source: Source, bodies: list[Body]) -> Iterator[Item | BadItem]:
    """Yield the items of every body, as ``_count`` counted them, one at a time."""
    for body in bodies:
        yield from islice(source.parse(body), MAX_ITEMS_PER_RESPONSE)


def _store(
    source: Source,
    entries: Iterable[Item | BadItem],
    total: int,
    log: RunLog,
    reporter: Reporter,
) -> vanish.Listing:
    """Store a source's items batch by batch, each batch with its records; return what
    the response listed (for ``vanish.retract``).

    ``entries`` is read a batch at a time: only one batch of items is held at once.
    """
    started = time.monotonic()
    before = Counter(log.counts)
    reporter.begin(source.name, "storing", total=total)
    log.expect(source.name, total)
    kept = _Kept()
    listing = vanish.Listing()
    now = timezone.now()
    stored = 0
    for batch in chunked(enumerate(entries, start=1), BATCH):
        listing.note(entry for _, entry in batch)
        mark = kept.mark()
        try:
            with _batch(log):
                _store_batch(source, batch, log, kept, now)
        except ITEM_FAULTS:
            # Something about one item that the checks did not foresee (a value the
            # schema or the database refuses) must not cost the others: store the batch
            # again item by item, and record the item that fails as its error.
            kept.undo(mark)
            for entry in batch:
                _store_alone(source, entry, log, kept, now)
        stored += len(batch)
        reporter.advance(source.name, len(batch))
    done = {change: log.counts[change] - before[change] for change in (CREATE, UPDATE, NOOP)}
    errors = log.counts[ERROR] - before[ERROR]
    reporter.end(
        source.name,
        f"stored {stored} items in {time.monotonic() - started:.1f} s: "
        f"{done[CREATE]} created, {done[UPDATE]} updated, {done[NOOP]} unchanged, "
        f"{errors} errors",
    )
    return listing


class _Kept:
    """The items of a response stored so far: each external id with its content hash.

    Held for the whole response, so a repeated id is told from a new one: no more than
    that, the hash as its 32 bytes.
    """

    def __init__(self) -> None:
        self.digests: dict[str, bytes] = {}

    def __getitem__(self, external_id: str) -> str:
        return self.digests[external_id].hex()

    def get(self, external_id: str) -> str | None:
        digest = self.digests.get(external_id)
        return None if digest is None else digest.hex()

    def add(self, external_id: str, digest: str) -> None:
        self.digests[external_id] = bytes.fromhex(digest)

    def mark(self) -> int:
        return len(self.digests)

    def undo(self, mark: int) -> None:
        """Forget the items added since ``mark`` (their batch was rolled back)."""
        # Ids are only ever added, so the ones since the mark are the newest: a dict
        # gives them back last first.
        while len(self.digests) > mark:
            self.digests.popitem()


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


def _store_alone(
    source: Source,
    entry: tuple[int, Item | BadItem],
    log: RunLog,
    kept: _Kept,
    now: dt.datetime,
) -> None:
    """Store one item in its own transaction; if that fails, record it as an error."""
    position, item = entry
    mark = kept.mark()
    try:
        with _batch(log):
            _store_batch(source, [entry], log, kept, now)
        return
    except ITEM_FAULTS as error:
        kept.undo(mark)
        reason = f"could not be stored ({type(error).__name__}: {error})"
    payload, external_id = item.payload, item.external_id
    try:
        with _batch(log):
            _record_bad(log, source, position, reason, payload, external_id)
    except ITEM_FAULTS:
        # The item is too odd even to keep in its record: the record says so instead.
        with _batch(log):
            _record_bad(log, source, position, reason, None, None)


def _store_batch(
    source: Source,
    batch: list[tuple[int, Item | BadItem]],
    log: RunLog,
    kept: _Kept,
    now: dt.datetime,
) -> None:
    """Store one batch: new items created, changed ones updated, each with its record."""
    wanted = _usable(source, batch, log, kept)
    fresh, changed, unchanged, stale = _compare(source, wanted, kept, now)
    created = Node.objects.bulk_create_nodes(RAW, [data for _, data in fresh])
    Node.objects.bulk_update_data([node for node, _, _ in changed], touch=True)
    Node.objects.bulk_update_data(stale, touch=False)
    for node, (item, _) in zip(created, fresh, strict=True):
        log.add(
            CREATE,
            source.name,
            _summary(node),
            target=node,
            external_id=item.external_id,
            reason=_cuts(item),
        )
    for node, old, item in changed:
        changes = payload_diff(old, item.payload)
        log.add(
            UPDATE,
            source.name,
            _summary(node),
            target=node,
            external_id=item.external_id,
            diff=changes,
            # The same content stored again: an item gone that is listed again.
            reason=_cuts(item) or (None if changes else vanish.BACK),
        )
    if unchanged:
        log.tally(source.name, NOOP, unchanged)


def _usable(
    source: Source, batch: list[tuple[int, Item | BadItem]], log: RunLog, kept: _Kept
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
            kept.add(entry.external_id, digest)
            key = natural_key(RAW, {"source": source.name, "external_id": entry.external_id})
            wanted[key] = entry
    return wanted


def _compare(
    source: Source, wanted: dict[str, Item], digests: _Kept, now: dt.datetime
) -> tuple[list[tuple[Item, dict[str, Any]]], list[tuple[Node, Any, Item]], int, list[Node]]:
    """Sort items into new (with their data), changed (with the old payload), unchanged.

    Return those, how many are unchanged, and the unchanged ones whose bookkeeping is
    stale (``_stale``). Changed and stale nodes come back with their new data set,
    ready to write; the other unchanged ones are not written, nor even loaded whole.
    ``digests``: each item's content hash by external id (``_usable`` computed it).
    One query for the batch's stored facts, one more for the nodes to write, if any.
    """
    known = _stored_facts(wanted)
    fresh: list[tuple[Item, dict[str, Any]]] = []
    to_load: dict[str, tuple[Item, dict[str, Any] | None]] = {}
    unchanged = 0
    for key, item in wanted.items():
        digest = digests[item.external_id]
        stored = known.get(key)
        if stored is None:
            fresh.append((item, _raw_data(source, item, digest, now)))
            continue
        pk, facts_then = stored
        gone_at = _text(facts_then["gone_at"])
        if facts_then["content_hash"] != digest or vanish.returned(gone_at):
            to_load[pk] = (item, None)
            continue
        # Bookkeeping only: the item is as it was, so it is not "updated".
        unchanged += 1
        facts = _facts(source, item)
        if _stale(facts_then, facts, now):
            to_load[pk] = (item, facts)
    changed: list[tuple[Node, Any, Item]] = []
    stale: list[Node] = []
    loaded = Node.objects.in_bulk(list(to_load)) if to_load else {}
    for pk, (item, facts) in to_load.items():
        node = loaded[pk]
        if facts is None:
            digest = digests[item.external_id]
            old, first_seen = node.data.get("payload"), node.data["first_seen"]
            node.data.update(_raw_data(source, item, digest, now), first_seen=first_seen)
            changed.append((node, old, item))
        else:
            node.data.update(facts, last_seen=now)
            stale.append(node)
    return fresh, changed, unchanged, stale


def _text(value: str | None) -> str | None:
    # SQLite extracts a JSON null as the text "null" (``_stored_facts``).
    return None if value == "null" else value


_COMPARED = (
    "content_hash",
    "gone_at",
    "last_seen",
    "day",
    "start_time",
    "event_name",
    "venue_name",
)


def _stored_facts(wanted: dict[str, Item]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Return the stored raw items' ids and compared fields, by natural key.

    Only those fields are read (the database extracts them, as text: they are all
    text or null), not the payloads: an unchanged repeat reads what it compares.
    """
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    columns = [KT(f"data__{name}") for name in _COMPARED]
    for chunk in chunked(wanted):
        rows = Node.objects.filter(label=RAW, key__in=chunk).values_list("key", "pk", *columns)
        for key, pk, *values in rows.order_by():
            found[key] = (pk, dict(zip(_COMPARED, values, strict=True)))
    return found


def _stale(data: dict[str, Any], facts: dict[str, Any], now: dt.datetime) -> bool:
    """Whether an unchanged item's stored bookkeeping must be written again.

    Its facts (read by this version of the source's reader) may differ; its
    ``last_seen`` is kept to within ``LAST_SEEN_RESOLUTION``, not to the run: moving it
    every run would rewrite every item of a source every hour for nothing.
    """
    if any(_text(data.get(name)) != value for name, value in facts.items()):
        return True
    seen = data.get("last_seen")
    if not isinstance(seen, str):
        return True
    try:
        moment = dt.datetime.fromisoformat(seen.replace("Z", "+00:00"))
    except ValueError:
        return True
    return now - moment >= LAST_SEEN_RESOLUTION


def _raw_data(source: Source, item: Item, digest: str, now: dt.datetime) -> dict[str, Any]:
    """Return the data of a raw_data node for ``item`` as received now."""
    return {
        "source": source.name,
        "external_id": item.external_id,
        "payload": item.payload,
        **_facts(source, item),
        "content_hash": digest,
        "processed": False,
        "gone_at": None,  # listed: not gone (again)
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


def _cuts(item: Item) -> str | None:
    """Return what reading the item cut to fit the bounds, for its record (None: nothing)."""
    return one_line("; ".join(item.cuts), limit=1000) if item.cuts else None


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
        item=clipped(payload),
    )


def ingested(outcome: IngestOutcome) -> list[str]:
    """Return the sources that ingested in a run (succeeded), in the run's order."""
    return [name for name, stats in outcome.log.stats.items() if stats.status == "succeeded"]


def not_ingested(outcome: IngestOutcome) -> dict[str, str]:
    """Return the sources that did not ingest in a run, each with why ("failed: ...")."""
    return {
        name: f"its ingest {stats.status}"
        for name, stats in outcome.log.stats.items()
        if stats.status != "succeeded"
    }


def _nothing_ran(log: RunLog) -> str:
    skipped = (f"{name} skipped: {stats.error}" for name, stats in log.stats.items())
    return f"nothing ran ({'; '.join(skipped)})"
