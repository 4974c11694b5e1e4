"""``manage.py run SOURCE... | --all``: ingest, then carpenter, with the options of both."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from carpenter.management.options import add_carpenter_arguments, carpenter_options
from carpenter.pipeline import run_pipeline
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
        fetching = {"from_path": options["from_path"], "samples": options["samples"]}
        with self.pipeline(options) as reporter:
            outcome = run_pipeline(
                names,
                fetching=fetching,
                building=building,
                reporter=reporter,
                lock=not options["in_memory"],  # a throwaway database needs no locks
            )
        self.report(*outcome.outcomes, left_out=outcome.left_out)
