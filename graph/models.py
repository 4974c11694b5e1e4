"""The graph store: ``Node`` and ``Edge`` on the tables ``nodes`` and ``edges``.

The tables mirror the libSQL schema of the Rust scraper this project descends from:
text UUID ids, a label or relation, a JSON ``data`` column and two timestamps. On top
of them ``graph.schemas`` gives each label a typed schema, and the managers in
``graph.store`` give the rest of the code one API (create, get, upsert by natural key,
filter by data fields, neighbours, and bulk forms of these).

The database keeps the graph whole on its own: edges reference nodes (a dangling edge
is refused), deleting a node deletes its edges (``ON DELETE CASCADE`` or a trigger,
installed by migration 0002 because Django 5.2 cannot declare it), and each label's
natural key is a generated column under a unique index.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Concat

from graph import schemas
from graph.expressions import JSONText
from graph.labels import Label, Relation
from graph.store import EdgeManager, NodeManager, ProxyManager


def new_id() -> str:
    """Return a new node or edge id: a time-ordered UUID (version 7) as text.

    The first 48 bits are the time in milliseconds, the last 74 random (unguessable, as
    a version 4 UUID's 122). Ids made one after another sort together, so a batch's
    inserts land at the end of the id indexes instead of on a random page each: with
    random ids every batch rewrote pages all over the indexes, and commits grew with
    the graph.
    """
    stamp = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (
        (stamp & _MS_MASK) << 80
        | 0x7 << 76  # version 7
        | (rand >> 64 & 0xFFF) << 64
        | 0b10 << 62  # the RFC 9562 variant
        | rand & _RAND_B_MASK
    )
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


_MS_MASK = (1 << 48) - 1
_RAND_B_MASK = (1 << 62) - 1


def natural_key_expression() -> models.Case:
    """Return the SQL expression the database derives each node's natural key with.

    Mirrors ``graph.schemas.natural_key``, which computes the same string in Python
    for lookups.
    """
    whens = []
    for label, schema in schemas.SCHEMAS.items():
        fields = schema.natural_key
        if not fields:
            continue
        if len(fields) == 1:
            expression = JSONText("data", fields[0])
        else:
            parts: list[Any] = []
            for field in fields:
                if parts:
                    parts.append(Value(schemas.KEY_SEPARATOR, output_field=models.TextField()))
                parts.append(
                    Coalesce(JSONText("data", field), Value("", output_field=models.TextField()))
                )
            expression = Concat(*parts, output_field=models.TextField())
        whens.append(models.When(label=label, then=expression))
    return models.Case(*whens, default=Value(None), output_field=models.TextField())


KEYED_LABELS = [label for label, s in schemas.SCHEMAS.items() if s.natural_key]
UPDATED_LABELS = (Label.VENUE, Label.ARTIST, Label.EVENT, Label.INGEST_RUN, Label.CARPENTER_RUN)


def label_is(*labels: str) -> Q:
    """Return the condition of a partial index over ``labels``.

    ``label = a OR label = b``, not ``label IN (a, b)``: SQLite uses a partial index only
    for a query whose WHERE implies its condition term by term, and ``label = %s``
    implies one of these terms (bound parameters included) but not an IN list.
    """
    condition = Q()
    for label in labels:
        condition |= Q(label=label)
    return condition


class Node(models.Model):
    """A thing in the graph: a venue, an artist, an event, a raw item, a run, a record."""

    id = models.CharField(primary_key=True, max_length=36, default=new_id, editable=False)
    label = models.CharField(max_length=32, choices=Label.choices)
    data = models.JSONField(default=dict)
    key = models.GeneratedField(
        expression=natural_key_expression(),
        output_field=models.TextField(null=True),
        db_persist=True,
        help_text="The label's natural key, derived by the database from data.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NodeManager()
    # Set on each label's proxy model: the label its nodes get.
    LABEL: str | None = None

    class Meta:
        db_table = "nodes"
        verbose_name = "node"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["label", "created_at"], name="nodes_label_created"),
            # Runs changed lately (graph.totals: what /metrics reads again at each scrape)
            # and the public's last change (web.public.caching), so only those labels:
            # raw data and records, most nodes, are never asked for by updated_at.
            models.Index(
                fields=["label", "updated_at"],
                name="nodes_label_updated",
                condition=label_is(*UPDATED_LABELS),
            ),
            # The newest nodes of every label (the admin's all-nodes list): without it a
            # page of 50 sorted every node.
            models.Index(fields=["created_at", "id"], name="nodes_created"),
        ]
        constraints = [
            # NULL keys (runs, records) are distinct, so only keyed labels collide.
            models.UniqueConstraint(fields=["label", "key"], name="nodes_natural_key"),
            models.CheckConstraint(condition=Q(label__in=Label.values), name="nodes_label_known"),
            models.CheckConstraint(
                condition=~Q(label__in=KEYED_LABELS) | Q(key__isnull=False),
                name="nodes_keyed_label_has_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.display_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every write of a single node is validated, whoever makes it.
        if not self.label and self.LABEL:
            self.label = self.LABEL
        self.data = schemas.validate(self.label, self.data)
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Node:
        node = super().from_db(db, field_names, values)
        # An event is stored without its report's copies of its own fields
        # (graph.schemas.expand_event): every reader gets them back here.
        fields = node.__dict__
        if fields.get("label") == Label.EVENT and isinstance(fields.get("data"), dict):
            node.data = schemas.expand_event(node.data)
        return node

    def clean(self) -> None:
        try:
            self.data = schemas.validate(self.label, self.data)
        except schemas.GraphDataError as exc:
            raise ValidationError({"data": str(exc)}) from None

    @property
    def display_name(self) -> str:
        """A short human name: the node's name, title or summary, else its id."""
        data = self.data or {}
        for field in ("name", "title", "summary", "event_name"):
            if data.get(field):
                return str(data[field])
        return self.id

    @property
    def typed(self) -> schemas.NodeData:
        """Return ``data`` parsed into the label's schema."""
        return schemas.schema_for(self.label).model_validate(self.data)

    def neighbours(self, relation: str, direction: str = "out") -> models.QuerySet[Node]:
        """Return the nodes this node links to by ``relation`` ("out") or from ("in")."""
        return Node.objects.neighbours(self, relation, direction)


class Edge(models.Model):
    """A directed link between two nodes: venue hosts event, artist performs_at event, ..."""

    id = models.CharField(primary_key=True, max_length=36, default=new_id, editable=False)
    # DO_NOTHING: the database itself cascades (migration 0002), so deleting a node in
    # SQL, in the admin or through the ORM removes its edges the same way.
    source = models.ForeignKey(Node, models.DO_NOTHING, related_name="out_edges", db_index=False)
    target = models.ForeignKey(Node, models.DO_NOTHING, related_name="in_edges", db_index=False)
    relation = models.CharField(max_length=32, choices=Relation.choices)
    data = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EdgeManager()

    class Meta:
        db_table = "edges"
        verbose_name = "edge"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["target", "relation"], name="edges_target_relation"),
        ]
        constraints = [
            # Also the index for reads by source + relation.
            models.UniqueConstraint(fields=["source", "relation", "target"], name="edges_one_link"),
            models.CheckConstraint(
                condition=Q(relation__in=Relation.values), name="edges_relation_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} -{self.relation}-> {self.target_id}"


class Venue(Node):
    """A place that hosts shows (label ``venue``)."""

    LABEL = Label.VENUE
    objects = ProxyManager(Label.VENUE)

    class Meta:
        proxy = True


class Artist(Node):
    """A performer (label ``artist``)."""

    LABEL = Label.ARTIST
    objects = ProxyManager(Label.ARTIST)

    class Meta:
        proxy = True


class Event(Node):
    """One show at a venue on a day (label ``event``)."""

    LABEL = Label.EVENT
    objects = ProxyManager(Label.EVENT)

    class Meta:
        proxy = True


class RawData(Node):
    """One item as a source gave it (label ``raw_data``)."""

    LABEL = Label.RAW_DATA
    objects = ProxyManager(Label.RAW_DATA)

    class Meta:
        proxy = True
        verbose_name = "raw data item"
        verbose_name_plural = "raw data"


class IngestRun(Node):
    """One ingest run (label ``ingest_run``)."""

    LABEL = Label.INGEST_RUN
    objects = ProxyManager(Label.INGEST_RUN)

    class Meta:
        proxy = True


class IngestRecord(Node):
    """One change an ingest run made (label ``ingest_record``)."""

    LABEL = Label.INGEST_RECORD
    objects = ProxyManager(Label.INGEST_RECORD)

    class Meta:
        proxy = True


class CarpenterRun(Node):
    """One carpenter run (label ``carpenter_run``)."""

    LABEL = Label.CARPENTER_RUN
    objects = ProxyManager(Label.CARPENTER_RUN)

    class Meta:
        proxy = True


class CarpenterRecord(Node):
    """One change a carpenter run made (label ``carpenter_record``)."""

    LABEL = Label.CARPENTER_RECORD
    objects = ProxyManager(Label.CARPENTER_RECORD)

    class Meta:
        proxy = True
