"""What runs show while they work, and the summary they print when done.

For any run whose node holds ``per_source`` stats (ingest and carpenter runs alike):
``summary_table(run)`` renders what each source did, with the run id; ``reporter_for``
returns a live progress display when the output is a terminal, plain lines ("blue_moon:
fetched 59 items in 0.4 s") when it is a file or a pipe, and silence at verbosity 0.

Source text (titles, error messages) can contain anything, so it is always rendered
as plain text, never as rich markup.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TextIO

from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from graph.models import Node

STAT_COLUMNS = ("created", "updated", "unchanged", "skipped", "errors")


class Reporter(Protocol):
    """Told what a run is doing, source by source; shows it as it sees fit."""

    def begin(self, source: str, step: str, total: int | None = None) -> None:
        """A step of a source starts ("fetching", "storing" ``total`` items)."""

    def advance(self, source: str, count: int = 1) -> None:
        """``count`` more units of the source's current step are done."""

    def end(self, source: str, message: str, *, failed: bool = False) -> None:
        """The source's current step is over (or ``failed``); ``message`` says how it went."""

    def note(self, source: str, message: str) -> None:
        """Say something about a source ("skipped: ...", "retrying ...")."""

    def __enter__(self) -> Reporter: ...

    def __exit__(self, *exc_info: object) -> None: ...


class QuietReporter:
    """Shows nothing (verbosity 0, and callers that pass no reporter).

    told: sources whose failure a reporter showed with its reason (a quiet one, none).
    """

    told: frozenset[str] | set[str] = frozenset()

    def begin(self, source: str, step: str, total: int | None = None) -> None:
        pass

    def advance(self, source: str, count: int = 1) -> None:
        pass

    def end(self, source: str, message: str, *, failed: bool = False) -> None:
        pass

    def note(self, source: str, message: str) -> None:
        pass

    def __enter__(self) -> QuietReporter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass


class LineReporter(QuietReporter):
    """Plain lines, one per finished step or note: for logs, pipes and cron mail."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.told: set[str] = set()

    def end(self, source: str, message: str, *, failed: bool = False) -> None:
        if failed:
            self.told.add(source)
        self.note(source, message)

    def note(self, source: str, message: str) -> None:
        self.stream.write(f"{source}: {message}\n" if source else f"{message}\n")
        self.stream.flush()


class ProgressReporter:
    """A live display on a terminal: a line per source with its step, bar and count."""

    def __init__(self, stream: TextIO) -> None:
        self.console = Console(file=_Unwrapped(stream), highlight=False)
        self.progress = Progress(
            SpinnerColumn(finished_text="✓"),
            TextColumn("{task.fields[source]}", style="bold"),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
        )
        self.tasks: dict[str, TaskID] = {}
        self.told: set[str] = set()

    def __enter__(self) -> ProgressReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.progress.stop()

    def begin(self, source: str, step: str, total: int | None = None) -> None:
        task = self.tasks.get(source)
        if task is None:
            self.tasks[source] = self.progress.add_task(step, total=total, source=source)
        else:
            self.progress.reset(task, total=total, description=step)

    def advance(self, source: str, count: int = 1) -> None:
        if source in self.tasks:
            self.progress.advance(self.tasks[source], count)

    def end(self, source: str, message: str, *, failed: bool = False) -> None:
        if failed:
            self.told.add(source)
        task = self.tasks.get(source)
        if task is not None:
            # The row only says how the step ended; the message goes above the display.
            done = max(1, int(self.progress.tasks[self._index(task)].completed))
            status = "failed" if failed else "done"
            self.progress.update(task, total=done, completed=done, description=status)
        self.note(source, message)

    def note(self, source: str, message: str) -> None:
        self.progress.console.print(Text(f"{source}: {message}" if source else message))

    def _index(self, task: TaskID) -> int:
        return next(i for i, t in enumerate(self.progress.tasks) if t.id == task)


def reporter_for(stream: TextIO, verbosity: int = 1) -> Reporter:
    """Return the reporter that suits ``stream``: live on a terminal, lines otherwise."""
    if verbosity < 1:
        return QuietReporter()
    if stream.isatty():
        return ProgressReporter(stream)
    return LineReporter(stream)


def render_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    numeric: Iterable[str] = (),
    title: str | None = None,
) -> str:
    """Return a plain-text table (no colour codes), columns in ``numeric`` right-aligned."""
    right = set(numeric)
    table = Table(
        box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False, show_edge=False
    )
    for header in headers:
        table.add_column(header, justify="right" if header in right else "left", no_wrap=True)
    for row in rows:
        table.add_row(*(Text("" if cell is None else str(cell)) for cell in row))
    buffer = io.StringIO()
    # Wide enough that no row wraps: the table is read in logs and pipes, not fitted to a screen.
    Console(file=buffer, width=1000, color_system=None, highlight=False).print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()).strip("\n")


def summary_table(run: Node, told: Iterable[str] = ()) -> str:
    """Return what a run did: a headline with its id and status, a row per source.

    Reasons a source failed or was skipped follow the table, one line each, except
    for the sources in ``told``, whose failure the progress display already gave
    with its reason (a failure is told once). A fetch that stopped short says why.
    """
    data = run.data
    per_source: dict[str, dict[str, Any]] = data.get("per_source") or {}
    rows = []
    for name, stats in per_source.items():
        counts = [stats.get(column, 0) for column in STAT_COLUMNS]
        rows.append([name, stats.get("status", ""), *counts, f"{stats.get('seconds', 0):.2f}"])
    headers = ("source", "status", *STAT_COLUMNS, "seconds")
    lines = [_headline(run), render_table(headers, rows, numeric=(*STAT_COLUMNS, "seconds"))]
    told = set(told)
    for name, stats in per_source.items():
        if stats.get("error") and not (name in told and stats.get("status") == "failed"):
            lines.append(f"{name} {stats.get('status', '')}: {stats['error']}")
        fetch = stats.get("fetch") or {}
        if fetch.get("shortfall"):
            lines.append(f"{name} incomplete: {fetch['shortfall']}")
        elif fetch.get("not_modified"):
            lines.append(f"{name}: not modified since the last run (HTTP 304)")
    if data.get("error"):
        lines.append(f"run {data.get('status', '')}: {data['error']}")
    return "\n".join(lines)


def _headline(run: Node) -> str:
    data = run.data
    label = str(run.label).replace("_", " ")
    took = _seconds_between(data.get("started_at"), data.get("finished_at"))
    timing = f" in {took:.2f} s" if took is not None else ""
    return f"{label} {run.pk}: {data.get('status', 'unknown')}{timing}"


def _seconds_between(start: Any, end: Any) -> float | None:
    try:
        return (_moment(end) - _moment(start)).total_seconds()
    except (TypeError, ValueError):
        return None


def _moment(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


class _Unwrapped:
    """Give rich the raw stream behind Django's OutputWrapper, which adds line endings."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        if hasattr(self.stream, "style_func"):  # Django's OutputWrapper
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()
