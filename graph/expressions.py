"""SQL expressions the graph needs that Django does not spell the way we want."""

from typing import Any

from django.db import models


class JSONText(models.Func):
    """The text of one top-level key of a JSON column; SQL NULL when absent or null.

    Django's ``KT()`` returns the string 'null' for a JSON null on SQLite and passes the
    path as a parameter; a generated column needs a plain, deterministic expression
    that is NULL for null on every engine.
    """

    output_field = models.TextField()

    def __init__(self, field: str, key: str) -> None:
        if not key.isidentifier():
            raise ValueError(f"JSON key must be an identifier, not {key!r}")
        self.key = key
        super().__init__(models.F(field))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        # SQLite's json_extract gives SQL NULL for JSON null; libSQL speaks the same.
        return super().as_sql(
            compiler, connection, template=f"json_extract(%(expressions)s, '$.{self.key}')"
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        return super().as_sql(compiler, connection, template=f"(%(expressions)s ->> '{self.key}')")

    def deconstruct(self) -> tuple[str, tuple, dict]:
        return ("graph.expressions.JSONText", (self.source_expressions[0].name, self.key), {})
