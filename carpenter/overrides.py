"""Corrections that stick: an operator's value for a field, kept over the sources'.

An event's fields are derived from its reports (``carpenter.events.resolve``) and a
venue's from what sources say of it; an operator who corrects one stores an override
``{value, by, at, was}`` in the node's ``overrides``. ``apply`` puts overrides in
force after the derived fields, and every derivation ends with it, so re-processing
(``carpenter --process-all``) never undoes a correction. Removing an override goes
back to the sources' value. Setting and removing are carpenter runs with a record per
node, so the audit trail says who changed what, when.

This module is the one place of the rule: the admin's form, its hide action and the
API's hideEvent/unhideEvent (``web.api.hiding``) all call ``set_fields``.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from carpenter import events as ev  # (events imports this module too: by module, not names)
from carpenter.artists import artist_slug
from graph import search
from graph.audit import CREATE, UPDATE, RunLog, diff
from graph.labels import Label
from graph.models import Edge, Node
from graph.store import GraphError

SOURCE = "admin"
FIELDS = {
    Label.EVENT: ("title", "day", "start_time", "lineup", "hidden"),
    Label.VENUE: ("name", "address", "neighbourhood", "hidden"),
}
"""The fields an operator may correct, by label."""
NOT_IN_DATA = ("lineup",)
"""Overridable fields that are not a field of ``data`` (the lineup is edges)."""


def apply(data: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` with its overrides in force (the value stands over the sources')."""
    overrides = data.get("overrides") or {}
    if not overrides:
        return data
    data = {**data}
    for field, override in overrides.items():
        if field in NOT_IN_DATA:
            continue
        data[field] = override["value"]
        if "field_sources" in data:
            data["field_sources"] = {**data["field_sources"], field: "override"}
    return data


def lineup(data: dict[str, Any]) -> list[str] | None:
    """Return the artist slugs an operator set as the event's lineup, or None."""
    override = (data.get("overrides") or {}).get("lineup")
    return list(override["value"]) if override else None


def current(node: Node, field: str) -> Any:
    """Return the value of ``field`` in force on ``node``."""
    if field == "lineup":
        return ev.billing(node.data)
    return node.data.get(field)


def set_fields(
    nodes: list[Node],
    changes: dict[str, Any],
    *,
    by: str,
    trigger: str = "admin",
    action: str = "override",
) -> list[Node]:
    """Override ``changes`` (field -> value) on each node; return the nodes as stored.

    Fields whose value already is the one in force are left alone, and a value equal
    to the sources' own takes the override off; a node nothing changes on gets no
    record, and no run is started when none changes. ``action`` names the run
    ("hide" for the hide action).
    """
    return _change(nodes, changes, by=by, trigger=trigger, action=action)


def remove(nodes: list[Node], fields: list[str], *, by: str, trigger: str = "admin") -> list[Node]:
    """Take these fields' overrides off each node: back to the sources' values."""
    return _change(nodes, dict.fromkeys(fields), by=by, trigger=trigger, action="remove")


def _change(nodes, changes, *, by, trigger, action) -> list[Node]:
    if not nodes:
        return []
    with transaction.atomic():
        locked = list(
            Node.objects.select_for_update().filter(pk__in=[n.pk for n in nodes]).order_by("pk")
        )
        log: RunLog | None = None
        for node in locked:
            allowed = FIELDS.get(node.label, ())
            unknown = sorted(set(changes) - set(allowed))
            if unknown:
                raise GraphError(f"{node.label}: {', '.join(unknown)} cannot be corrected")
            old = copy.deepcopy(node.data)
            old_lineup = current(node, "lineup") if node.label == Label.EVENT else None
            if action == "remove":
                node.data = _restored(node, list(changes))
            else:
                node.data = _overridden(node, changes, by)
            if node.data == old:
                continue
            if log is None:
                log = RunLog(
                    Label.CARPENTER_RUN, [SOURCE], {"action": action, "by": by, "trigger": trigger}
                )
                log.start()
            try:
                with transaction.atomic():
                    Node.objects.bulk_update_data([node])
            except IntegrityError:
                raise GraphError(
                    f"{node.display_name}: another event is at that venue, day and time"
                ) from None
            if node.label == Label.EVENT:
                _relink_artists(node, old_lineup, changes.get("lineup") or [], log)
                search.index_events([node.pk])
            else:
                search.index_venue(node.pk)
            word = {"remove": "back to the sources", "hide": "hidden", "unhide": "shown again"}
            word = word.get(action, "corrected")
            before, after = old.get("overrides") or {}, node.data.get("overrides") or {}
            touched = [f for f in changes if before.get(f) != after.get(f)]
            summary = f"{node.display_name}: {', '.join(touched)} {word} by {by}"
            log.add(UPDATE, SOURCE, summary, node, kind=node.label, diff=diff(old, node.data))
        if log is not None:
            log.flush()
            log.finish()
    return locked


def _overridden(node: Node, changes: dict[str, Any], by: str) -> dict[str, Any]:
    data = copy.deepcopy(node.data)
    overrides = data.setdefault("overrides", {})
    now = timezone.now().isoformat()
    for field, value in changes.items():
        if field == "lineup":
            value = [artist_slug(v) or v for v in value]
        if value == current(node, field) and field not in overrides:
            continue
        was = overrides[field]["was"] if field in overrides else current(node, field)
        if field in overrides and value == was:
            # Set back to what the sources say: no correction left to keep.
            del overrides[field]
            if field not in NOT_IN_DATA:
                data[field] = was
            continue
        overrides[field] = {"value": value, "by": by, "at": now, "was": was}
        if field == "name" and node.label == Label.VENUE and value != data.get("name"):
            # Sources still call it by its old name: keep that name matching it.
            data["aliases"] = [*data.get("aliases", []), data["name"]]
    if not overrides:
        data.pop("overrides")
    return apply(data)


def _restored(node: Node, fields: list[str]) -> dict[str, Any]:
    data = copy.deepcopy(node.data)
    overrides = data.get("overrides") or {}
    for field in fields:
        override = overrides.pop(field, None)
        if override is not None and field not in NOT_IN_DATA:
            data[field] = override["was"]
    if not overrides:
        data.pop("overrides", None)
    if node.label == Label.EVENT and data.get("reports"):
        data.setdefault("field_sources", {})
        for field in fields:
            data["field_sources"].pop(field, None)
        data = ev.resolve(data)  # the title (and the rest) from the reports again
    return apply(data)


def _relink_artists(event: Node, old: list[str] | None, names: list[str], log: RunLog) -> None:
    """Give the event ``performs_at`` edges from the artists of its lineup in force.

    ``names``: the lineup as the operator typed it, to name artists not known yet.
    """
    wanted = ev.billing(event.data)
    if wanted == old:
        return
    artists = Node.objects.by_keys("artist", wanted)
    missing = [slug for slug in wanted if slug not in artists]
    named = {artist_slug(name): name.strip() for name in names}
    if missing:
        created = Node.objects.bulk_create_nodes(
            "artist", [{"name": named.get(s, s), "slug": s} for s in missing]
        )
        for node in created:
            artists[node.data["slug"]] = node
            log.add(CREATE, SOURCE, node.data["name"], node, kind="artist")
    Edge.objects.filter(target=event, relation="performs_at").exclude(
        source_id__in=[a.pk for a in artists.values()]
    ).delete()
    have = set(
        Edge.objects.filter(target=event, relation="performs_at").values_list(
            "source_id", flat=True
        )
    )
    Edge.objects.bulk_link(
        [(artists[s], "performs_at", event) for s in wanted if artists[s].pk not in have]
    )
