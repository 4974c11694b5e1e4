"""The graph API: managers for nodes and edges, in single and bulk forms.

Everything else in the project reads and writes the graph through these methods:
``Node.objects.create_node``, ``get_node``, ``upsert``, ``where``, ``neighbours`` and
their bulk forms, and ``Edge.objects.link`` / ``bulk_link``. Writes validate against the
label's schema (``graph.schemas``) before they reach the database.

The bulk forms write with one prepared statement per batch (``executemany``), which is
what keeps a run of thousands of items close to the speed of plain sqlite3; Django's
``bulk_create`` spends most of its time building model instances and SQL text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from django.db import connections, models, router, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from graph import schemas
from graph.labels import edge_allowed

if TYPE_CHECKING:
    from graph.models import Node

T = TypeVar("T")
Direction = Literal["out", "in"]
Change = Literal["create", "update", "noop"]

# Rows per executemany / IN (...) batch. Small enough for SQLite's 999-variable limit
# in lookups, large enough that statements stay few.
BATCH = 500


def chunked(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    """Yield lists of at most ``size`` items."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class Upserted:
    """What an upsert did to one item.

    node: the stored node (new or existing).
    change: "create", "update" (data differed) or "noop" (data was the same).
    old: the data before an update; None otherwise.
    """

    node: Node
    change: Change
    old: dict[str, Any] | None = None


class GraphError(ValueError):
    """A write the graph does not allow (bad edge, missing node, unknown direction)."""


class NodeQuerySet(models.QuerySet):
    def labelled(self, label: str) -> NodeQuerySet:
        """Return the nodes of one label."""
        return self.filter(label=label)

    def where(self, **fields: Any) -> NodeQuerySet:
        """Filter by fields of ``data``: ``where(day="2026-12-01", start_time=None)``.

        Lookups work too (``where(day__gte="2026-12-01")``): days and times are ISO
        text, so ranges compare as strings on every engine.
        """
        return self.filter(**{f"data__{name}": value for name, value in fields.items()})

    def neighbours(
        self, node: Node | str, relation: str, direction: Direction = "out"
    ) -> NodeQuerySet:
        """Return the nodes ``node`` links to by ``relation`` (out) or is linked from (in)."""
        node_id = getattr(node, "pk", node)
        if direction == "out":
            return self.filter(in_edges__source_id=node_id, in_edges__relation=relation)
        if direction == "in":
            return self.filter(out_edges__target_id=node_id, out_edges__relation=relation)
        raise GraphError(f"direction must be 'out' or 'in', not {direction!r}")

    def by_keys(self, label: str, keys: Iterable[str]) -> dict[str, Node]:
        """Return the nodes of ``label`` with these natural keys, by key (one query per batch)."""
        found: dict[str, Node] = {}
        for chunk in chunked(dict.fromkeys(keys)):
            found.update((node.key, node) for node in self.filter(label=label, key__in=chunk))
        return found


class NodeManager(models.Manager.from_queryset(NodeQuerySet)):  # type: ignore[misc]
    def create_node(self, label: str, data: Any) -> Node:
        """Validate ``data`` for ``label`` and store a new node."""
        return self.bulk_create_nodes(label, [data])[0]

    def get_node(self, label: str, **key_fields: Any) -> Node:
        """Return the node of ``label`` with this natural key (``get_node("venue", slug=...)``)."""
        key = schemas.natural_key(label, key_fields)
        if key is None:
            raise GraphError(f"{label}: has no natural key; filter with where() instead")
        return self.get(label=label, key=key)

    def upsert(self, label: str, data: Any) -> Upserted:
        """Create the node with ``data``'s natural key, or replace its data if different."""
        return self.bulk_upsert(label, [data])[0]

    def bulk_create_nodes(
        self, label: str, items: Iterable[Any], *, stored: bool = False
    ) -> list[Node]:
        """Validate and insert new nodes of one label, one statement per batch.

        A duplicate natural key raises ``IntegrityError``: use ``bulk_upsert`` when the
        nodes may exist. ``stored=True``: the items are dicts in their stored form
        already (``schemas.stored_record``) and are not validated again.
        """
        nodes = self._prepare(label, items, stored=stored)
        self._insert(nodes, ignore_conflicts=False)
        return nodes

    def bulk_upsert(self, label: str, items: Iterable[Any]) -> list[Upserted]:
        """Create or update nodes of a keyed label by natural key; one result per item.

        Safe against concurrent writers: new rows go in with ``ON CONFLICT DO NOTHING``
        and a row another process inserted meanwhile is then treated as existing.
        """
        wanted = self._prepare(label, items)
        if any(node.key is None for node in wanted):
            raise GraphError(f"{label}: has no natural key; use bulk_create_nodes")
        with transaction.atomic(using=self.db):
            existing = self.by_keys(label, (n.key for n in wanted))
            fresh: dict[str, Node] = {}
            for node in wanted:
                if node.key not in existing:
                    fresh.setdefault(node.key, node)
            if fresh:
                self._insert(list(fresh.values()), ignore_conflicts=True)
                stored = self.by_keys(label, fresh)
                created = {key for key, n in fresh.items() if stored[key].pk == n.pk}
                existing.update((k, v) for k, v in stored.items() if k not in created)
            else:
                created = set()
            results: dict[str, Upserted] = {}
            changed: list[Node] = []
            for node in wanted:
                if node.key in results:  # the same key twice in one call: first wins
                    continue
                if node.key in created:
                    results[node.key] = Upserted(node, "create")
                    continue
                current = existing[node.key]
                if schemas.stored(label, current.data) == node.data:  # read back whole
                    results[node.key] = Upserted(current, "noop")
                    continue
                old = current.data
                current.data = node.data
                changed.append(current)
                results[node.key] = Upserted(current, "update", old)
            self._update(changed, touch=True)
        return [results[n.key] for n in wanted]

    def bulk_update_data(self, nodes: Sequence[Node], *, touch: bool = True) -> None:
        """Validate and write each node's ``data`` (one statement per batch).

        ``touch=False`` keeps ``updated_at``: for bookkeeping that is not a change,
        such as a raw item's ``last_seen``.
        """
        for node in nodes:
            node.data = schemas.validate(node.label, node.data)
        self._update(nodes, touch=touch)

    # -- the SQL, kept in one place -------------------------------------------------

    def _prepare(self, label: str, items: Iterable[Any], *, stored: bool = False) -> list[Node]:
        now = timezone.now()
        model = self.model
        new_id = model._meta.pk.default
        # Instances made without Model.__init__ (its field-by-field work was a tenth of
        # a run): these nodes are only inserted, then handed back with their fields set.
        make = model.__new__
        nodes = []
        for item in items:
            data = item if stored else schemas.validate(label, item)
            node = make(model)
            node._state = ModelState()
            node.__dict__.update(
                id=new_id(),
                label=label,
                data=data,
                key=schemas.natural_key(label, data),
                created_at=now,
                updated_at=now,
            )
            nodes.append(node)
        return nodes

    def _insert(self, nodes: Sequence[Node], *, ignore_conflicts: bool) -> None:
        if not nodes:
            return
        columns = ("id", "label", "data", "created_at", "updated_at")
        db = router.db_for_write(self.model)
        connection = connections[db]
        prep = _Preparer(self.model, connection)
        sql = _insert_sql(self.model, columns, connection, ignore_conflicts)
        created = prep.datetime(nodes[0].created_at)
        with connection.cursor() as cursor:
            for chunk in chunked(nodes):
                cursor.executemany(
                    sql,
                    [(n.id, n.label, prep.json(n.data), created, created) for n in chunk],
                )
        for node in nodes:
            node._state.adding = False
            node._state.db = db

    def _update(self, nodes: Sequence[Node], *, touch: bool) -> None:
        if not nodes:
            return
        connection = connections[router.db_for_write(self.model)]
        prep = _Preparer(self.model, connection)
        qn = connection.ops.quote_name
        table = qn(self.model._meta.db_table)
        if touch:
            now = timezone.now()
            stamp = prep.datetime(now)
            sql = (
                f"UPDATE {table} SET {qn('data')} = %s, {qn('updated_at')} = %s "
                f"WHERE {qn('id')} = %s"
            )
            rows = lambda chunk: [(prep.json(n.data), stamp, n.pk) for n in chunk]  # noqa: E731
            for node in nodes:
                node.updated_at = now
        else:
            sql = f"UPDATE {table} SET {qn('data')} = %s WHERE {qn('id')} = %s"
            rows = lambda chunk: [(prep.json(n.data), n.pk) for n in chunk]  # noqa: E731
        with connection.cursor() as cursor:
            for chunk in chunked(nodes):
                cursor.executemany(sql, rows(chunk))


class ProxyManager(NodeManager):
    """The manager of a label's proxy model: only that label's nodes."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def get_queryset(self) -> NodeQuerySet:
        return super().get_queryset().filter(label=self.label)


class EdgeManager(models.Manager):
    def link(
        self, source: Node, relation: str, target: Node, data: dict[str, Any] | None = None
    ) -> bool:
        """Link ``source -relation-> target`` unless linked already; return whether new."""
        return self.bulk_link([(source, relation, target)], data=data) == 1

    def bulk_link(
        self,
        links: Iterable[tuple[Node, str, Node]],
        data: dict[str, Any] | None = None,
    ) -> int:
        """Link many pairs at once; existing links are kept. Return how many were new.

        Each link is checked against the graph's rules (``graph.labels.EDGE_RULES``);
        a link to a node that does not exist is refused by the database.
        """
        now = timezone.now()
        connection = connections[router.db_for_write(self.model)]
        prep = _Preparer(self.model, connection)
        stamp = prep.datetime(now)
        payload = prep.json(data) if data is not None else None
        columns = ("id", "source_id", "target_id", "relation", "data", "created_at", "updated_at")
        sql = _insert_sql(self.model, columns, connection, ignore_conflicts=True)
        new_id = self.model._meta.pk.default
        inserted = 0
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for chunk in chunked(links):
                rows = []
                for source, relation, target in chunk:
                    if not edge_allowed(source.label, relation, target.label):
                        raise GraphError(
                            f"a {source.label} cannot be linked by {relation!r} to a {target.label}"
                        )
                    # .id, not .pk: the property's lookup was a tenth of linking a batch.
                    rows.append((new_id(), source.id, target.id, relation, payload, stamp, stamp))
                cursor.executemany(sql, rows)
                inserted += max(cursor.rowcount, 0)
        return inserted

    def unlink(self, source: Node | str, relation: str, target: Node | str) -> int:
        """Remove the link ``source -relation-> target``; return how many were removed."""
        link = (getattr(source, "pk", source), relation, getattr(target, "pk", target))
        return self.bulk_unlink([link])

    def bulk_unlink(self, links: Iterable[tuple[str, str, str]]) -> int:
        """Remove many ``(source_id, relation, target_id)`` links; return how many went."""
        removed = 0
        for chunk in chunked(dict.fromkeys(links), 200):
            condition = models.Q()
            for source, relation, target in chunk:
                condition |= models.Q(source_id=source, relation=relation, target_id=target)
            removed += self.filter(condition).delete()[0]
        return removed

    def neighbour_map(
        self, nodes: Iterable[Node | str], relation: str, direction: Direction = "out"
    ) -> dict[str, list[Node]]:
        """Return, for many nodes at once, their neighbours by ``relation``, by node id."""
        if direction not in ("out", "in"):
            raise GraphError(f"direction must be 'out' or 'in', not {direction!r}")
        near, far = ("source", "target") if direction == "out" else ("target", "source")
        result: dict[str, list[Node]] = {}
        ids = [getattr(n, "pk", n) for n in nodes]
        for chunk in chunked(dict.fromkeys(ids)):
            edges = self.filter(**{f"{near}_id__in": chunk, "relation": relation})
            for edge in edges.select_related(far).order_by():
                result.setdefault(getattr(edge, f"{near}_id"), []).append(getattr(edge, far))
        return result


class _Preparer:
    """Turn Python values into what the connection's driver takes for our columns."""

    def __init__(self, model: type[models.Model], connection: Any) -> None:
        self.connection = connection
        self.json_field = model._meta.get_field("data")
        self.datetime_field = model._meta.get_field("created_at")
        self.compact = connection.vendor == "sqlite"

    def json(self, value: Any) -> Any:
        if self.compact:
            # Text on SQLite's engines: written compactly (no spaces after separators,
            # a tenth of the file); the values are JSON-ready already (schemas.validate).
            return _compact(value)
        return self.json_field.get_db_prep_save(value, self.connection)

    def datetime(self, value: dt.datetime) -> Any:
        return self.datetime_field.get_db_prep_save(value, self.connection)


_compact = json.JSONEncoder(separators=(",", ":")).encode


def _insert_sql(
    model: type[models.Model], columns: Sequence[str], connection: Any, ignore_conflicts: bool
) -> str:
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({names}) VALUES ({marks})"
    # The upsert clause (SQLite, libSQL, PostgreSQL) ignores only uniqueness
    # conflicts; SQLite's INSERT OR IGNORE would also drop rows failing other checks.
    return sql + " ON CONFLICT DO NOTHING" if ignore_conflicts else sql
