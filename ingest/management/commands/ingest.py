"""``manage.py ingest SOURCE... | --all``: fetch sources and store their items as raw data."""

from __future__ import annotations

from argparse import ArgumentParser
from contextlib import nullcontext
from typing import Any

from django.core.management.base import CommandError

from graph.inmemory import throwaway_database
from graph.locks import SourceBusy
from ingest.console import reporter_for, summary_table
from ingest.ingester import IngestError, ingest
from ingest.management.base import SourceCommand, add_ingest_arguments


class Command(SourceCommand):
    help = (
        "Fetch each source and store what it returns as raw data, recording an ingest run. "
        "Exits non-zero when a source fails."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        add_ingest_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        names = self.source_names(options)
        in_memory = options["in_memory"]
        try:
            with throwaway_database() if in_memory else nullcontext():
                with reporter_for(self.stdout, options["verbosity"]) as reporter:
                    outcome = ingest(
                        names, from_path=options["from_path"], reporter=reporter, lock=not in_memory
                    )
        except (IngestError, SourceBusy) as error:
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            raise CommandError("Interrupted: the batches stored so far are kept.") from None
        self.stdout.write(summary_table(outcome.run))
        if not outcome.ok:
            raise CommandError(outcome.failure)
