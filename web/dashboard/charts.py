"""The home page's chart: changes per run, drawn as server-side SVG.

Only geometry is computed here; ``templates/dashboard/_changes_chart.html`` writes the
SVG, so every text in it (run titles, sources) goes through the template's escaping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils import timezone

from web.dashboard.present import RunRow

# What is stacked, bottom to top, and the legend's words for it.
SERIES = (("create", "created"), ("update", "updated"), ("error", "errors"))
WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28
SLOTS = 30
MIN_SEGMENT = 2.0  # a segment of one record stays visible beside one of ten thousand


@dataclass
class Segment:
    """One coloured part of a bar."""

    series: str
    count: int
    y: float
    height: float


@dataclass
class Bar:
    """One run: its place, its stacked segments, its tooltip and its link."""

    x: float
    width: float
    segments: list[Segment]
    title: str
    url: str
    failed: bool

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class Chart:
    """Everything the template needs to draw the chart."""

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    series: tuple = SERIES
    summary: str = ""

    @property
    def empty(self) -> bool:
        return not self.bars


def nice_ceiling(value: int) -> int:
    """Return the smallest of 1, 2, 5, 10, 20, 50, ... that is at least ``value``."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def short_number(value: int) -> str:
    """Return an axis label that stays short: 500, 5k, 50k, 1.5M."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if value >= size:
            return f"{value / size:.1f}".removesuffix(".0") + suffix
    return str(value)


def changes_chart(runs: list[RunRow]) -> Chart:
    """Return the chart of created, updated and failed records per run, oldest first."""
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / SLOTS
    top = nice_ceiling(max((run.changes for run in runs), default=0))
    chart = Chart()
    chart.ticks = [
        Tick(TOP + plot_height * (1 - fraction), short_number(round(top * fraction)))
        for fraction in (0, 0.5, 1)
    ]
    shown = runs[-SLOTS:]
    # Right-aligned: the newest run always sits at the right edge.
    for index, run in enumerate(shown, start=SLOTS - len(shown)):
        y = float(HEIGHT - BOTTOM)
        segments = []
        for series, _ in SERIES:
            count = run.counts.get(series, 0)
            if not count:
                continue
            height = max(plot_height * count / top, MIN_SEGMENT)
            y -= height
            segments.append(Segment(series, count, round(y, 2), round(height, 2)))
        started = timezone.localtime(run.started) if run.started else None
        when = started.strftime("%b %d %H:%M") if started else "unknown start"
        counts = ", ".join(f"{run.counts.get(s, 0):,} {word}" for s, word in SERIES)
        chart.bars.append(
            Bar(
                x=round(LEFT + index * slot + slot * 0.15, 2),
                width=round(slot * 0.7, 2),
                segments=segments,
                title=f"{run.kind} run {when} ({', '.join(run.sources)}): {run.status}; {counts}",
                url=run.url,
                failed=run.status in ("failed", "partial"),
            )
        )
    total = sum(run.changes for run in runs)
    chart.summary = f"{len(chart.bars)} most recent runs, {total:,} changes in all"
    return chart
