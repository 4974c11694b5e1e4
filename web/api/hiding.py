"""Hiding events from the public and showing them again: an operator's override.

The API's hideEvent/unhideEvent mutations call ``set_hidden`` and nothing else; how
hiding is stored and audited is the override rule of ``carpenter.overrides``, so a
hidden event stays hidden through ``carpenter --process-all``.
"""

from __future__ import annotations

from carpenter import overrides
from graph.labels import Label
from graph.models import Node


def set_hidden(event_ids: list[str], hidden: bool, *, by: str, trigger: str = "api") -> list[Node]:
    """Set ``hidden`` on these events; return the events (changed or not) that exist.

    Each event that changes gets a record in a carpenter run saying who did it.
    """
    events = list(Node.objects.filter(label=Label.EVENT, pk__in=event_ids))
    action = "hide" if hidden else "unhide"
    return overrides.set_fields(events, {"hidden": hidden}, by=by, trigger=trigger, action=action)
