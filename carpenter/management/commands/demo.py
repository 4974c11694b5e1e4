"""``manage.py demo``: the whole city from the recorded samples, and a local login."""

from __future__ import annotations

import secrets
from argparse import ArgumentParser
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

LOGIN_FILE = Path(settings.VAR_DIR) / "demo-admin.txt"


class Command(BaseCommand):
    help = (
        "Run every source's pipeline from its recorded sample (the whole city offline) "
        "and make a local admin login."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--port", type=int, default=8000, help="the port the site will be served on"
        )

    def handle(self, *args: object, **options: object) -> None:
        # The recordings stand for a day that passes: take all their days, past ones too,
        # so the demo shows the weeks they list whenever it is run.
        call_command("run", "--all", "--samples", "--since", "2000-01-01")
        username, password = ensure_admin()
        self.stdout.write(
            self.style.SUCCESS(
                f"Open http://127.0.0.1:{options['port']}/ (the public listing); the "
                f"dashboard is at /dashboard/ and the admin at /admin/, log in as "
                f"{username} / {password}"
            )
        )


def ensure_admin(username: str = "admin") -> tuple[str, str]:
    """Return the demo login, creating the account (with a random password) once."""
    user_model = get_user_model()
    if LOGIN_FILE.exists() and user_model.objects.filter(username=username).exists():
        return username, LOGIN_FILE.read_text().strip()
    password = secrets.token_urlsafe(12)
    user, _ = user_model.objects.get_or_create(username=username)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    LOGIN_FILE.parent.mkdir(parents=True, exist_ok=True)
    LOGIN_FILE.write_text(password + "\n")
    LOGIN_FILE.chmod(0o600)
    return username, password
