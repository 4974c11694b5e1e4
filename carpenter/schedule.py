"""When each job runs: a cron expression per source, and the daily housekeeping.

A job is a source (its pipeline run), ``backup`` or ``prune``. Its schedule is a cron
expression read in the city's time (``TIME_ZONE``), from ``settings.SCHEDULES``: the
key of a source's own name (``SCHEDULE_BLUE_MOON`` in the environment) if set, else the
default for what the source is (``Source.category``: ``venue_sites`` every few hours,
``aggregators`` once a day). ``off`` switches a job off.

The clock is croniter; what has been run is kept in the database
(``carpenter.models.ScheduledJob.last_slot``), so the answer to "is it due?" is the same
in any process and after any restart: due when the latest slot at or before now is
later than the last slot taken. However many slots were missed, that is one run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from croniter import croniter
from django.conf import settings
from django.utils import timezone

from ingest.sources import SOURCES

BACKUP, PRUNE = "backup", "prune"
HOUSEKEEPING = (BACKUP, PRUNE)
OFF = "off"
# The settings key of the default schedule of each category of source.
CATEGORY_KEYS = {"venue_site": "venue_sites", "aggregator": "aggregators"}


class ScheduleError(ValueError):
    """A schedule that is not a cron expression; the message names the setting."""


@dataclass(frozen=True)
class Schedule:
    """One job's schedule.

    job: the source's name, or ``backup`` / ``prune``.
    cron: the cron expression; None when the job is off.
    origin: where it comes from ("SCHEDULE_BLUE_MOON", "default for venue sites").
    """

    job: str
    cron: str | None
    origin: str

    @property
    def is_source(self) -> bool:
        return self.job not in HOUSEKEEPING

    def latest_slot(self, now: dt.datetime) -> dt.datetime | None:
        """Return the latest slot at or before ``now`` (None when the job is off)."""
        if self.cron is None:
            return None
        # Slots fall on whole minutes: the latest one before the next minute is the
        # latest at or before now (croniter's get_prev excludes its start).
        start = _local(now).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        return croniter(self.cron, start).get_prev(dt.datetime)

    def next_slot(self, now: dt.datetime) -> dt.datetime | None:
        """Return the first slot after ``now`` (None when the job is off)."""
        if self.cron is None:
            return None
        return croniter(self.cron, _local(now)).get_next(dt.datetime)

    def due(self, last_slot: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
        """Return the slot to run now, or None: the latest slot at or before ``now`` when
        it is later than ``last_slot`` (a job never run is due at once)."""
        slot = self.latest_slot(now)
        if slot is None or (last_slot is not None and slot <= last_slot):
            return None
        return slot


def schedule_of(job: str) -> Schedule:
    """Return the schedule of one job (a source's name, ``backup`` or ``prune``)."""
    configured: dict[str, str] = settings.SCHEDULES
    setting = f"SCHEDULE_{job.upper()}"
    if job in configured:
        return _checked(job, configured[job], setting)
    source = SOURCES[job]
    key = CATEGORY_KEYS.get(source.category, "venue_sites")
    origin = f"default for {key.replace('_', ' ')}"
    return _checked(job, configured[key], f"SCHEDULE_{key.upper()} ({origin})", origin)


def schedules() -> list[Schedule]:
    """Return every job's schedule: the sources in their order, then housekeeping."""
    disabled = set(getattr(settings, "SOURCES_DISABLED", ()) or ())
    return [schedule_of(name) for name in SOURCES if name not in disabled] + [
        schedule_of(job) for job in HOUSEKEEPING
    ]


def describe(schedule: Schedule, now: dt.datetime | None = None) -> str:
    """Return a schedule in a few words: its expression and its next slot."""
    if schedule.cron is None:
        return "off"
    upcoming = schedule.next_slot(now or timezone.now())
    return f"{schedule.cron} (next {upcoming:%a %d %b %H:%M})"


def _checked(job: str, value: str, setting: str, origin: str | None = None) -> Schedule:
    value = " ".join(value.split())
    if value.lower() == OFF:
        return Schedule(job, None, origin or setting)
    if not croniter.is_valid(value):
        raise ScheduleError(
            f"{setting} must be a cron expression such as '0 */4 * * *', or 'off'; not {value!r}."
        )
    return Schedule(job, value, origin or setting)


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))
