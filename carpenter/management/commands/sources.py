"""``manage.py sources``: every source, whether it can run, its schedule and its last run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from carpenter.schedule import ScheduleError
from carpenter.scheduler import schedule_columns
from ingest.overview import source_states, sources_table


class Command(BaseCommand):
    help = (
        "List every source, whether it can run (its secret is set), its schedule and next run, "
        "and its last ingest run. `manage.py scheduler --status` tells the scheduler's state."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            columns = schedule_columns()
        except ScheduleError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(sources_table(source_states(), extra=columns))
