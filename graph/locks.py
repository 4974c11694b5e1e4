"""One run per source at a time: a lock file per source, as Zulip's lockfile helper does.

``flock`` locks vanish with the process that holds them, so a killed run never leaves
a source locked; while the lock is held, any run of that source still marked "running"
in the database is known to be dead (``graph.audit.close_abandoned_runs``).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.conf import settings


class SourceBusy(RuntimeError):
    """Another run holds a source's lock for longer than we were willing to wait."""


def lock_dir() -> Path:
    path = Path(settings.VAR_DIR) / "locks"
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
    with ExitStack() as stack:
        for name in sorted(set(sources)):
            handle = stack.enter_context(open(lock_dir() / f"{name}.lock", "a+"))
            _acquire(handle, name, wait, on_wait)
            stack.callback(fcntl.flock, handle, fcntl.LOCK_UN)
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
        yield


def _acquire(handle, name: str, wait: float, on_wait: Callable[[str], None] | None) -> None:
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise SourceBusy(
                    f"{name} is being run by another process; try again when it has finished"
                ) from None
            if on_wait and not told:
                on_wait(f"waiting for the other run of {name} to finish")
                told = True
            time.sleep(0.1)
