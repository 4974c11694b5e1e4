"""``manage.py backup [PATH]``: a consistent compressed copy of the database, with a manifest."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from graph.backup import BackupError, backup, backup_into


class Command(BaseCommand):
    help = (
        "Write a consistent, compressed copy of the database with a manifest (counts, "
        "migrations, checksum) to PATH, or to BACKUP_DIR named by the time. Safe while runs write."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", nargs="?", metavar="PATH", help="the file to write (.tar.gz)")
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="without PATH: keep only the last N backups in BACKUP_DIR (default BACKUP_KEEP)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["path"]:
                made = backup(options["path"])
            else:
                made = backup_into(
                    settings.BACKUP_DIR, keep=options["keep"] or settings.BACKUP_KEEP
                )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"backup {made.path}: {made.summary}")
        for old in made.removed:
            self.stdout.write(f"removed the older backup {old}")
