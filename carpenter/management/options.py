"""Options of the carpenter step, shared by ``carpenter`` and ``run``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from ingest.management.base import since_day


def add_carpenter_arguments(parser: ArgumentParser) -> None:
    """Add ``--process-all`` and ``--since``."""
    parser.add_argument(
        "--process-all",
        action="store_true",
        help="process raw data again even if it was processed before",
    )
    parser.add_argument(
        "--since",
        metavar="YYYY-MM-DD",
        help="only raw data of shows on or after this day (default: yesterday)",
    )


def carpenter_options(options: dict[str, Any]) -> dict[str, Any]:
    """Return the carpenter's keyword arguments from parsed options, checked.

    ``--since`` is checked here rather than by argparse, so a bad day is a one-line
    ``CommandError`` like every other mistake, not a usage message.
    """
    since = options["since"]
    return {
        "process_all": options["process_all"],
        "since": since_day(since) if since is not None else None,
    }
