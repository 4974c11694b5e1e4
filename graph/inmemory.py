"""``--in-memory``: the whole pipeline on a throwaway database.

The configured database is not opened at all: the ``default`` alias points at a fresh
in-memory SQLite database, migrated, for the duration of the block.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import ConnectionHandler, load_backend


@contextmanager
def throwaway_database(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Point ``alias`` at a new in-memory database, migrated; restore it afterwards."""
    name = f"file:sms-throwaway-{uuid.uuid4().hex}?mode=memory&cache=shared"
    raw = {"ENGINE": "django.db.backends.sqlite3", "NAME": name, "OPTIONS": {"timeout": 30}}
    settings_dict = ConnectionHandler({DEFAULT_DB_ALIAS: raw}).settings[DEFAULT_DB_ALIAS]
    backend = load_backend(settings_dict["ENGINE"])
    throwaway = backend.DatabaseWrapper(settings_dict, alias)
    original = connections[alias]
    connections[alias] = throwaway
    try:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
        yield
    finally:
        # Django keeps in-memory databases open on close(); really close this one.
        if throwaway.connection is not None:
            throwaway.connection.close()
        connections[alias] = original
