"""Pages of long lists that do not count the whole list.

A COUNT over a million nodes takes longer than drawing the page, and an operator does
not page through a million rows: they filter or search. ``CappedPaginator`` counts at
most ``COUNT_LIMIT`` rows (plus one, to know there are more), so a page costs the same
at any size; the pages past the limit are reached by narrowing the list.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_LIMIT = 10_000


class CappedPaginator(Paginator):
    """A paginator whose count stops at ``COUNT_LIMIT + 1`` ("more than 10,000")."""

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):
            rows = rows.order_by()  # counting needs no order (a sort of every row)
        return rows[: COUNT_LIMIT + 1].count()

    @property
    def limit(self) -> str:
        return f"{COUNT_LIMIT:,}"

    @property
    def capped(self) -> bool:
        """Whether the list holds more rows than were counted."""
        return self.count > COUNT_LIMIT
