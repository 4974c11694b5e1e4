"""The tables the contract names, with the columns it names, on the engine under test."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from graph.models import Event

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


sqlite_only = pytest.mark.skipif(
    connection.vendor not in ("sqlite", "libsql"), reason="SQLite's query plans"
)


def plan(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


@sqlite_only
def test_the_partial_indexes_serve_their_reads():
    # nodes_label_updated and nodes_label_day hold only the labels read by them (runs
    # and the public labels; events): the reads must still find them, with the label
    # a bound parameter as Django passes it.
    from graph.totals import finished_between, run_totals
    from web.public import caching, queries

    with CaptureQueriesContext(connection) as captured:
        caching.last_change()
        run_totals([1.0], finished_between(timezone.now(), timezone.now()))
    last_change, totals = (q["sql"] for q in captured.captured_queries)
    assert plan(last_change, []).count("COVERING INDEX nodes_label_updated") == len(caching.LABELS)
    assert "INDEX nodes_label_updated (label=? AND updated_at>? AND updated_at<?)" in plan(
        totals, []
    )
    week = queries.between(Event.objects.all(), dt.date(2026, 1, 1), dt.date(2026, 1, 7))
    sql, params = queries.in_order(week).query.sql_with_params()
    assert "INDEX nodes_label_day" in plan(sql, list(params))
