"""``manage.py carpenter SOURCE... | --all``: raw data into venues, artists and events."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from carpenter.management.options import add_carpenter_arguments, carpenter_options
from carpenter.service import carpenter
from graph.locks import SourceBusy
from ingest.console import reporter_for, summary_table
from ingest.management.base import SourceCommand


class Command(SourceCommand):
    help = (
        "Turn the sources' unprocessed raw data into venues, artists and events, recording "
        "a carpenter run. Exits non-zero when a source fails."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        add_carpenter_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        names = self.source_names(options)
        building = carpenter_options(options)
        try:
            with reporter_for(self.stdout, options["verbosity"]) as reporter:
                outcome = carpenter(
                    names,
                    reporter=reporter,
                    **building,
                )
        except SourceBusy as error:
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            raise CommandError("Interrupted: the batches stored so far are kept.") from None
        self.stdout.write(summary_table(outcome.run))
        if not outcome.ok:
            raise CommandError(f"carpenter run {outcome.run.pk} {outcome.run.data['status']}")
