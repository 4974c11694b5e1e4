"""``manage.py ingest``: what users see, exit statuses, one-line errors, runs side by side."""

import io
import signal
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import CommandError, call_command

from graph.audit import INTERRUPTED
from graph.models import Edge, Node
from tests.conftest import ROOT, SAMPLES
from tests.ingest.conftest import fixture_path, raw_items
from tests.ingest.feeds import blue_moon_feed, write_feed

SAMPLE = str(SAMPLES / "blue_moon.json")


def ingest_command(*args: str, **options) -> str:
    out = io.StringIO()
    call_command("ingest", *args, stdout=out, **options)
    return out.getvalue()


def one_line_error(result) -> str:
    """Return a failed command's error, checking it is one line and no traceback."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.django_db
class TestIngestCommand:
    def test_it_prints_progress_lines_and_the_summary_with_the_run_id(self):
        output = ingest_command("blue_moon", "--from", SAMPLE)
        run = Node.objects.labelled("ingest_run").get()
        assert "blue_moon: fetched 59 items in" in output
        assert "blue_moon: stored 59 items in" in output
        assert f"ingest run {run.pk}: succeeded" in output
        row = next(line for line in output.splitlines() if line.startswith("blue_moon "))
        assert row.split()[:7] == ["blue_moon", "succeeded", "59", "0", "0", "0", "0"]

    def test_verbosity_zero_prints_only_the_summary(self):
        output = ingest_command("blue_moon", "--from", SAMPLE, verbosity=0)
        assert "fetched" not in output
        assert "ingest run" in output

    def test_a_failed_source_prints_the_summary_then_fails(self):
        out = io.StringIO()
        with pytest.raises(CommandError) as error:
            call_command(
                "ingest", "blue_moon", "--from", fixture_path("blue_moon", "empty.json"), stdout=out
            )
        run = Node.objects.labelled("ingest_run").get()
        assert str(error.value) == f"ingest run {run.pk} failed: blue_moon: empty response"
        # Told once: on the progress line; the summary's row says "failed".
        assert out.getvalue().count("empty response") == 1
        assert "blue_moon: failed: empty response" in out.getvalue()

    def test_at_verbosity_zero_the_summary_tells_why_a_source_failed(self):
        out = io.StringIO()
        with pytest.raises(CommandError):
            call_command(
                "ingest",
                "blue_moon",
                "--from",
                fixture_path("blue_moon", "empty.json"),
                stdout=out,
                verbosity=0,
            )
        assert out.getvalue().count("empty response") == 1
        assert "blue_moon failed: empty response" in out.getvalue()

    @pytest.mark.parametrize(
        "args, message",
        [
            (
                ["nope"],
                "Unknown source 'nope'. Known sources: blue_moon, sea_monster, ticketmaster,",
            ),
            ([], "Name a source (blue_moon, sea_monster, ticketmaster, darrells_tavern,"),
            (["blue_moon", "--from", "/no/such.json"], "Cannot read --from file /no/such.json"),
            (["--all", "--from", SAMPLE], "--from reads one source's response"),
            (["blue_moon", "sea_monster", "--from", SAMPLE], "--from reads one source's response"),
        ],
    )
    def test_wrong_arguments_are_a_helpful_error_and_store_nothing(self, args, message):
        with pytest.raises(CommandError) as error:
            ingest_command(*args)
        assert str(error.value).startswith(message)
        assert not Node.objects.exists()


@pytest.mark.django_db(transaction=True)
class TestAsAUserRunsIt:
    def test_help(self, manage):
        result = manage("ingest", "--help")
        assert result.returncode == 0
        for option in ("SOURCE", "--all", "--from PATH", "--in-memory"):
            assert option in result.stdout

    def test_the_recorded_sample_from_a_fresh_checkout(self, manage):
        result = manage("ingest", "blue_moon", "--from", "ingest/samples/blue_moon.json")
        assert result.returncode == 0, result.stderr
        assert "ingest run" in result.stdout and "succeeded" in result.stdout
        assert len(raw_items()) == 59

    @pytest.mark.parametrize(
        "args, start",
        [
            (["nope"], "CommandError: Unknown source 'nope'."),
            (["blue_moon", "--from", "/no/such.json"], "CommandError: Cannot read --from file"),
            (["blue_moon", "sea_monster", "--from", SAMPLE], "CommandError: --from reads one"),
        ],
    )
    def test_wrong_arguments_exit_non_zero_with_one_line(self, manage, args, start):
        assert one_line_error(manage("ingest", *args)).startswith(start)

    def test_a_failed_source_exits_non_zero_with_one_line(self, manage):
        result = manage(
            "ingest", "blue_moon", "--from", str(fixture_path("blue_moon", "not-json.html"))
        )
        assert "blue_moon: failed: not JSON" in result.stdout
        assert one_line_error(result).startswith("CommandError: ingest run ")

    def test_in_memory_leaves_the_configured_database_untouched(self, manage):
        call_command(
            "ingest", "sea_monster", "--from", SAMPLES / "sea_monster.html", stdout=io.StringIO()
        )
        nodes, edges = Node.objects.count(), Edge.objects.count()
        data = {node.pk: node.data for node in Node.objects.all()}

        result = manage("ingest", "blue_moon", "--from", SAMPLE, "--in-memory")

        assert result.returncode == 0, result.stderr
        row = next(line for line in result.stdout.splitlines() if line.startswith("blue_moon "))
        assert row.split()[2] == "59"
        assert (Node.objects.count(), Edge.objects.count()) == (nodes, edges)
        assert {node.pk: node.data for node in Node.objects.all()} == data

    def test_two_runs_of_one_source_at_once_store_each_item_once(self, manage, tmp_path):
        feed = str(write_feed(tmp_path / "feed.json", blue_moon_feed(3000, 1500)))
        with ThreadPoolExecutor(2) as pool:
            results = list(
                pool.map(lambda _: manage("ingest", "blue_moon", "--from", feed), range(2))
            )
        for result in results:
            assert result.returncode == 0, result.stderr
        assert Node.objects.labelled("raw_data").count() == 3000
        assert Node.objects.labelled("raw_data").values("key").distinct().count() == 3000
        runs = Node.objects.labelled("ingest_run")
        created = sorted(run.data["per_source"]["blue_moon"]["created"] for run in runs)
        assert created == [0, 3000]

    def test_a_killed_run_leaves_whole_data_and_the_next_run_works(
        self, manage, python_child, tmp_path
    ):
        feed = str(write_feed(tmp_path / "feed.json", blue_moon_feed(1200, 600)))
        child = python_child(ROOT / "tests" / "ingest" / "child_ingest.py", feed)
        assert child.stdout.readline().strip() == "inside batch 2"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)

        killed = Node.objects.labelled("ingest_run").get()
        assert killed.data["status"] == "running"
        assert killed.data["finished_at"] is None
        assert len(raw_items()) == 500  # the first batch; the second was never committed
        assert Node.objects.labelled("ingest_record").count() == 500
        assert Edge.objects.filter(relation="has_record").count() == 500

        result = manage("ingest", "blue_moon", "--from", feed)

        assert result.returncode == 0, result.stderr
        killed.refresh_from_db()
        assert (killed.data["status"], killed.data["error"]) == ("failed", INTERRUPTED)
        assert killed.data["finished_at"] is None
        assert len(raw_items()) == 1200
        last = Node.objects.labelled("ingest_run").exclude(pk=killed.pk).get()
        assert last.data["per_source"]["blue_moon"]["created"] == 700
