"""How big scraped input may be: every bound in one place, each with its reason.

Scraped items are untrusted and can be any size: one 1 MB title listing 50,000 names
once made 50,000 artists, a 16 s carpenter run and an 8 MB event page. The readers
(``ingest.items.bounded``), the ingester and the carpenter cut or refuse what exceeds
these bounds, and say so in the item's record ("title cut to 300 characters"): nothing
is dropped silently. The README's "Reliability" section lists them for users.

This module is the floor everyone stands on (schemas, ingest, carpenter import it), so
it imports nothing of the project.
"""

from __future__ import annotations

from typing import Any

MAX_TITLE = 300
"""Characters of a show's title. The longest real one in the recordings is 82; a
title is one line on every page, and the carpenter reads artists' names from it."""
MAX_DESCRIPTION = 10_000
"""Characters of a show's description: a few screens of text, enough for any real
blurb, while keeping an event's page small."""
MAX_NAME = 200
"""Characters of a name (an artist, a venue, an alias) or another short field (an
address, a city): longer is not a name but a pasted page."""
MAX_URL = 2_000
"""Characters of a link. A link cut short is broken, so a longer one is dropped (and
that recorded) rather than cut; browsers and servers rarely accept more."""
MAX_LINEUP = 40
"""Artists on one show. A festival day bills a few dozen; more is a list of names that
would each become an artist node (and a ``performs_at`` edge)."""
MAX_GENRES = 20
"""Genres a show is filed under."""
MAX_GENRE = 60
"""Characters of one genre's name ("indie rock"): a word or two."""
MAX_AGE_LIMIT = 40
"""Characters of an age limit as a venue states it ("21+ with ID")."""
MAX_ALIASES = 20
"""Other names one venue goes by, as one item states them."""
MAX_DEPTH = 32
"""Levels of nesting of one item's JSON. Real items nest at most 7 levels; a few
hundred made storing fail ("Maximum serialization depth exceeded") for every item
after it, so a deeper item is refused, as that item's error."""
MAX_ITEMS_PER_RESPONSE = 5_000
"""Items read from one response body (a page). Real pages list at most a few hundred;
the items after this many are not read, and the fetch counts as incomplete (so no
item is taken for gone)."""

MAX_ID = 200
"""Characters of an item's id. Ids become part of the natural key, which the database
indexes: a huge one would be refused for the whole batch, so it is refused for its item."""
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
"""Bytes of one response body (a source may set its own). The largest real feed is a
few hundred kB; a body past this is cut off and the fetch fails with that reason."""


def cut(value: str, limit: int) -> str:
    """Return ``value`` cut to ``limit`` characters (whole code points), spaces trimmed."""
    return value if len(value) <= limit else value[:limit].rstrip()


def deeper_than(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Return whether ``value`` nests lists and objects more than ``limit`` levels deep.

    Walked with a stack rather than recursion, so any depth the JSON parser accepts is
    measured without touching Python's recursion limit.
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > limit:
            return True
        # Only containers go on the stack: most of an item is scalars.
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


CLIPPED = "… (nested too deep: cut)"
"""What stands for the part of an item nested deeper than ``MAX_DEPTH`` in a record."""


def clipped(value: Any, limit: int = MAX_DEPTH) -> Any:
    """Return ``value`` with what nests deeper than ``limit`` levels replaced by ``CLIPPED``.

    A refused item is kept in its error record so an operator can see it; its deepest
    parts are cut so that the record itself can be stored.
    """
    if not deeper_than(value, limit):
        return value
    return _clip(value, limit)


def _clip(value: Any, left: int) -> Any:
    if not isinstance(value, (dict, list)):
        return value
    if left == 0:
        return CLIPPED
    if isinstance(value, dict):
        return {key: _clip(item, left - 1) for key, item in value.items()}
    return [_clip(item, left - 1) for item in value]
