"""The audit trail: runs and their records, shaped like Django's admin ``LogEntry``.

A run (``ingest_run`` or ``carpenter_run``) is stored the moment it starts, so a run
killed half-way is still there, marked as not finished. Its records (``ingest_record``
or ``carpenter_record``: a change type, a short summary, a JSON diff, a link to the
node) are collected and written in batches with ``flush()``, which the caller invokes
inside the same transaction as the writes they describe: data and audit trail are
stored together or not at all.

The run node is live progress too: ``expect()`` stores how many items a source has to
handle, and every ``flush()`` stores the counts so far in the batch's own transaction,
so whichever process runs it, the dashboard reads what is committed, no more.
"""

from __future__ import annotations

import os
import socket
from collections import Counter, defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from deepdiff import DeepDiff
from deepdiff.helper import NotPresent
from django.db import transaction
from django.utils import timezone

from graph.labels import Label
from graph.models import Edge, Node
from graph.schemas import SourceStats, json_time, stored_record

# Change types, as the contract names them, and the per-source counter each feeds.
CREATE, UPDATE, NOOP, SKIP, ERROR = "create", "update", "noop", "skip", "error"
CHANGE_TYPES = (CREATE, UPDATE, NOOP, SKIP, ERROR)
STAT_OF = {
    CREATE: "created",
    UPDATE: "updated",
    NOOP: "unchanged",
    SKIP: "skipped",
    ERROR: "errors",
}
RECORD_LABEL = {Label.INGEST_RUN: Label.INGEST_RECORD, Label.CARPENTER_RUN: Label.CARPENTER_RECORD}
INTERRUPTED = "interrupted: the run stopped before it finished"


def diff(old: Any, new: Any) -> dict[str, dict[str, Any]]:
    """Return what changed from ``old`` to ``new``, by field path.

    ``{"title": {"old": "A", "new": "B"}, "location.city": {"old": None, "new": "Seattle"}}``;
    list positions are path parts too (``artists.1``).

    Dicts are walked here, field by field; only lists that differ are handed to deepdiff
    (whose cost grows with what it walks: a millisecond an event was most of a run that
    changed a tenth of its events). The result is deepdiff's, path for path.
    """
    changes: dict[str, dict[str, Any]] = {}
    _walk(old, new, [], changes)
    return dict(sorted(changes.items()))


def _walk(old: Any, new: Any, path: list[str], changes: dict[str, dict[str, Any]]) -> None:
    if type(old) is dict and type(new) is dict and old and old.keys() == new.keys():
        for key in old:
            _walk(old[key], new[key], [*path, key], changes)
    elif type(old) is type(new) and old == new:
        return
    elif not isinstance(old, _CONTAINERS) and not isinstance(new, _CONTAINERS):
        changes[_path(path)] = {"old": old, "new": new}
    else:  # keys added or gone, lists: deepdiff's own reading of them
        for inner, change in _deep_diff(old, new).items():
            changes[_path(path) if inner == "(all)" else _path([*path, inner])] = change


_CONTAINERS = (dict, list, tuple, set, frozenset)


def _path(parts: list[Any]) -> str:
    return ".".join(str(part) for part in parts) or "(all)"


def _deep_diff(old: Any, new: Any) -> dict[str, dict[str, Any]]:
    """deepdiff's changes between two values, by path (``diff``'s output)."""
    changes: dict[str, dict[str, Any]] = {}
    for items in DeepDiff(old, new, view="tree").values():
        for level in items:
            path = ".".join(str(part) for part in level.path(output_format="list")) or "(all)"
            changes[path] = {"old": _present(level.t1), "new": _present(level.t2)}
    return dict(sorted(changes.items()))


def _present(value: Any) -> Any:
    return None if isinstance(value, NotPresent) else value


@dataclass
class PendingRecord:
    """A record not yet written: what ``RunLog.add`` collects until ``flush``."""

    data: dict[str, Any]
    target: Node | None


@dataclass
class RunLog:
    """Open a run node, collect its records, write them in batches, close the run.

    label: ``ingest_run`` or ``carpenter_run``.
    sources: the source names the run handles.
    options: the options it was started with (shown on the run's page).
    """

    label: str
    sources: list[str]
    options: dict[str, Any] = field(default_factory=dict)
    run: Node | None = None
    counts: Counter = field(default_factory=Counter)
    kinds: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    stats: dict[str, SourceStats] = field(default_factory=dict)
    pending: list[PendingRecord] = field(default_factory=list)
    current: str | None = None

    def start(self) -> Node:
        """Store the run as running (committed at once, so a killed run leaves a trace)."""
        self.stats = {name: SourceStats() for name in self.sources}
        data = {
            "sources": self.sources,
            "options": self.options,
            "status": "running",
            "started_at": timezone.now(),
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "per_source": self.stats,
        }
        with transaction.atomic():
            self.run = Node.objects.create_node(self.label, data)
        return self.run

    def add(
        self,
        change_type: str,
        source: str,
        summary: str,
        target: Node | None = None,
        *,
        counted: bool = True,
        **fields: Any,
    ) -> None:
        """Collect one record (diff=, reason=, and the record label's own fields).

        ``counted=False``: a record that is not one of the items handled (an item a
        fetch no longer lists is counted as ``gone``, not among the items fetched).
        """
        if counted:
            self.tally(source, change_type, kind=fields.get("kind"))
        data = {"change_type": change_type, "source": source, "summary": summary[:300]}
        data.update((k, v) for k, v in fields.items() if v is not None)
        data["at"] = json_time(timezone.now())
        self.pending.append(PendingRecord(stored_record(RECORD_LABEL[self.label], data), target))

    def tally(self, source: str, change_type: str, count: int = 1, kind: str | None = None) -> None:
        """Count changes that get no record of their own (unchanged items)."""
        self.counts[change_type] += count
        if kind:
            self.kinds[kind][change_type] += count
        stats = self.stats.get(source)
        if stats is None:  # not setdefault: it would build a SourceStats every call
            stats = self.stats[source] = SourceStats()
        setattr(stats, STAT_OF[change_type], getattr(stats, STAT_OF[change_type]) + count)

    def totals(self) -> dict[str, int]:
        """Counts by change type, zeros included: a run that changed nothing says so."""
        return {change: self.counts.get(change, 0) for change in CHANGE_TYPES}

    def mark(self) -> tuple:
        """Remember where the log stands, to undo a batch that will not be stored."""
        return (
            len(self.pending),
            self.counts.copy(),
            {kind: counter.copy() for kind, counter in self.kinds.items()},
            {name: stats.model_copy() for name, stats in self.stats.items()},
        )

    def undo(self, mark: tuple) -> None:
        """Forget what was collected since ``mark`` (its transaction rolled back)."""
        size, counts, kinds, stats = mark
        del self.pending[size:]
        self.counts = counts
        self.kinds = defaultdict(Counter, kinds)
        self.stats = stats

    def expect(self, source: str, total: int) -> None:
        """Store that ``source`` has ``total`` items to handle, and is the one at work now."""
        self.current = source
        self.stats.setdefault(source, SourceStats()).total = total
        self._store_progress()

    def flush(self) -> int:
        """Write the collected records and their edges, and the run's counts so far; call
        inside the data's transaction (one batch)."""
        written = self._write_records()
        if self.current is not None:
            self.stats.setdefault(self.current, SourceStats()).batches += 1
        self._store_progress()
        return written

    def _store_progress(self) -> None:
        if self.run is None:
            return
        self.run.data.update(
            counts=self.totals(), per_source=self.stats, progress_at=timezone.now()
        )
        Node.objects.bulk_update_data([self.run])

    def _write_records(self) -> int:
        if not self.pending:
            return 0
        record_label = RECORD_LABEL[self.label]
        records = Node.objects.bulk_create_nodes(
            record_label, [p.data for p in self.pending], stored=True
        )
        links = [(self.run, "has_record", record) for record in records]
        links += [
            (record, "changed", p.target)
            for record, p in zip(records, self.pending, strict=True)
            if p.target is not None
        ]
        Edge.objects.bulk_link(links)
        written = len(records)
        self.pending.clear()
        return written

    def finish(self, *, error: str | None = None, **extra: Any) -> Node:
        """Write what is left and close the run with its status and counts."""
        assert self.run is not None, "start() the run first"
        with transaction.atomic():
            self._write_records()
            for stats in self.stats.values():
                if stats.status == "running":
                    stats.status = "succeeded"
            failed = [s for s in self.stats.values() if s.status == "failed"]
            ran = [s for s in self.stats.values() if s.status != "skipped"]
            if error or (failed and len(failed) == len(ran)):
                status = "failed"
            elif failed:
                status = "partial"
            else:
                status = "succeeded"
            self.run.data.update(
                status=status,
                finished_at=timezone.now(),
                counts=self.totals(),
                per_source=self.stats,
                error=error,
                **extra,
            )
            if self.label == Label.CARPENTER_RUN:
                self.run.data["kinds"] = {k: dict(v) for k, v in sorted(self.kinds.items())}
            Node.objects.bulk_update_data([self.run])
        return self.run

    def interrupted(self) -> None:
        """Mark a run stopped half-way (Ctrl-C) as failed, interrupted, with what it stored.

        Its ``finished_at`` stays empty: it never finished. Should this write fail too,
        the next run of these sources marks the run the same way.
        """
        if self.run is None:
            return
        self.run.data.update(
            status="failed",
            error=INTERRUPTED,
            counts=self.totals(),
            per_source=self.stats,
        )
        with suppress(Exception):
            Node.objects.bulk_update_data([self.run])

    def source_failed(self, source: str, reason: str) -> None:
        """Mark one source as failed as a whole (the others go on)."""
        stats = self.stats.setdefault(source, SourceStats())
        stats.status = "failed"
        stats.error = reason

    def source_skipped(self, source: str, reason: str) -> None:
        """Mark one source as skipped (it cannot run here, e.g. its secret is not set)."""
        stats = self.stats.setdefault(source, SourceStats())
        stats.status = "skipped"
        stats.error = reason

    def source_time(self, source: str, seconds: float) -> None:
        """Add to the time one source took."""
        stats = self.stats.setdefault(source, SourceStats())
        stats.seconds = round(stats.seconds + seconds, 3)


@dataclass
class RunOutcome:
    """What one finished run did: its node and its log.

    run: the run node (status, counts, per-source stats).
    log: the RunLog, with the same numbers as Python objects.
    """

    run: Node
    log: RunLog

    @property
    def ok(self) -> bool:
        """True when the run succeeded: every source that ran did, and one did run."""
        return self.run.data["status"] == "succeeded"

    @property
    def failure(self) -> str | None:
        """One line saying what went wrong, for a command's error; None when ok."""
        if self.ok:
            return None
        failed = [
            f"{name}: {stats.error}"
            for name, stats in self.log.stats.items()
            if stats.status == "failed"
        ]
        reasons = "; ".join(failed) or self.run.data.get("error") or "failed"
        kind = str(self.run.label).replace("_", " ")
        return f"{kind} {self.run.pk} {self.run.data['status']}: {reasons}"


def close_abandoned_runs(label: str, sources: list[str]) -> int:
    """Mark runs of these sources still "running" as failed, interrupted; return how many.

    Call only while holding the sources' locks (``graph.locks``): a run of this machine
    that is still "running" then cannot be alive. Another machine's run is left alone:
    this one cannot know. Its ``finished_at`` stays empty: it never finished.
    """
    stale = []
    wanted = set(sources)
    here = socket.gethostname()
    for run in Node.objects.labelled(label).where(status="running"):
        if run.data.get("host") not in (None, here):
            continue
        if wanted & set(run.data.get("sources", [])):
            run.data["status"] = "failed"
            run.data["error"] = INTERRUPTED
            stale.append(run)
    if stale:
        Node.objects.bulk_update_data(stale)
    return len(stale)
