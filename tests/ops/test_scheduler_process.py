"""``manage.py scheduler`` as it runs for real: a child process, stopped by SIGTERM.

The child's network is answered by a recorded or generated blue_moon feed
(``child_scheduler.py``); everything else is the real command on the test database.
"""

from __future__ import annotations

import signal
import time

import pytest
from django.test import Client
from django.urls import reverse

from carpenter.models import ScheduledJob, SchedulerBeat
from graph.audit import INTERRUPTED
from graph.models import Node
from tests.conftest import SAMPLES
from tests.ingest.feeds import blue_moon_feed, write_feed

pytestmark = pytest.mark.django_db(transaction=True)
SAMPLE = SAMPLES / "blue_moon.json"


def wait_for(condition, timeout: float = 60.0, what: str = "condition"):
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def read_until(child, line: str) -> list[str]:
    """Read the child's output up to ``line``; return what came before it."""
    before = []
    for got in child.stdout:
        if got.strip() == line:
            return before
        before.append(got)
    raise AssertionError(f"the child ended without {line!r}: {''.join(before)}")


def runs(trigger: str) -> dict[str, Node]:
    found = Node.objects.filter(label__in=["ingest_run", "carpenter_run"])
    return {run.label: run for run in found if run.data["options"].get("trigger") == trigger}


def test_a_scheduled_run_is_carried_out_and_sigterm_stops_the_scheduler(scheduler_child):
    child = scheduler_child(SAMPLE, "--tick", "0.2")

    done = wait_for(
        lambda: (
            (found := runs("schedule")).get("carpenter_run")
            and found["carpenter_run"].data["status"] != "running"
            and found
        ),
        what="the scheduled run",
    )
    assert done["ingest_run"].data["status"] == "succeeded"
    assert done["ingest_run"].data["per_source"]["blue_moon"]["created"] == 59
    assert done["carpenter_run"].data["status"] == "succeeded"
    assert Node.objects.labelled("event").exists()
    beat = SchedulerBeat.objects.get()
    assert beat.pid == child.pid and beat.stopped_at is None

    child.send_signal(signal.SIGTERM)
    output = "".join(child.communicate(timeout=30))
    assert child.returncode == 0, output
    assert "blue_moon: ingest succeeded, carpenter succeeded" in output
    assert "Traceback" not in output
    beat.refresh_from_db()
    assert beat.stopped_at is not None
    job = ScheduledJob.objects.get(pk="blue_moon")
    assert job.last_slot is not None and job.outcome == "ingest succeeded, carpenter succeeded"


def test_sigterm_lets_the_batch_in_hand_commit_then_stops_the_run(scheduler_child, tmp_path):
    feed = write_feed(tmp_path / "feed.json", blue_moon_feed(2000, 1000))
    child = scheduler_child(feed, "--tick", "0.2", slow=1.5)
    read_until(child, "batch 1")

    child.send_signal(signal.SIGTERM)  # in the middle of the first batch's transaction
    output = "".join(child.communicate(timeout=30))

    assert child.returncode == 0, output
    run = Node.objects.labelled("ingest_run").get()
    assert (run.data["status"], run.data["error"]) == ("failed", INTERRUPTED)
    assert run.data["finished_at"] is None
    # The batch in hand was committed whole, with its records; none after it began.
    assert Node.objects.labelled("raw_data").count() == 500
    assert Node.objects.labelled("ingest_record").count() == 500
    assert run.data["counts"]["create"] == 500
    assert run.data["per_source"]["blue_moon"]["batches"] == 1
    assert not Node.objects.labelled("carpenter_run").exists()
    # The job is asked for again, so the next start finishes what was cut short.
    job = ScheduledJob.objects.get(pk="blue_moon")
    assert job.queued and "stopped between batches" in job.outcome


def test_run_now_on_the_dashboard_is_run_by_the_scheduler(scheduler_child, django_user_model):
    operator = django_user_model.objects.create_user("operator", password="pw", is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    home = client.get(reverse("dashboard:home"))
    token = home.cookies["csrftoken"].value

    response = client.post(
        reverse("dashboard:run_now", args=["blue_moon"]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert not runs("dashboard")  # the request only asked; it ran nothing itself

    child = scheduler_child(SAMPLE, "--once", env={"SCHEDULE_BLUE_MOON": "off"})
    output = "".join(child.communicate(timeout=60))

    assert child.returncode == 0, output
    assert "blue_moon: starting (asked for by operator)" in output
    done = runs("dashboard")
    assert done["ingest_run"].data["status"] == "succeeded"
    assert done["carpenter_run"].data["status"] == "succeeded"
    assert not ScheduledJob.objects.get(pk="blue_moon").queued
