"""The scheduler: one long-running process that runs due and requested jobs.

Each tick it asks for a run of every job whose slot has come (``carpenter.schedule``),
then runs the requested ones one at a time, oldest request first: a source's pipeline
(``carpenter.pipeline``, as ``manage.py run`` does it), the backup or the prune. "Run now"
on the dashboard only asks (``request_run``); this process is the worker that runs it.

No two runs of a job at once: a job is claimed with one conditional UPDATE that fails
while the job is running, so several schedulers can share a database; and every run
takes the sources' locks (``graph.locks``) like any other, so a ``manage.py run`` by
hand waits its turn too. A beat thread keeps the process's row fresh, so a scheduler
killed half-way is known for dead and its job released.

SIGTERM or Ctrl-C asks it to stop: it lets the batch in hand commit, stops the run there
(recorded as interrupted, the job asked for again so the next start finishes it), and
exits 0. A second signal stops at once.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import Q
from django.utils import timezone

from carpenter.models import BEAT_SECONDS, STALE_AFTER, ScheduledJob, SchedulerBeat
from carpenter.pipeline import run_pipeline
from carpenter.schedule import BACKUP, PRUNE, Schedule, schedules
from graph.backup import backup_into
from graph.prune import prune
from ingest.console import LineReporter, Reporter
from ingest.fetch import one_line
from ingest.sources import SOURCES

logger = logging.getLogger(__name__)
SCHEDULE = "schedule"  # requested_by of a run the clock asked for


class StopRequested(KeyboardInterrupt):
    """Raised between batches once the scheduler was asked to stop.

    A KeyboardInterrupt, so the ingester and the carpenter record the run as interrupted
    exactly as they do for Ctrl-C, with every committed batch kept.
    """


def request_run(name: str, by: str) -> bool:
    """Ask the scheduler to run job ``name`` soon; return False if a run is already waiting."""
    ScheduledJob.objects.get_or_create(pk=name)
    asked = ScheduledJob.objects.filter(pk=name, requested_at__isnull=True).update(
        requested_at=timezone.now(), requested_by=by
    )
    return asked == 1


def live_schedulers(now=None) -> list[SchedulerBeat]:
    """Return the scheduler processes heard from recently, newest first (one query)."""
    now = now or timezone.now()
    recent = SchedulerBeat.objects.filter(stopped_at__isnull=True, beat_at__gte=now - STALE_AFTER)
    return list(recent.order_by("-beat_at")[:10])


@dataclass
class JobState:
    """A job as the dashboard and ``manage.py sources`` show it.

    schedule: its schedule. job: its row (None until a scheduler first saw it).
    next_slot: when it is next due (None when off). problem: why it cannot run here.
    """

    schedule: Schedule
    job: ScheduledJob | None
    next_slot: Any
    problem: str | None = None
    due: bool = False

    @property
    def name(self) -> str:
        return self.schedule.job

    @property
    def state(self) -> str:
        """One word: off, cannot run, running, queued, or idle."""
        if self.problem:
            return "cannot run"
        if self.job is not None and self.job.running:
            return "running"
        if self.job is not None and self.job.queued:
            return "queued"
        return "off" if self.schedule.cron is None else "scheduled"


def job_states(now=None) -> list[JobState]:
    """Return every job with its schedule, next slot and where it stands (one query)."""
    now = now or timezone.now()
    jobs = {job.pk: job for job in ScheduledJob.objects.all()}
    states = []
    for schedule in schedules():
        problem = SOURCES[schedule.job].missing_secret() if schedule.is_source else None
        job = jobs.get(schedule.job)
        due = schedule.due(job.last_slot if job else None, now) is not None
        states.append(JobState(schedule, job, schedule.next_slot(now), problem, due))
    return states


def schedule_columns(now=None) -> list[tuple[str, Callable[[Any], str]]]:
    """Return the "schedule" and "next run" columns of ``manage.py sources``."""
    states = {state.name: state for state in job_states(now)}

    def schedule(source: Any) -> str:
        state = states.get(source.name)
        return state.schedule.cron or "off" if state else "disabled"

    def next_run(source: Any) -> str:
        state = states.get(source.name)
        return _when_next(state) if state else ""

    return [("schedule", schedule), ("next run", next_run)]


def scheduler_lines(now=None) -> list[str]:
    """Return what ``manage.py scheduler --status`` prints: every job, then the schedulers."""
    now = now or timezone.now()
    lines = []
    for state in job_states(now):
        last = state.job.outcome if state.job and state.job.outcome else "never run"
        lines.append(
            f"{state.name}: {state.schedule.cron or 'off'}, next {_when_next(state)}; last: {last}"
        )
    beats = live_schedulers(now)
    if not beats:
        lines.append(
            "scheduler: not running (start it with `manage.py scheduler`; `make serve` runs it "
            "beside the web server)"
        )
    for beat in beats:
        busy = f", running {beat.doing}" if beat.doing else ", idle"
        seen = int((now - beat.beat_at).total_seconds())
        lines.append(
            f"scheduler: running on {beat.runner} since "
            f"{timezone.localtime(beat.started_at):%Y-%m-%d %H:%M}, heard from {seen} s ago{busy}"
        )
    return lines


def _when_next(state: JobState) -> str:
    if state.problem:
        return f"cannot run: {state.problem}"
    if state.state in ("running", "queued"):
        return state.state
    if state.next_slot is None:
        return "off"
    if state.due:
        return "due now"
    return f"{timezone.localtime(state.next_slot):%Y-%m-%d %H:%M}"


@dataclass
class Scheduler:
    """Run due and requested jobs until asked to stop.

    clock: what time it is (tests pass a fake clock).
    stream: where progress lines go.
    tick: seconds between looks at the clock and the queue.
    """

    clock: Callable[[], Any] = timezone.now
    stream: TextIO | None = None
    tick: float = 5.0
    stopping: threading.Event = field(default_factory=threading.Event)
    beat: SchedulerBeat | None = None

    @property
    def runner(self) -> str:
        return f"{socket.gethostname()}:{os.getpid()}"

    # -- the loop ----------------------------------------------------------------

    def serve(self, *, once: bool = False) -> None:
        """Run until SIGTERM or Ctrl-C (or one round with ``once``)."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in _STOP_SIGNALS}
        self.start()
        beating = threading.Thread(target=self._beat_forever, name="scheduler-beat", daemon=True)
        beating.start()
        try:
            while not self.stopping.is_set():
                close_old_connections()
                self.enqueue_due()
                self.work()
                if once:
                    break
                self._sleep(self.tick)
        finally:
            self.stopping.set()
            beating.join(timeout=BEAT_SECONDS + 5)
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def start(self) -> None:
        """Register this process and release jobs left running by dead schedulers."""
        now = self.clock()
        self.beat = SchedulerBeat.objects.create(
            host=socket.gethostname(), pid=os.getpid(), started_at=now, beat_at=now
        )
        released = self.release_abandoned()
        self.say(f"scheduler {self.beat.runner} started; {len(self.active())} jobs scheduled")
        for name in released:
            self.say(f"{name}: its last run was left by a scheduler that died; released")

    def stop(self) -> None:
        if self.beat is not None:
            SchedulerBeat.objects.filter(pk=self.beat.pk).update(stopped_at=self.clock(), doing="")
            self.say(f"scheduler {self.beat.runner} stopped")

    def active(self) -> list[Schedule]:
        """Return the schedules of jobs that can run here (on, and a secret if they need one)."""
        return [
            s
            for s in schedules()
            if s.cron is not None and not (s.is_source and SOURCES[s.job].missing_secret())
        ]

    def enqueue_due(self) -> list[str]:
        """Ask for a run of every job whose slot has come; return their names."""
        now = self.clock()
        active = self.active()
        jobs = {job.pk: job for job in ScheduledJob.objects.all()}
        missing = [ScheduledJob(name=s.job) for s in active if s.job not in jobs]
        if missing:
            ScheduledJob.objects.bulk_create(missing, ignore_conflicts=True)
        due = []
        for schedule in active:
            job = jobs.get(schedule.job)
            slot = schedule.due(job.last_slot if job else None, now)
            if slot is None:
                continue
            ScheduledJob.objects.filter(pk=schedule.job).update(last_slot=slot)
            ScheduledJob.objects.filter(pk=schedule.job, requested_at__isnull=True).update(
                requested_at=now, requested_by=SCHEDULE
            )
            due.append(schedule.job)
            self.say(f"{schedule.job}: due (slot {timezone.localtime(slot):%Y-%m-%d %H:%M})")
        return due

    def work(self) -> list[str]:
        """Run requested jobs one at a time, oldest request first; return their names."""
        done = []
        while not self.stopping.is_set():
            waiting = ScheduledJob.objects.filter(requested_at__isnull=False)
            job = waiting.order_by("requested_at", "name").first()
            if job is None or not self.claim(job):
                break
            self.run(job)
            done.append(job.name)
        return done

    def claim(self, job: ScheduledJob) -> bool:
        """Take a requested job, unless a run of it is under way (one conditional UPDATE)."""
        idle = Q(started_at__isnull=True) | Q(finished_at__isnull=False)
        taken = ScheduledJob.objects.filter(idle, pk=job.pk, requested_at__isnull=False).update(
            requested_at=None,
            started_at=self.clock(),
            finished_at=None,
            runner=self.runner,
            outcome="running",
        )
        return taken == 1

    def run(self, job: ScheduledJob) -> None:
        """Run one claimed job and record how it went."""
        trigger = "schedule" if job.requested_by == SCHEDULE else "dashboard"
        self._doing(job.name)
        why = "scheduled" if trigger == "schedule" else f"asked for by {job.requested_by}"
        self.say(f"{job.name}: starting ({why})")
        try:
            outcome = self.perform(job.name, trigger)
        except StopRequested:
            outcome = "stopped between batches by the scheduler's shutdown; asked for again"
            ScheduledJob.objects.filter(pk=job.pk, requested_at__isnull=True).update(
                requested_at=timezone.now(), requested_by=job.requested_by
            )
        except Exception as error:  # one job's failure must not stop the scheduler
            logger.exception("scheduler: job %s failed", job.name)
            outcome = f"failed: {one_line(f'{type(error).__name__}: {error}')}"
        ScheduledJob.objects.filter(pk=job.pk).update(
            finished_at=self.clock(), outcome=outcome[:500]
        )
        self._doing("")
        self.say(f"{job.name}: {outcome}")

    def perform(self, name: str, trigger: str) -> str:
        """Carry out job ``name``; return what it did in one line."""
        if name == BACKUP:
            made = backup_into(settings.BACKUP_DIR, keep=settings.BACKUP_KEEP)
            return f"wrote {made.path} ({made.summary})"
        if name == PRUNE:
            return prune(
                older_than_days=settings.PRUNE_AFTER_DAYS, stop=self.stopping.is_set
            ).summary
        outcome = run_pipeline([name], reporter=self.reporter(), trigger=trigger)
        parts = [
            f"{o.run.label.replace('_run', '')} {o.run.data['status']}" for o in outcome.outcomes
        ]
        failures = [o.failure for o in outcome.outcomes if o.failure]
        return ", ".join(parts) + (f" ({'; '.join(failures)})" if failures else "")

    def release_abandoned(self) -> list[str]:
        """Mark jobs whose scheduler died mid-run as finished; return their names."""
        now = self.clock()
        alive = {beat.runner for beat in live_schedulers(now)}
        here = f"{socket.gethostname()}:"
        released = []
        for job in ScheduledJob.objects.filter(started_at__isnull=False, finished_at__isnull=True):
            dead_here = job.runner.startswith(here) and not _pid_alive(job.runner)
            if job.runner not in alive or dead_here:
                released.append(job.name)
        if released:
            ScheduledJob.objects.filter(pk__in=released).update(
                finished_at=now, outcome="interrupted: its scheduler stopped before it finished"
            )
        return released

    # -- plumbing ----------------------------------------------------------------

    def reporter(self) -> Reporter:
        return _Stoppable(LineReporter(self.stream) if self.stream else None, self.stopping)

    def say(self, message: str) -> None:
        if self.stream is not None:
            stamp = timezone.localtime(timezone.now()).strftime("%H:%M:%S")
            self.stream.write(f"{stamp} {message}\n")
            self.stream.flush()

    def _doing(self, what: str) -> None:
        if self.beat is not None:
            SchedulerBeat.objects.filter(pk=self.beat.pk).update(doing=what, beat_at=self.clock())

    def _beat_forever(self) -> None:
        try:
            while not self.stopping.wait(BEAT_SECONDS):
                try:
                    SchedulerBeat.objects.filter(pk=self.beat.pk).update(beat_at=timezone.now())
                except DatabaseError:  # busy past the timeout: the next beat tries again
                    logger.warning("scheduler: could not write its beat", exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping.is_set() and time.monotonic() < deadline:
            time.sleep(min(0.2, seconds))

    def _on_signal(self, signum: int, frame: object) -> None:
        if self.stopping.is_set():
            raise KeyboardInterrupt  # asked twice: stop now
        self.say(f"{signal.Signals(signum).name}: stopping after the batch in hand")
        self.stopping.set()


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class _Stoppable:
    """A reporter that stops the run after a batch once the scheduler is stopping."""

    def __init__(self, inner: Reporter | None, stopping: threading.Event) -> None:
        self.inner = inner
        self.stopping = stopping

    def begin(self, source: str, step: str, total: int | None = None) -> None:
        if self.inner:
            self.inner.begin(source, step, total)

    def advance(self, source: str, count: int = 1) -> None:
        # Called once a batch has committed: the one place a run may stop cleanly.
        if self.inner:
            self.inner.advance(source, count)
        if self.stopping.is_set():
            raise StopRequested(f"{source}: stopped after a batch")

    def end(self, source: str, message: str, *, failed: bool = False) -> None:
        if self.inner:
            self.inner.end(source, message, failed=failed)

    def note(self, source: str, message: str) -> None:
        if self.inner:
            self.inner.note(source, message)

    def __enter__(self) -> _Stoppable:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass


def _pid_alive(runner: str) -> bool:
    try:
        pid = int(runner.rsplit(":", 1)[1])
        os.kill(pid, 0)
    except (ValueError, IndexError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
