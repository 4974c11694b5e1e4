"""``manage.py carpenter SOURCE... | --all``: raw data into venues, artists and events."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from carpenter.management.options import add_carpenter_arguments, carpenter_options
from carpenter.service import carpenter
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
        with self.pipeline(options) as reporter:
            outcome = carpenter(names, reporter=reporter, **building)
        self.report(outcome)
