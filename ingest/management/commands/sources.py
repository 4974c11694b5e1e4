"""``manage.py sources``: every source, whether it can run here, and its last ingest run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ingest.overview import source_states, sources_table


class Command(BaseCommand):
    help = "List every source, whether it can run (its secret is set), and its last ingest run."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(sources_table(source_states()))
