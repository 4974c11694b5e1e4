"""The full-text search table over events (graph.search), filled from the events held.

An FTS5 table on the SQLite-family engines (embedded, libSQL), a table with a generated
tsvector under a GIN index on PostgreSQL; the statements live in ``graph.search``.
"""

from django.db import migrations

from graph import search


def install(apps, schema_editor):
    search.create(schema_editor.connection)
    search.rebuild(schema_editor.connection)


def uninstall(apps, schema_editor):
    search.drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("graph", "0003_nodes_label_updated"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
