"""``manage.py demo``: the blue_moon pipeline from its recorded response, and a login."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ingest.sources import get_source

LOGIN_FILE = Path(settings.VAR_DIR) / "demo-admin.txt"


class Command(BaseCommand):
    help = "Run the blue_moon pipeline from its bundled recording and make a local admin login."

    def handle(self, *args: object, **options: object) -> None:
        # The recording has past days too: take them all, so the demo shows a full month.
        sample = get_source("blue_moon").sample_path
        call_command("run", "blue_moon", "--from", str(sample), "--since", "2000-01-01")
        username, password = ensure_admin()
        self.stdout.write(
            self.style.SUCCESS(
                f"Open http://127.0.0.1:8000/ (the dashboard; the admin is at /admin/) "
                f"and log in as {username} / {password}"
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
