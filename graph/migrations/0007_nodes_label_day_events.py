"""The index of events by day holds events only (graph.search.SQLITE_DAY_INDEX).

It was over every node, raw data and records included (their day, or null), for
listings that only ever ask for events: a quarter of the file's index pages at 6,000
events. Made again as a partial index, the same on SQLite, libSQL and PostgreSQL.
"""

from django.db import migrations

from graph import search

_OLD = {
    "sqlite": (
        "CREATE INDEX IF NOT EXISTS nodes_label_day ON nodes (label, json_extract(data, '$.day'))"
    ),
    "postgresql": "CREATE INDEX IF NOT EXISTS nodes_label_day ON nodes (label, (data ->> 'day'))",
}


def _make(schema_editor, statement: str) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(search.DROP_DAY_INDEX)
        cursor.execute(statement)


def events_only(apps, schema_editor):
    sqlite = search.is_sqlite(schema_editor.connection)
    _make(schema_editor, search.SQLITE_DAY_INDEX if sqlite else search.POSTGRES_DAY_INDEX)


def every_node(apps, schema_editor):
    sqlite = search.is_sqlite(schema_editor.connection)
    _make(schema_editor, _OLD["sqlite" if sqlite else "postgresql"])


class Migration(migrations.Migration):

    dependencies = [
        ("graph", "0006_nodes_label_updated_partial"),
    ]

    operations = [migrations.RunPython(events_only, every_node, elidable=False)]
