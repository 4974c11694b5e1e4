"""``manage.py scheduler``: the long-running process that runs sources on their schedules."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carpenter.schedule import ScheduleError, schedules
from carpenter.scheduler import Scheduler, scheduler_lines


class Command(BaseCommand):
    help = (
        "Run each source on its schedule (SCHEDULE_<SOURCE>, cron in TIME_ZONE), the daily "
        "backup and prune, and the runs asked for on the dashboard, until SIGTERM or Ctrl-C "
        "(which let the batch in hand finish)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--tick",
            type=float,
            metavar="SECONDS",
            help=f"seconds between looks for due and asked-for jobs ({settings.SCHEDULER_TICK:g})",
        )
        parser.add_argument(
            "--status",
            action="store_true",
            help="print every job's schedule and last outcome, and whether a scheduler runs; exit",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="run what is due or requested now, then exit (for a cron job or a check)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            schedules()  # a bad expression is a one-line error before anything starts
        except ScheduleError as error:
            raise CommandError(str(error)) from None
        if options["status"]:
            for line in scheduler_lines():
                self.stdout.write(line)
            return
        tick = options["tick"] if options["tick"] is not None else settings.SCHEDULER_TICK
        if tick <= 0:
            raise CommandError("--tick takes a number of seconds above 0.")
        stream = self.stdout if options["verbosity"] > 0 else None
        Scheduler(stream=stream, tick=tick).serve(once=options["once"])
