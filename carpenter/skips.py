"""Items that are not shows: the rules, kept in one place, each with its reason."""

from __future__ import annotations

import re

from ingest.items import Show


class Skip(Exception):
    """An item left out on purpose; the message is the reason, kept in its record."""


# (pattern on the title, reason). A title that matches is not a show to list.
RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), reason)
    for pattern, reason in (
        (r"\bopen mic\b", "an open mic, not a show"),
        (r"\bopen jam\b", "an open jam, not a show"),
        (r"\bkaraoke\b", "karaoke, not a show"),
        (r"\btrivia\b", "a trivia night, not a show"),
        (r"\bno (?:live )?music\b|\bclosed\b", "the venue says there is no music"),
        (r"\bprivate (?:event|party)\b", "a private event"),
        (r"\bcancell?ed\b|\bpostponed\b", "the show is cancelled or postponed"),
        (r"^\W*(?:tba|tbd|to be announced)\W*$", "nothing announced yet (the title is TBA)"),
    )
)


def check(show: Show) -> None:
    """Raise ``Skip`` with the reason when ``show`` is not a show to list."""
    for pattern, reason in RULES:
        if pattern.search(show.title):
            raise Skip(reason)
