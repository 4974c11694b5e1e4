"""Make the database itself delete a node's edges with the node.

Django 5.2 cannot declare ON DELETE CASCADE (``db_on_delete`` arrives in Django 6.1),
so the edges' foreign keys are made to cascade here: on PostgreSQL by re-creating
them with ON DELETE CASCADE, on SQLite and libSQL by a trigger (SQLite cannot alter a
constraint in place). A later migration that makes Django rebuild the ``nodes`` table
on SQLite drops the trigger: run ``install`` again after it. ``tests/test_graph_store``
checks the cascade on every engine.
"""

from django.db import migrations

TRIGGER = "nodes_delete_edges"
# One statement in the body: libsql-client's statement splitter accepts a trigger only
# when what follows its first ";" is the END. SQLite answers the OR with both indexes.
SQLITE_TRIGGER = f"""
CREATE TRIGGER IF NOT EXISTS {TRIGGER} AFTER DELETE ON nodes FOR EACH ROW BEGIN
    DELETE FROM edges WHERE source_id = OLD.id OR target_id = OLD.id;
END
"""


def _edge_foreign_keys(schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "edges")
    return [(name, info["columns"][0]) for name, info in constraints.items() if info["foreign_key"]]


def _recreate_foreign_keys(schema_editor, on_delete):
    qn = schema_editor.quote_name
    for name, column in _edge_foreign_keys(schema_editor):
        schema_editor.execute(f"ALTER TABLE edges DROP CONSTRAINT {qn(name)}")
        schema_editor.execute(
            f"ALTER TABLE edges ADD CONSTRAINT {qn(name)} FOREIGN KEY ({qn(column)}) "
            f"REFERENCES nodes (id){on_delete} DEFERRABLE INITIALLY DEFERRED"
        )


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _recreate_foreign_keys(schema_editor, " ON DELETE CASCADE")
    elif vendor in ("sqlite", "libsql"):
        schema_editor.execute(SQLITE_TRIGGER)
    else:
        raise NotImplementedError(
            f"No cascade for {vendor}: add one here (the graph relies on it)."
        )


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _recreate_foreign_keys(schema_editor, "")
    elif vendor in ("sqlite", "libsql"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [("graph", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
