"""What the scheduler keeps in the database: its jobs and its processes.

Kept beside the graph, not in it: they are the scheduler's bookkeeping, not facts about
shows. Every process (the scheduler, the dashboard, ``manage.py sources``) reads the same
rows, so what is due, queued or running is the same answer everywhere.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

# A scheduler not heard from for this long is taken for dead (its beat thread writes
# every BEAT_SECONDS, even in the middle of a long run).
BEAT_SECONDS = 20
STALE_AFTER = dt.timedelta(seconds=6 * BEAT_SECONDS)


class ScheduledJob(models.Model):
    """A job the scheduler runs (a source's pipeline, the backup, the prune), where it stands."""

    name = models.CharField(primary_key=True, max_length=64)
    last_slot = models.DateTimeField(null=True, blank=True)
    """The latest schedule slot taken: slots up to it have had their run."""
    requested_at = models.DateTimeField(null=True, blank=True)
    """When a run was asked for (a due slot, or "Run now"); null when none is waiting."""
    requested_by = models.CharField(max_length=150, blank=True)
    """Who asked: "schedule", or the operator's user name."""
    started_at = models.DateTimeField(null=True, blank=True)
    """When the job's latest run began."""
    finished_at = models.DateTimeField(null=True, blank=True)
    """When it ended; null while it runs."""
    runner = models.CharField(max_length=200, blank=True)
    """The scheduler running it or that ran it last, as host:pid."""
    outcome = models.CharField(max_length=500, blank=True)
    """What the latest run did, in one line."""

    class Meta:
        db_table = "scheduled_jobs"
        ordering = ["name"]
        verbose_name = "scheduled job"

    def __str__(self) -> str:
        return self.name

    @property
    def queued(self) -> bool:
        return self.requested_at is not None

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.finished_at is None


class SchedulerBeat(models.Model):
    """One scheduler process: where it runs, since when, when last heard from."""

    host = models.CharField(max_length=200)
    pid = models.IntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)
    doing = models.CharField(max_length=200, blank=True)
    """What it is busy with ("blue_moon"), empty when idle."""

    class Meta:
        db_table = "scheduler_beats"
        ordering = ["-beat_at"]
        verbose_name = "scheduler process"

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"

    @property
    def runner(self) -> str:
        return f"{self.host}:{self.pid}"

    def alive(self, now: dt.datetime | None = None) -> bool:
        """True while the process has not stopped and was heard from recently."""
        now = now or timezone.now()
        return self.stopped_at is None and now - self.beat_at < STALE_AFTER
