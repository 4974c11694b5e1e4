"""A cost limit on GraphQL queries, checked before anything runs.

Each field costs 1, times how many of it the query can return: a list field counts as
many items as its ``limit`` says (the page size limit when the limit is left out or
given as a variable), an event's artists or sources as ``FEW`` each. A query whose
estimate passes ``MAX_COST`` is refused with a message naming the limit.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from strawberry.extensions import AddValidationRules

MAX_PAGE = 100
MAX_COST = 10_000
FEW = 5  # artists or sources an event is counted to have
# Fields that return lists, and how many items they are counted as when no limit says.
LISTS = {
    "venues": MAX_PAGE,
    "venuesByCity": MAX_PAGE,
    "artists": FEW,  # at the top level it takes a limit, which then counts instead
    "searchArtists": MAX_PAGE,
    "events": 20,
    "eventsByVenue": MAX_PAGE,
    "eventsByDateRange": MAX_PAGE,
    "upcomingEvents": MAX_PAGE,
    "searchEvents": MAX_PAGE,
    "sources": FEW,
    "genres": FEW,
}
TOP_LEVEL_DEFAULT = MAX_PAGE


class _CostRule(ValidationRule):
    limit = MAX_COST

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        fragments = {name: f.selection_set for name, f in self._fragments().items()}
        cost = _cost(node.selection_set, fragments, top=True, seen=frozenset())
        if cost > self.limit:
            name = node.name.value if node.name else "the query"
            self.report_error(
                GraphQLError(
                    f"{name} costs about {cost}, over the cost limit of {self.limit}: "
                    "ask for fewer items (limit) or fewer nested lists",
                    node,
                )
            )

    def _fragments(self) -> dict[str, Any]:
        document = self.context.document
        return {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}


def _cost(
    selections: SelectionSetNode | None, fragments: dict, *, top: bool, seen: frozenset
) -> int:
    if selections is None:
        return 0
    total = 0
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            items = _items(selection, top)
            inner = _cost(selection.selection_set, fragments, top=False, seen=seen)
            total += items * (1 + inner)
        elif isinstance(selection, InlineFragmentNode):
            total += _cost(selection.selection_set, fragments, top=top, seen=seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in seen:  # a fragment cycle is refused by GraphQL's own rules
                total += _cost(fragments.get(name), fragments, top=top, seen=seen | {name})
    return total


def _items(field: FieldNode, top: bool) -> int:
    name = field.name.value
    if name not in LISTS:
        return 1
    for argument in field.arguments or ():
        if argument.name.value == "limit":
            if isinstance(argument.value, IntValueNode):
                return max(min(int(argument.value.value), MAX_PAGE), 1)
            return MAX_PAGE  # a variable: the most it may be
    return TOP_LEVEL_DEFAULT if top else LISTS[name]


class CostLimiter(AddValidationRules):
    """Refuse queries whose estimated cost passes ``limit``."""

    def __init__(self, limit: int = MAX_COST) -> None:
        rule = type("CostRule", (_CostRule,), {"limit": limit})
        super().__init__([rule])
