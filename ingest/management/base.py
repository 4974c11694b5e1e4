"""The base of ``ingest``, ``carpenter`` and ``run``: naming sources, and options they share."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from django.core.checks import Tags
from django.core.management.base import BaseCommand, CommandError

from graph.audit import RunOutcome
from graph.inmemory import throwaway_database
from graph.locks import SourceBusy
from ingest.checks import SOURCE_CHECKS
from ingest.console import QuietReporter, Reporter, reporter_for, summary_table
from ingest.ingester import IngestError
from ingest.sources import SOURCES


class SourceCommand(BaseCommand):
    """A command over ``SOURCE... | --all`` whose mistakes are one-line ``CommandError``s."""

    reporter: Reporter = QuietReporter()
    # Every system check but the URLconf's and the admin's: importing the URLconf builds
    # the GraphQL schema (0.7 s), and the admin's checks import its registrations
    # (web.admin_site: 0.1 s), for pages a run never serves (``manage.py check``,
    # ``migrate`` and ``runserver`` still check both). The sources' own checks run.
    requires_system_checks = [
        *(
            tag
            for name, tag in vars(Tags).items()
            if not name.startswith("_") and tag not in (Tags.urls, Tags.admin)
        ),
        SOURCE_CHECKS,
    ]

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "sources", nargs="*", metavar="SOURCE", help=f"one or more of: {', '.join(SOURCES)}"
        )
        parser.add_argument("--all", action="store_true", help="every source")

    def source_names(self, options: dict[str, Any]) -> list[str]:
        """Return the sources the user named, checked; raise a helpful ``CommandError``."""
        names: list[str] = options["sources"]
        known = ", ".join(SOURCES)
        if options["all"] and names:
            raise CommandError("Name sources or use --all, not both.")
        if options["all"]:
            return list(SOURCES)
        if not names:
            raise CommandError(f"Name a source ({known}) or use --all.")
        unknown = [name for name in names if name not in SOURCES]
        if unknown:
            raise CommandError(f"Unknown source {unknown[0]!r}. Known sources: {known}.")
        return list(dict.fromkeys(names))

    @contextmanager
    def pipeline(self, options: dict[str, Any]) -> Iterator[Reporter]:
        """Run pipeline steps: on a throwaway database with ``--in-memory``, showing
        progress, their expected failures turned into one-line ``CommandError``s."""
        try:
            with throwaway_database() if options.get("in_memory") else nullcontext():
                with reporter_for(self.stdout, options["verbosity"]) as reporter:
                    self.reporter = reporter
                    yield reporter
        except (IngestError, SourceBusy) as error:
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            raise CommandError("Interrupted: the batches stored so far are kept.") from None

    def report(self, *outcomes: RunOutcome | None, left_out: dict[str, str] | None = None) -> None:
        """Print each run's summary; fail with one line if any run did not succeed.

        left_out: sources a later step did not take, with why ("its ingest failed").
        """
        told = self.reporter.told
        for outcome in outcomes:
            if outcome is not None:
                self.stdout.write(summary_table(outcome.run, told))
        if left_out:
            leaving = ", ".join(f"{name} ({why})" for name, why in left_out.items())
            self.stdout.write(f"carpenter not run for: {leaving}")
        failures = [outcome.failure for outcome in outcomes if outcome and not outcome.ok]
        if failures:
            raise CommandError("; ".join(failures))


def add_ingest_arguments(parser: ArgumentParser) -> None:
    """Add the options of the ingest step (``ingest``, and ``run`` which includes it)."""
    parser.add_argument(
        "--from",
        dest="from_path",
        metavar="PATH",
        help="read one source's response body from this file instead of the network",
    )
    parser.add_argument(
        "--samples",
        action="store_true",
        help="read each named source's recorded sample (ingest/samples/) instead of the network",
    )
    parser.add_argument(
        "--in-memory",
        action="store_true",
        help="run on a throwaway in-memory database; the configured one is not touched",
    )


def since_day(value: str) -> str:
    """argparse type for ``--since``: a YYYY-MM-DD day, returned as ISO text."""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise CommandError(f"--since takes a day as YYYY-MM-DD, not {value!r}.") from None
