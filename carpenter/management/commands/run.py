"""``manage.py run SOURCE... | --all``: ingest, then carpenter, with the options of both."""

from __future__ import annotations

from argparse import ArgumentParser
from contextlib import nullcontext
from typing import Any

from django.core.management.base import CommandError

from carpenter.management.options import add_carpenter_arguments, carpenter_options
from carpenter.service import carpenter
from graph.inmemory import throwaway_database
from graph.locks import SourceBusy
from ingest.console import reporter_for, summary_table
from ingest.ingester import IngestError, ingest
from ingest.management.base import SourceCommand, add_ingest_arguments


class Command(SourceCommand):
    help = (
        "Ingest the sources, then run the carpenter over what they brought. Exits non-zero "
        "when a source fails in either step."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        add_ingest_arguments(parser)
        add_carpenter_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        names = self.source_names(options)
        building = carpenter_options(options)
        shared = not options["in_memory"]
        try:
            with throwaway_database() if options["in_memory"] else nullcontext():
                with reporter_for(self.stdout, options["verbosity"]) as reporter:
                    fetched = ingest(
                        names, from_path=options["from_path"], reporter=reporter, lock=shared
                    )
                    built = carpenter(
                        names,
                        reporter=reporter,
                        **building,
                        lock=shared,
                    )
                self.stdout.write(summary_table(fetched.run))
                self.stdout.write(summary_table(built.run))
        except (IngestError, SourceBusy) as error:
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            raise CommandError("Interrupted: the batches stored so far are kept.") from None
        failed = [o.run for o in (fetched, built) if not o.ok]
        if failed:
            raise CommandError(
                "; ".join(
                    f"{run.label.replace('_', ' ')} {run.pk} {run.data['status']}" for run in failed
                )
            )
