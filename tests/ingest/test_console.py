"""What runs show: the summary table of any run, plain lines, the live display."""

import io

from graph.models import Node
from ingest.console import (
    LineReporter,
    ProgressReporter,
    QuietReporter,
    render_table,
    reporter_for,
    summary_table,
)


def run_node(label: str = "ingest_run", **data) -> Node:
    base = {
        "status": "partial",
        "started_at": "2026-11-20T10:00:00+00:00",
        "finished_at": "2026-11-20T10:00:02.500000+00:00",
        "per_source": {
            "blue_moon": {"created": 59, "status": "succeeded", "seconds": 0.41},
            "sea_monster": {"status": "failed", "error": "HTTP 503 after 3 attempts"},
            "ticketmaster": {"status": "skipped", "error": "TICKETMASTER_API_KEY is not set"},
        },
    }
    return Node(label=label, data={**base, **data})


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_summary_has_the_run_id_a_row_per_source_and_the_reasons():
    run = run_node()
    lines = summary_table(run).splitlines()
    assert lines[0] == f"ingest run {run.pk}: partial in 2.50 s"
    assert lines[1].split() == [
        "source", "status", "created", "updated", "unchanged", "skipped", "errors", "seconds"
    ]  # fmt: skip
    assert lines[3].split() == ["blue_moon", "succeeded", "59", "0", "0", "0", "0", "0.41"]
    assert lines[-2:] == [
        "sea_monster failed: HTTP 503 after 3 attempts",
        "ticketmaster skipped: TICKETMASTER_API_KEY is not set",
    ]


def test_the_summary_serves_carpenter_runs_too():
    run = run_node("carpenter_run", finished_at=None, status="running")
    assert summary_table(run).splitlines()[0] == f"carpenter run {run.pk}: running"


def test_source_text_is_never_taken_for_markup():
    table = render_table(["title"], [["[bold]Dead Bars[/] & [link=x]y"]])
    assert "[bold]Dead Bars[/] & [link=x]y" in table


def test_lines_for_pipes_and_logs():
    out = io.StringIO()
    with reporter_for(out) as reporter:
        assert isinstance(reporter, LineReporter)
        reporter.begin("blue_moon", "storing", total=59)
        reporter.advance("blue_moon", 59)
        reporter.end("blue_moon", "stored 59 items")
        reporter.note("", "waiting for the other run of blue_moon to finish")
    assert out.getvalue() == (
        "blue_moon: stored 59 items\nwaiting for the other run of blue_moon to finish\n"
    )


def test_a_live_display_on_a_terminal():
    out = Terminal()
    with reporter_for(out) as reporter:
        assert isinstance(reporter, ProgressReporter)
        reporter.begin("blue_moon", "fetching")
        reporter.end("blue_moon", "fetched 59 items in 0.4 s")
        reporter.begin("blue_moon", "storing", total=59)
        reporter.advance("blue_moon", 59)
        reporter.end("blue_moon", "stored 59 items")
    assert "blue_moon: stored 59 items" in out.getvalue()


def test_verbosity_zero_is_silent():
    out = Terminal()
    with reporter_for(out, verbosity=0) as reporter:
        assert isinstance(reporter, QuietReporter)
        reporter.note("blue_moon", "anything")
    assert out.getvalue() == ""
