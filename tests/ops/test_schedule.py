"""Schedules and the scheduler's clock: due times, catch-up once, never two runs at once.

Everything here runs on a fake clock; the scheduler runs the real pipeline with the
network answered by blue_moon's recorded response.
"""

from __future__ import annotations

import datetime as dt

import pytest

from carpenter.models import ScheduledJob, SchedulerBeat
from carpenter.schedule import Schedule, ScheduleError, schedule_of, schedules
from carpenter.scheduler import Scheduler, job_states, request_run
from graph.models import Node
from tests.ops.conftest import FakeClock

pytestmark = pytest.mark.django_db

EVERY_FOUR_HOURS = Schedule("blue_moon", "7 */4 * * *", "test")


class TestDueTimes:
    def test_a_slot_is_due_from_its_minute_on(self, local):
        last = local(2026, 12, 5, 8, 7)
        assert EVERY_FOUR_HOURS.due(last, local(2026, 12, 5, 12, 6, 59)) is None
        assert EVERY_FOUR_HOURS.due(last, local(2026, 12, 5, 12, 7)) == local(2026, 12, 5, 12, 7)
        assert EVERY_FOUR_HOURS.due(last, local(2026, 12, 5, 12, 9)) == local(2026, 12, 5, 12, 7)

    def test_a_slot_taken_is_not_due_again(self, local):
        taken = local(2026, 12, 5, 12, 7)
        assert EVERY_FOUR_HOURS.due(taken, local(2026, 12, 5, 15, 59)) is None

    def test_many_missed_slots_make_one_run_at_the_latest(self, local):
        last = local(2026, 12, 1, 8, 7)  # down for four days: 23 slots missed
        assert EVERY_FOUR_HOURS.due(last, local(2026, 12, 5, 21, 30)) == local(2026, 12, 5, 20, 7)

    def test_a_job_never_run_is_due_at_once(self, local):
        assert EVERY_FOUR_HOURS.due(None, local(2026, 12, 5, 9, 0)) == local(2026, 12, 5, 8, 7)

    def test_the_next_slot(self, local):
        assert EVERY_FOUR_HOURS.next_slot(local(2026, 12, 5, 12, 7)) == local(2026, 12, 5, 16, 7)

    def test_slots_are_in_the_citys_time_across_a_clock_change(self, local):
        daily = Schedule("ticketmaster", "30 6 * * *", "test")
        # 2027-03-14: clocks go forward in Seattle; 06:30 is still 06:30 local.
        slot = daily.latest_slot(local(2027, 3, 14, 7, 0))
        assert (slot.hour, slot.minute, slot.utcoffset()) == (6, 30, dt.timedelta(hours=-7))

    def test_off_is_never_due(self, local):
        assert Schedule("x", None, "test").due(None, local(2026, 12, 5, 9, 0)) is None


class TestSettings:
    def test_defaults_go_by_what_a_source_is(self, settings):
        assert schedule_of("blue_moon").cron == settings.SCHEDULES["venue_sites"]
        assert schedule_of("blue_moon").origin == "default for venue sites"
        assert schedule_of("ticketmaster").cron == settings.SCHEDULES["aggregators"]

    def test_a_source_of_its_own(self, settings):
        settings.SCHEDULES = {**settings.SCHEDULES, "blue_moon": "0  */2 * * *"}
        assert schedule_of("blue_moon") == Schedule(
            "blue_moon", "0 */2 * * *", "SCHEDULE_BLUE_MOON"
        )

    def test_off(self, settings):
        settings.SCHEDULES = {**settings.SCHEDULES, "sea_monster": "OFF"}
        assert schedule_of("sea_monster").cron is None

    def test_a_bad_expression_names_its_setting(self, settings):
        settings.SCHEDULES = {**settings.SCHEDULES, "blue_moon": "every hour"}
        with pytest.raises(ScheduleError, match=r"^SCHEDULE_BLUE_MOON must be a cron expression"):
            schedules()

    def test_from_the_environment(self, manage):
        result = manage("sources", env={"SCHEDULE_BLUE_MOON": "15 9 * * 1"})
        assert result.returncode == 0, result.stderr
        row = next(line for line in result.stdout.splitlines() if line.startswith("blue_moon "))
        assert "15 9 * * 1" in row
        status = manage("scheduler", "--status", env={"SCHEDULE_PRUNE": "off"})
        assert status.returncode == 0, status.stderr
        assert "prune: off, next off; last: never run" in status.stdout
        assert "blue_moon: 7 */4 * * *, next due now; last: never run" in status.stdout
        assert status.stdout.strip().endswith(
            "scheduler: not running (start it with `manage.py scheduler`; `make serve` runs it "
            "beside the web server)"
        )

    def test_a_bad_expression_is_a_one_line_error(self, manage):
        result = manage("scheduler", "--once", env={"SCHEDULE_BLUE_MOON": "61 * * * *"})
        assert result.returncode != 0
        assert result.stderr.strip().splitlines() == [
            "CommandError: SCHEDULE_BLUE_MOON must be a cron expression such as "
            "'0 */4 * * *', or 'off'; not '61 * * * *'."
        ]


@pytest.fixture
def clock(local) -> FakeClock:
    return FakeClock(local(2026, 12, 5, 12, 30))


def scheduler(clock) -> Scheduler:
    running = Scheduler(clock=clock)
    running.start()
    return running


def job(name: str = "blue_moon") -> ScheduledJob:
    return ScheduledJob.objects.get(pk=name)


class TestCatchUp:
    def test_a_due_job_is_asked_for_once_with_its_slot(self, clock, local, only_blue_moon):
        running = scheduler(clock)
        assert running.enqueue_due() == ["blue_moon"]
        assert job().last_slot == local(2026, 12, 5, 12, 30)
        assert job().requested_by == "schedule"
        assert running.enqueue_due() == []  # same minute: nothing new

    def test_slots_missed_while_down_are_caught_up_once(self, clock, local, settings):
        settings.SCHEDULES = {**settings.SCHEDULES, "blue_moon": "7 */4 * * *"}
        ScheduledJob.objects.create(name="blue_moon", last_slot=local(2026, 12, 1, 8, 7))
        clock.set(local(2026, 12, 5, 21, 30))
        running = scheduler(clock)
        assert "blue_moon" in running.enqueue_due()
        assert job().last_slot == local(2026, 12, 5, 20, 7)
        clock.set(local(2026, 12, 5, 23, 59))
        assert "blue_moon" not in running.enqueue_due()
        clock.set(local(2026, 12, 6, 0, 7))
        assert "blue_moon" in running.enqueue_due()

    def test_a_scheduled_run_runs_the_pipeline_and_records_it(
        self, clock, only_blue_moon, blue_moon_sample
    ):
        running = scheduler(clock)
        running.enqueue_due()
        assert running.work() == ["blue_moon"]
        runs = {run.label: run for run in Node.objects.filter(label__endswith="_run")}
        assert {run.data["options"]["trigger"] for run in runs.values()} == {"schedule"}
        assert runs["ingest_run"].data["per_source"]["blue_moon"]["created"] == 59
        assert job().outcome == "ingest succeeded, carpenter succeeded"
        assert job().finished_at == clock.now and not job().queued
        assert running.work() == []  # nothing left

    def test_a_source_that_cannot_run_here_is_not_scheduled(self, clock, settings):
        settings.TICKETMASTER_API_KEY = ""
        settings.SCHEDULES = {**settings.SCHEDULES, "ticketmaster": "* * * * *"}
        assert "ticketmaster" not in scheduler(clock).enqueue_due()


class TestNoOverlap:
    def test_a_job_running_cannot_be_claimed_by_another_scheduler(self, clock, only_blue_moon):
        first, second = scheduler(clock), scheduler(clock)
        first.enqueue_due()
        assert first.claim(job())
        request_run("blue_moon", by="operator")  # asked again while it runs
        assert job().running and job().queued
        assert not second.claim(job())
        assert not first.claim(job())
        ScheduledJob.objects.filter(pk="blue_moon").update(finished_at=clock.now)
        assert second.claim(job())  # once it has finished, the waiting request runs

    def test_a_due_slot_while_running_waits_for_the_run_to_end(self, clock, local, only_blue_moon):
        running = scheduler(clock)
        running.enqueue_due()
        assert running.claim(job())
        clock.set(local(2026, 12, 5, 12, 31))
        assert running.enqueue_due() == ["blue_moon"]  # asked for, not started
        assert running.work() == []  # still running: nothing else starts

    def test_run_now_twice_queues_one_run(self):
        assert request_run("blue_moon", by="operator")
        assert not request_run("blue_moon", by="another")
        assert job().requested_by == "operator"

    def test_a_job_left_running_by_a_dead_scheduler_is_released(self, clock, only_blue_moon):
        ScheduledJob.objects.create(
            name="blue_moon", started_at=clock.now, runner="elsewhere:4242", outcome="running"
        )
        running = scheduler(clock)
        assert not job().running
        assert job().outcome.startswith("interrupted")
        assert running.claim(job()) is False  # released, but nobody asked for it

    def test_a_job_of_a_live_scheduler_is_left_alone(self, clock, only_blue_moon):
        SchedulerBeat.objects.create(host="elsewhere", pid=4242, beat_at=clock.now)
        ScheduledJob.objects.create(name="blue_moon", started_at=clock.now, runner="elsewhere:4242")
        scheduler(clock)
        assert job().running


def test_job_states_say_what_each_job_is_doing(clock, only_blue_moon):
    request_run("blue_moon", by="operator")
    states = {state.name: state for state in job_states(clock.now)}
    assert states["blue_moon"].state == "queued"
    assert states["sea_monster"].state == "off"
    assert list(states)[-2:] == ["backup", "prune"]
