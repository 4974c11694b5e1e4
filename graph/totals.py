"""Totals over runs, by kind, source and status, counted by the database.

``run_totals`` reads each run's ``per_source`` stats with the engine's own JSON table
function (SQLite's and libSQL's ``json_each``, PostgreSQL's ``jsonb_each``) and groups
them in one statement, so what it returns comes from the runs themselves, whichever
process ran them, at the cost of one query whatever their number.

A finished run never changes what it counts (only its records may be pruned, which
leaves its stats and its ``updated_at`` alone), so totals of finished runs can be kept
and added to: ``finished_between`` selects the runs that finished in a window of
``updated_at``, ``unsettled`` those still running or finished too lately to be sure no
slower transaction commits before them.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection

from graph.labels import Label

STAT_CHANGES = (  # per-source counter -> the change type it counts
    ("created", "create"),
    ("updated", "update"),
    ("unchanged", "noop"),
    ("skipped", "skip"),
    ("errors", "error"),
)


@dataclass
class RunTotal:
    """Runs of one kind for one source that ended one way, and what they did.

    kind: "ingest" or "carpenter". status: the source's outcome in those runs (a run
    killed half-way counts as failed), or "running" while they run. runs: how many.
    items: totals by change type.
    seconds: their time in all. within: how many took at most each bucket's seconds
    (finished ones only). last_success: when the latest succeeded one finished.
    """

    kind: str
    source: str
    status: str
    runs: int
    items: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    timed: int = 0
    within: list[int] = field(default_factory=list)
    last_success: dt.datetime | None = None

    def add(self, other: RunTotal) -> None:
        """Add the totals of ``other`` (same kind, source and status) to these."""
        self.runs += other.runs
        for change, count in other.items.items():
            self.items[change] = self.items.get(change, 0) + count
        self.seconds += other.seconds
        self.timed += other.timed
        self.within = [a + b for a, b in zip(self.within, other.within, strict=True)]
        if other.last_success and (not self.last_success or other.last_success > self.last_success):
            self.last_success = other.last_success

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.source, self.status)


def merged(*groups: Sequence[RunTotal]) -> list[RunTotal]:
    """Return the totals of several groups of runs added up, by kind, source and status."""
    found: dict[tuple[str, str, str], RunTotal] = {}
    for group in groups:
        for total in group:
            if total.key in found:
                found[total.key].add(total)
            else:
                found[total.key] = copy.deepcopy(total)
    return [found[key] for key in sorted(found)]


def finished_between(start: dt.datetime | None, end: dt.datetime) -> tuple[str, list]:
    """The runs that finished with ``start <= updated_at < end`` (no start: all before)."""
    clause = (
        "n.data ->> 'status' <> 'running'"
        if _postgres()
        else ("json_extract(n.data, '$.status') <> 'running'")
    )
    params = [_when(end)]
    where = f"{clause} AND n.updated_at < %s"
    if start is not None:
        where += " AND n.updated_at >= %s"
        params.append(_when(start))
    return where, params


def unsettled(since: dt.datetime) -> tuple[str, list]:
    """The runs that changed at or after ``since``: finished lately, or at work (a run
    writes its progress at every batch). A run killed and never closed is not among
    them; it counts once the next run of its source marks it failed."""
    return "n.updated_at >= %s", [_when(since)]


def run_totals(buckets: Sequence[float], where: tuple[str, list] | None = None) -> list[RunTotal]:
    """Return the totals of every (kind, source, status), timing runs in ``buckets``.

    where: one of ``finished_between`` or ``unsettled``; every run when None.
    """
    if _postgres():
        stat, run = "(s.value ->> '{}')", "(n.data ->> '{}')"
        number = "CAST({} AS double precision)"
        each = "CROSS JOIN LATERAL jsonb_each(n.data -> 'per_source') AS s"
    else:
        stat, run = "json_extract(s.value, '$.{}')", "json_extract(n.data, '$.{}')"
        number = "CAST({} AS REAL)"
        each = ", json_each(n.data, '$.per_source') AS s"
    # "running" while the run is; a source still "running" in a run that ended was cut
    # short with it (killed, interrupted): failed.
    status = (
        f"CASE WHEN {run.format('status')} = 'running' THEN 'running' "
        f"WHEN {stat.format('status')} = 'running' THEN 'failed' ELSE {stat.format('status')} END"
    )
    seconds = number.format(stat.format("seconds"))
    timed = f"{status} IN ('succeeded', 'failed')"
    columns = [f"SUM({number.format(stat.format(name))})" for name, _ in STAT_CHANGES]
    columns.append(f"SUM(CASE WHEN {timed} THEN {seconds} ELSE 0 END)")
    columns.append(f"SUM(CASE WHEN {timed} THEN 1 ELSE 0 END)")
    columns += [f"SUM(CASE WHEN {timed} AND {seconds} <= %s THEN 1 ELSE 0 END)" for _ in buckets]
    columns.append(f"MAX(CASE WHEN {status} = 'succeeded' THEN {run.format('finished_at')} END)")
    # One arm per kind of run, each with its own ``label = %s``: nodes_label_updated is
    # a partial index over a few labels (graph.models.label_is), which SQLite uses only
    # for a query naming one of them (an IN list or an OR of them does not do).
    kinds = (Label.INGEST_RUN.value, Label.CARPENTER_RUN.value)
    condition = f" AND {where[0]}" if where else ""
    runs = " UNION ALL ".join(
        f"SELECT n.label, n.data FROM nodes AS n WHERE n.label = %s{condition}" for _ in kinds
    )
    sql = (
        f"SELECT n.label, s.key, {status}, COUNT(*), {', '.join(columns)} "
        f"FROM ({runs}) AS n {each} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    )
    params = [*buckets]
    for kind in kinds:
        params += [kind, *(where[1] if where else [])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    totals = []
    for label, source, outcome, runs, *rest in rows:
        counts, rest = rest[: len(STAT_CHANGES)], rest[len(STAT_CHANGES) :]
        items = {change: int(n or 0) for (_, change), n in zip(STAT_CHANGES, counts, strict=True)}
        spent, timed_runs, within, last = rest[0], rest[1], rest[2:-1], rest[-1]
        totals.append(
            RunTotal(
                kind=str(label).removesuffix("_run"),
                source=str(source),
                status=str(outcome or "unknown"),
                runs=int(runs),
                items=items,
                seconds=float(spent or 0),
                timed=int(timed_runs or 0),
                within=[int(n or 0) for n in within],
                last_success=_moment(last),
            )
        )
    return totals


def _moment(value: object) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _when(moment: dt.datetime):
    return connection.ops.adapt_datetimefield_value(moment)
