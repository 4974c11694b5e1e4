"""Which items are not shows, and the reason each one's record gives."""

import re

import pytest

from carpenter.skips import Skip, check
from ingest.items import Show


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("Open Mic", "an open mic, not a show"),
        ("Open Mic w/ host Jenny Tran", "an open mic, not a show"),
        ("La Luz Open Jam", "an open jam, not a show"),
        ("Karaoke Night", "karaoke, not a show"),
        ("Tuesday Trivia", "a trivia night, not a show"),
        ("Christmas Eve - Open 2pm to 10pm (no music)", "the venue says there is no music"),
        ("CLOSED for a private event", "the venue says there is no music"),
        ("Private Party", "a private event"),
        ("TBA", "nothing announced yet (the title is TBA)"),
        ("CANCELLED: Dead Bars w/ Sleepy Stems", "the show is cancelled or postponed"),
        ("Dead Bars (postponed)", "the show is cancelled or postponed"),
        ("  t.b.a. ", None),  # not the bare word: kept, the carpenter finds no artists
        ("Sunday Jazz Jam", None),
        ("Dead Bars w/ TBA", None),
        ("Mic Check + The Openers", None),
    ],
)
def test_rules(title, reason):
    show = Show(title=title, day="2026-12-12")
    if reason is None:
        check(show)
    else:
        with pytest.raises(Skip, match=f"^{re.escape(reason)}$"):
            check(show)
