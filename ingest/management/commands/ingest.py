"""``manage.py ingest SOURCE... | --all``: fetch sources and store their items as raw data."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from ingest.ingester import ingest
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
        with self.pipeline(options) as reporter:
            outcome = ingest(
                names,
                from_path=options["from_path"],
                samples=options["samples"],
                reporter=reporter,
                lock=not options["in_memory"],
            )
        self.report(outcome)
