"""One event per show across sources: the same show listed at different times.

Sources disagree on a show's time: one gives the doors (19:00), another the show
(20:00); Ticketmaster says "time to be announced" (none). The natural key (venue +
day + start time) alone would make two events. A show is taken for one already at
its venue that day when:

- the times are within ``MAX_APART`` of each other, or one of them is unknown; and
- the lineups share at least half of the shorter one, or, where a lineup is missing
  on one side, the titles agree (rapidfuzz, ``TITLE_AGREES``/100 or more); and
- the event holds no report of the same source: a source that lists two shows that day
  means two shows (an early and a late one).

The event keeps its slot, unless it had no time or the joining source outranks every
report it has (``takes_slot``): then it moves to that source's time.

An early and a late show with different lineups therefore stay two. Each such merge
is recorded with its reason on the event's carpenter record.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.functions import Collate
from rapidfuzz import fuzz

from carpenter import events as ev
from graph.models import Node
from graph.schemas import KEY_SEPARATOR
from graph.store import chunked

MAX_APART = 120
"""Minutes: doors and show time, or a listing a little off, are within two hours."""
TITLE_AGREES = 90
"""rapidfuzz token-sort ratio from which two titles name the same show."""
_NOISE = re.compile(r"[^\w\s]+")


def day_prefix(venue_id: str, day: str) -> str:
    """Return the start of the natural keys of a venue's events on a day."""
    return KEY_SEPARATOR.join((venue_id, day, ""))


def load_same_days(slots: Iterable[tuple[str, str]]) -> list[Node]:
    """Return the events at these (venue id, day) pairs, locked like the builder's.

    One key range per run of nearby days at a venue (``day_spans``), 50 ranges a
    query: the (label, key) index finds them, and the ORM builds a small statement.
    A batch of a few changed shows spread over the calendar reads those days, not
    every event between its first and last day (ten times the batch, when a tenth of
    a feed changed). Events of days in a span that are not wanted are dropped here.
    """
    wanted = set(slots)
    events = Node.objects.select_for_update()  # the label is in each range's term
    if connection.vendor == "postgresql":
        # Compared byte by byte: a locale's collation may skip the separators.
        events = events.alias(bytewise=Collate("key", "C"))
        field = "bytewise"
    else:
        field = "key"  # SQLite and libSQL compare text bytewise already
    found: list[Node] = []
    for chunk in chunked(day_spans(wanted), 50):
        where = Q()
        for venue_id, first, last in chunk:
            start, end = day_prefix(venue_id, first), day_prefix(venue_id, last)
            end = end[:-1] + chr(ord(end[-1]) + 1)  # just past the last day's keys
            # The label in each term lets SQLite seek each range on the (label, key)
            # index; outside the OR it scanned every event.
            where |= Q(label="event", **{f"{field}__gte": start, f"{field}__lt": end})
        found += (
            e
            for e in events.filter(where).order_by("pk")
            if (e.data["venue_id"], e.data["day"]) in wanted
        )
    return found


SPAN_GAP = 2
"""Days: wanted days at most this far apart are read as one key range."""


def day_spans(slots: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Return (venue id, first day, last day) ranges covering these (venue id, day) pairs.

    Days of a venue closer than ``SPAN_GAP`` join one range: a batch of consecutive
    days is one range, a day here and there are ranges of their own.
    """
    spans: list[tuple[str, str, str]] = []
    for venue_id, day in sorted(set(slots)):
        if spans and spans[-1][0] == venue_id and _days_apart(spans[-1][2], day) <= SPAN_GAP:
            spans[-1] = (venue_id, spans[-1][1], day)
        else:
            spans.append((venue_id, day, day))
    return spans


def _days_apart(first: str, last: str) -> int:
    try:
        return (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days
    except ValueError:  # not a calendar day: a range of its own
        return SPAN_GAP + 1


def same_show(data: dict[str, Any], source: str, title: str, time: str | None, lineup: list[str]):
    """Return why a show (of ``source``) is the event of ``data``, or None if it is not.

    ``data`` is an event at the show's venue on its day, at another start time.
    """
    reports = list(data.get("reports", {}).values())
    if not reports or any(r["source"] == source for r in reports):
        return None
    theirs = data.get("start_time")
    if apart(theirs, time) > MAX_APART:
        return None
    when = f"times {theirs or 'TBA'} and {time or 'TBA'}"
    billed = ev.billing(data)
    if lineup and billed:
        shared = len(set(lineup) & set(billed))
        if shared * 2 >= min(len(lineup), len(billed)):
            return (
                f"the same show: lineups share {shared} of {min(len(lineup), len(billed))}, {when}"
            )
        return None
    agreement = fuzz.token_sort_ratio(_plain(title), _plain(data.get("title", "")))
    if agreement >= TITLE_AGREES:
        return f"the same show: titles agree ({agreement:.0f}/100), {when}"
    return None


def takes_slot(data: dict[str, Any], source: str, time: str | None) -> bool:
    """Whether the event of ``data`` moves to the time a joining show of ``source`` gives.

    It does when it had no time (a time to be announced is announced), or when the
    source outranks every report it has (the venue's own show time over a listing's
    doors), as its other fields follow the highest-ranked source.
    """
    if time is None:
        return False
    if data.get("start_time") is None:
        return True
    return ev.rank(source) < min(ev.rank(r["source"]) for r in data["reports"].values())


def apart(one: str | None, other: str | None) -> int:
    """Return how many minutes apart two start times are (0 when one is unknown)."""
    if not one or not other:
        return 0
    return abs(_minutes(one) - _minutes(other))


def _plain(title: str) -> str:
    return _NOISE.sub(" ", title.casefold())


def _minutes(time: str) -> int:
    hours, minutes = time.split(":")
    return int(hours) * 60 + int(minutes)


def why(joined: dict[str, str]) -> dict[str, str]:
    """Return the record fields that tell why items joined an event at another time."""
    if not joined:
        return {}
    return {"reason": "; ".join(f"raw item {raw}: {why}" for raw, why in joined.items())}
