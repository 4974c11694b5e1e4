"""Hiding events from the public and showing them again, recorded as a carpenter run.

The API's hideEvent/unhideEvent mutations call ``set_hidden`` and nothing else, so the
rule of how hiding is stored and audited stays in one place.
"""

from __future__ import annotations

from django.db import transaction

from graph.audit import UPDATE, RunLog, diff
from graph.labels import Label
from graph.models import Node

SOURCE = "admin"


def set_hidden(event_ids: list[str], hidden: bool, *, by: str, trigger: str = "api") -> list[Node]:
    """Set ``hidden`` on these events; return the events (changed or not) that exist.

    Read and written in one transaction with the rows locked where the engine can, so
    a carpenter run writing the same events meanwhile is not undone; each event that
    changes gets a record in a carpenter run saying who did it.
    """
    action = "hide" if hidden else "unhide"
    with transaction.atomic():
        events = list(
            Node.objects.select_for_update()
            .filter(label=Label.EVENT, pk__in=event_ids)
            .order_by("pk")
        )
        changed = [e for e in events if bool(e.data.get("hidden")) != hidden]
        if not changed:
            return events
        log = RunLog(
            Label.CARPENTER_RUN, [SOURCE], {"action": action, "by": by, "trigger": trigger}
        )
        log.start()
        olds = [e.data for e in changed]
        for event in changed:
            event.data = {**event.data, "hidden": hidden}
        Node.objects.bulk_update_data(changed)
        word = "hidden from the public" if hidden else "shown to the public again"
        for event, old in zip(changed, olds, strict=True):
            summary = f"{event.data.get('title')} ({event.data.get('day')}): {word} by {by}"
            log.add(UPDATE, SOURCE, summary, event, kind="event", diff=diff(old, event.data))
        log.flush()
        log.finish()
    return events
