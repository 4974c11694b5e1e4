"""What ``manage.py sources`` shows: each source, whether it can run, and its last run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from graph.audit import INTERRUPTED
from graph.labels import Label
from graph.models import Node
from graph.schemas import SourceStats
from ingest.console import render_table
from ingest.sources import SOURCES


@dataclass
class SourceState:
    """One source as it stands here.

    name, title: the source's name and human name.
    platform: what publishes its data ("VenuePilot", "own site").
    terms: how its data may be used ("public page", "documented API, key", ...).
    problem: why it cannot run here ("TICKETMASTER_API_KEY is not set"); None if it can.
    last_run: the latest ingest run that included it, or None.
    stats: what that run did for this source.
    """

    name: str
    title: str
    platform: str
    terms: str
    problem: str | None
    last_run: Node | None = None
    stats: SourceStats | None = None


def source_states() -> list[SourceState]:
    """Return every source with its last ingest run (newest runs read first, until all found)."""
    states = {
        name: SourceState(name, source.title, source.platform, source.terms, source.problem())
        for name, source in SOURCES.items()
    }
    waiting = set(states)
    runs = Node.objects.labelled(Label.INGEST_RUN).order_by("-created_at")
    for run in runs.iterator(chunk_size=100):
        for name in waiting & set(run.data.get("sources", [])):
            stats = run.data.get("per_source", {}).get(name)
            states[name].last_run = run
            states[name].stats = SourceStats.model_validate(stats) if stats else None
        waiting -= set(run.data.get("sources", []))
        if not waiting:
            break
    return list(states.values())


Column = tuple[str, Callable[[SourceState], str]]


def sources_table(states: list[SourceState], extra: Sequence[Column] = ()) -> str:
    """Return the table ``manage.py sources`` prints; ``extra`` columns (a header and a
    function of the state) go after "can run" (the scheduler's schedule, for one)."""
    headers = (
        "source",
        "title",
        "platform",
        "terms",
        "can run",
        *(header for header, _ in extra),
        "last run",
        "status",
        "created",
        "updated",
        "unchanged",
        "errors",
    )
    rows = []
    for state in states:
        can_run = "yes" if not state.problem else f"no: {state.problem}"
        row = [state.name, state.title, state.platform, state.terms, can_run]
        row += [cell(state) for _, cell in extra]
        run, stats = state.last_run, state.stats
        if run is None:
            row += ["never", "", "", "", "", ""]
        else:
            counts = [getattr(stats, f, "") if stats else "" for f in headers[-4:]]
            row += [f"{_local(run.data.get('started_at'))} ({run.pk[:8]})", _status(run, stats)]
            row += counts
        rows.append(row)
    return render_table(headers, rows, numeric=headers[-4:])


def _status(run: Node, stats: SourceStats | None) -> str:
    """Return how the source fared in ``run``: its own status, or the run's when unfinished."""
    if run.data.get("error") == INTERRUPTED:
        return "interrupted"
    if run.data.get("status") == "running" or stats is None:
        return run.data.get("status", "")
    return stats.status


def _local(value: object) -> str:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
