"""``manage.py restore PATH [--force]``: put a backup back, then check it against its manifest."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from graph.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database, which must "
        "be empty unless --force, and check the result against the backup's manifest. Stop "
        "the scheduler and the web server first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", metavar="PATH", help="a backup file (.tar.gz)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that is not empty (everything in it is lost)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore(options["path"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"restored {options['path']} (taken {manifest.created_at}): {manifest.nodes} nodes, "
            f"{sum(manifest.relations.values())} edges; counts and checksum match its manifest"
        )
