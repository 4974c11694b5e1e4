"""Set up Django on a fresh embedded database file, for the benchmarks."""

from __future__ import annotations

import os


def fresh_django(db_path: str) -> None:
    """Point the embedded engine at ``db_path``, set Django up and migrate."""
    os.environ["SQLITE_PATH"] = db_path
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sms_project.settings")
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    for name in ("DATABASE_URL", "LIBSQL_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
