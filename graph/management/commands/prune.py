"""``manage.py prune --older-than DAYS``: old runs' records go; summaries and provenance stay."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from graph.prune import prune


class Command(BaseCommand):
    help = (
        "Remove the records of runs older than DAYS (each run keeps its summary) and raw data "
        "last seen before then that no event derives from."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--older-than",
            dest="days",
            metavar="DAYS",
            required=True,
            help="what counts as old, in whole days (1 or more)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            days = int(options["days"])
        except ValueError:
            days = 0
        if days < 1:
            raise CommandError(
                f"--older-than takes a whole number of days, 1 or more; not {options['days']!r}."
            )
        self.stdout.write(prune(older_than_days=days).summary)
