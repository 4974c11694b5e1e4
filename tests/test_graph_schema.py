"""The tables the contract names, with the columns it names, on the engine under test."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def test_nodes_table_has_the_schema_columns():
    assert {"id", "label", "data", "created_at", "updated_at"} <= columns("nodes")


def test_edges_table_has_the_schema_columns():
    assert {
        "id",
        "source_id",
        "target_id",
        "relation",
        "data",
        "created_at",
        "updated_at",
    } <= columns("edges")


def test_ids_are_text_uuids():
    from graph.models import Node

    node = Node.objects.create_node("venue", {"name": "Neumos", "slug": "neumos"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM nodes WHERE label = %s", ["venue"])
        (stored,) = cursor.fetchone()
    assert stored == node.pk
    assert len(stored) == 36 and stored.count("-") == 4


def test_indexes_cover_the_pipeline_reads():
    with connection.cursor() as cursor:
        nodes = connection.introspection.get_constraints(cursor, "nodes")
        edges = connection.introspection.get_constraints(cursor, "edges")
    node_indexes = [c["columns"] for c in nodes.values() if c["index"] or c["unique"]]
    edge_indexes = [c["columns"] for c in edges.values() if c["index"] or c["unique"]]
    assert ["label", "created_at"] in node_indexes  # by label
    assert ["label", "key"] in node_indexes  # by each label's natural key
    assert ["source_id", "relation", "target_id"] in edge_indexes  # by source + relation
    assert ["target_id", "relation"] in edge_indexes  # by target + relation
