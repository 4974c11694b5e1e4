"""One run per source at a time, as Zulip's lockfile helper does, and across machines.

Each source has a lock file (``flock``) under ``LOCK_DIR``; on PostgreSQL, whose
database several machines may share, a session advisory lock per source as well.
Both vanish with the process that holds them, so a killed run never leaves a source
locked, and while they are held any run of that source still marked "running" on this
machine is known to be dead (``graph.audit.close_abandoned_runs``).

A libSQL server or Turso database shared by several machines has no such lock: run
the pipeline from one machine there (README, "Deploying").
"""

from __future__ import annotations

import fcntl
import os
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import connection


class SourceBusy(RuntimeError):
    """Another run holds a source's lock for longer than we were willing to wait."""


def lock_dir() -> Path:
    path = Path(settings.LOCK_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def source_locks(
    sources: list[str],
    *,
    wait: float = 600.0,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the lock of every source in ``sources`` (taken in name order: no deadlock).

    Waits up to ``wait`` seconds for a source another run holds, telling ``on_wait``
    once; raises ``SourceBusy`` after that.
    """
    deadline = time.monotonic() + wait
    with ExitStack() as stack:
        for name in sorted(set(sources)):
            handle = stack.enter_context(open(lock_dir() / f"{name}.lock", "a+"))
            _wait_for(lambda h=handle: _try_file(h), name, deadline, on_wait)
            stack.callback(fcntl.flock, handle, fcntl.LOCK_UN)
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            if connection.vendor == "postgresql":
                key = _advisory_key(name)
                _wait_for(lambda k=key: _try_advisory(k), name, deadline, on_wait)
                stack.callback(_release_advisory, key)
        yield


def _wait_for(
    take: Callable[[], bool],
    name: str,
    deadline: float,
    on_wait: Callable[[str], None] | None,
) -> None:
    told = False
    while not take():
        if time.monotonic() >= deadline:
            raise SourceBusy(
                f"{name} is being run by another process; try again when it has finished"
            )
        if on_wait and not told:
            on_wait(f"waiting for the other run of {name} to finish")
            told = True
        time.sleep(0.1)


def _try_file(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _advisory_key(name: str) -> int:
    """A stable 32-bit key per source for PostgreSQL's advisory locks."""
    return zlib.crc32(f"sms-graph source {name}".encode())


def _try_advisory(key: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        return bool(cursor.fetchone()[0])


def _release_advisory(key: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
