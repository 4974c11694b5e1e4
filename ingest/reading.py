"""Small helpers sources use to read untrusted items: one place for each rule."""

from __future__ import annotations

import contextvars
import datetime as dt
import html
import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from selectolax.lexbor import LexborHTMLParser, LexborNode

from graph.bounds import MAX_ID
from ingest.items import ItemError, ResponseError

_SPACES = re.compile(r"\s+")


def local_zone() -> ZoneInfo:
    """The city's time zone: days and times of shows are local to it."""
    return ZoneInfo(settings.TIME_ZONE)


def json_body(body: bytes, *, want: type = dict) -> Any:
    """Return a response body parsed as JSON of the type ``want``; raise ``ResponseError``."""
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise ResponseError(f"not JSON: {error}") from None
    if not isinstance(value, want):
        kind = "object" if want is dict else "list" if want is list else want.__name__
        raise ResponseError(f"the response is not a JSON {kind}")
    return value


def dig(value: Any, *path: str | int) -> Any:
    """Return ``value[path[0]][path[1]]...``, or None where the shape does not fit."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or not -len(value) <= step < len(value):
                return None
        elif not isinstance(value, dict):
            return None
        value = value[step] if isinstance(step, int) else value.get(step)
    return value


def need(payload: Any, key: str) -> Any:
    """Return ``payload[key]``, or raise ``ItemError("no key")`` when missing or empty."""
    if not isinstance(payload, dict):
        raise ItemError(f"not an object but {type(payload).__name__}")
    value = payload.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ItemError(f"no {key}")
    return value


def text(value: Any, *, field: str = "text") -> str:
    """Return ``value`` as one line of plain text: entities decoded, spaces collapsed."""
    if not isinstance(value, (str, int, float)):
        raise ItemError(f"{field} is not text but {type(value).__name__}")
    return _SPACES.sub(" ", html.unescape(str(value))).strip()


def optional_text(value: Any) -> str | None:
    """Return ``value`` as one line of text when it is a non-empty string, else None."""
    if not isinstance(value, str):
        return None
    return text(value) or None


def node_text(node: LexborNode | None) -> str | None:
    """Return the text of an HTML element as one line (None for no element or no text)."""
    if node is None:
        return None
    return " ".join(node.text(deep=True, separator=" ").split()) or None


def plain(markup: str | None) -> str | None:
    """Return the text of an HTML fragment (tags dropped, paragraphs as new lines)."""
    if not markup:
        return None
    if "<" not in markup:
        return html.unescape(markup).strip() or None
    body = LexborHTMLParser(markup).body
    content = body.text(separator="\n") if body is not None else ""
    lines = (_SPACES.sub(" ", line).strip() for line in content.splitlines())
    return "\n".join(line for line in lines if line) or None


def day_and_time(value: Any, *, field: str = "date") -> tuple[str, str | None]:
    """Read an ISO date or datetime into the city's local day and HH:MM.

    A plain date (an all-day item) has no time. A datetime with an offset is converted
    to local time; one without is taken as local already.
    """
    if not isinstance(value, str):
        raise ItemError(f"{field} is not text")
    raw = value.strip()
    try:
        if len(raw) == 10:
            return dt.date.fromisoformat(raw).isoformat(), None
        moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(local_zone())
    except (ValueError, OverflowError):
        raise ItemError(f"{field} {value!r} does not parse") from None
    return moment.date().isoformat(), clock(moment)


def clock(moment: dt.datetime) -> str:
    """HH:MM of a moment; formatted by hand, as strftime on an aware datetime is slow
    (8 µs, a fifth of reading an item)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def epoch_millis(value: Any, *, field: str = "date") -> tuple[str, str]:
    """Read a moment given as milliseconds since 1970 (UTC) into the local day and HH:MM."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ItemError(f"{field} is not a number of milliseconds")
    try:
        moment = dt.datetime.fromtimestamp(value / 1000, dt.UTC).astimezone(local_zone())
    except (ValueError, OverflowError, OSError):
        raise ItemError(f"{field} {value!r} is out of range") from None
    return moment.date().isoformat(), clock(moment)


def any_time(value: Any, *, field: str = "time") -> str:
    """Read a clock time as venues write it: "8:00 PM", "8pm", "1 p.m.", "20:00", "noon"."""
    raw = text(value, field=field).lower() if value is not None else ""
    if raw in ("noon", "12 noon"):
        return "12:00"
    if raw == "midnight":
        return "00:00"
    if re.search(r"[ap]\.?m\.?$", raw):
        return twelve_hour(raw, field=field)
    return clock_time(raw, field=field)


_RECEIVED_ON: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar(
    "received_on", default=None
)


def received_on() -> dt.date:
    """The day the response being read was received: today, unless a recording says."""
    return _RECEIVED_ON.get() or dt.datetime.now(local_zone()).date()


@contextmanager
def receiving(day: dt.date | str | None) -> Iterator[None]:
    """Read responses as received on ``day`` (a recording's day), within the block."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    token = _RECEIVED_ON.set(day)
    try:
        yield
    finally:
        _RECEIVED_ON.reset(token)


PAST_GRACE_DAYS = 60
"""A year-less date this long before the day received is still this year's (a page may
keep a past show listed for weeks); before that it is next year's."""


def year_for(month: int, day: int, *, field: str = "date") -> str:
    """Return the YYYY-MM-DD a year-less "month, day" on a listing means.

    Listings show the coming weeks: the date is taken in the year of the day the
    response was received, or in the next year when that would be long past (a
    January show listed in December).
    """
    today = received_on()
    for year in (today.year, today.year + 1):
        try:
            when = dt.date(year, month, day)
        except ValueError:
            raise ItemError(f"{field} {month:02d}-{day:02d} is not a day") from None
        if when >= today - dt.timedelta(days=PAST_GRACE_DAYS):
            return when.isoformat()
    return when.isoformat()


def month_number(word: Any, *, field: str = "month") -> int:
    """Return the number of an English month name or abbreviation ("Dec", "Sept", "may")."""
    raw = word.strip().rstrip(".").lower() if isinstance(word, str) else ""
    month = next((n for name, n in MONTHS.items() if len(raw) >= 3 and name.startswith(raw)), None)
    if month is None:
        raise ItemError(f"{field} {word!r} is not a month")
    return month


def twelve_hour(value: str, *, field: str = "time") -> str:
    """Read "9:00 PM", "12:30 AM" or "9pm" into HH:MM (24-hour)."""
    raw = value if isinstance(value, str) else ""
    match = re.fullmatch(r"\s*(\d{1,2})(?::(\d{2}))?\s*([AaPp])\.?[Mm]\.?\s*", raw)
    if not match:
        raise ItemError(f"{field} {value!r} does not parse")
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3].lower()
    if not (1 <= hour <= 12 and minute < 60):
        raise ItemError(f"{field} {value!r} does not parse")
    hour = hour % 12 + (12 if half == "p" else 0)
    return f"{hour:02d}:{minute:02d}"


MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january february march april may june july august september october november december"
        ).split(),
        start=1,
    )
}


def identifier(value: Any, *, field: str = "id") -> str:
    """Return an item's id as text; raise ``ItemError`` when it is missing or unusable.

    Ids become part of the natural key, which the database indexes: a huge one would be
    refused for the whole batch, so it is refused here, for this item alone.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ItemError(f"no {field}" if value is None else f"{field} is not text")
    result = str(value).strip()
    if not result:
        raise ItemError(f"no {field}")
    if len(result) > MAX_ID:
        raise ItemError(f"{field} is longer than {MAX_ID} characters")
    return result


def long_date(value: Any, *, field: str = "date") -> str:
    """Read "May 6, 2024" or "Sept 6, 2024" (English month) into YYYY-MM-DD.

    Month names are matched here rather than by ``strptime("%B")``, which follows the
    process's locale.
    """
    raw = value if isinstance(value, str) else ""
    match = re.fullmatch(r"\s*([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})\s*", raw)
    word = match[1].lower() if match else ""
    month = next((n for name, n in MONTHS.items() if name.startswith(word)), None) if word else None
    if not match or month is None:
        raise ItemError(f"{field} {value!r} does not parse")
    try:
        return dt.date(int(match[3]), month, int(match[2])).isoformat()
    except ValueError:
        raise ItemError(f"{field} {value!r} does not parse") from None


def iso_day(value: Any, *, field: str = "date") -> str:
    """Read a YYYY-MM-DD day; raise ``ItemError`` for anything else (2026-02-30 included)."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ItemError(f"{field} {value!r} does not parse")


def clock_time(value: Any, *, field: str = "time") -> str:
    """Read "20:00" or "20:00:00" into HH:MM; raise ``ItemError`` otherwise."""
    match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?", str(value or ""))
    if not match or not isinstance(value, str):
        raise ItemError(f"{field} {value!r} does not parse")
    return f"{match[1]}:{match[2]}"


def price(value: Any) -> float | None:
    """Return a price as a number ("$15", "15.00", 15), or None when there is none."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        match = re.search(r"\d+(?:\.\d+)?", str(value).replace(",", ""))
        if not match:
            return None
        number = float(match[0])
    return number if math.isfinite(number) and 0 <= number <= 100_000 else None


def prices(*values: Any) -> tuple[float | None, float | None]:
    """Return the lowest and highest of the prices among ``values`` (None when none)."""
    found = [p for p in (price(v) for v in values) if p is not None]
    return (min(found), max(found)) if found else (None, None)


def currency(value: Any) -> str | None:
    """Return an ISO 4217 currency code ("USD"), or None for anything else."""
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        return value.strip().upper()
    return None


def age_limit(value: Any) -> str | None:
    """Return who may come in one spelling: "21+", "18+", "all ages"; None if unsaid."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return "all ages" if value <= 0 else f"{int(value)}+"
    raw = text(value, field="age limit").lower()
    if not raw:
        return None
    if "all ages" in raw or raw in ("aa", "all"):
        return "all ages"
    match = re.search(r"(\d{2})", raw)
    return f"{match[1]}+" if match else raw[:40]


# An age limit said in words: "21+", "21 and over", "18+ only", "All Ages".
_AGE_IN_TEXT = re.compile(
    r"(?<![\w$])(?P<age>1[6-9]|2[01])\s*(?:\+|and over\b|& over\b|and up\b)|\ball[- ]ages\b",
    re.IGNORECASE,
)


def age_in_text(*texts: str | None) -> str | None:
    """Return the age limit the first of ``texts`` that states one states, or None.

    For formats with no field for it: Seattle titles and blurbs say "21+" or "All Ages".
    """
    for value in texts:
        match = _AGE_IN_TEXT.search(value or "")
        if match:
            return f"{match['age']}+" if match["age"] else "all ages"
    return None


CANCELLED, POSTPONED, SCHEDULED = "cancelled", "postponed", "scheduled"


def show_status(value: Any) -> str:
    """Return a show's status from what a source says of it: cancelled, postponed or
    scheduled ("EventCancelled", "CANCELED", "postponed", "rescheduled" ...)."""
    raw = str(value or "").lower()
    if "cancel" in raw:
        return CANCELLED
    if "postpone" in raw:
        return POSTPONED
    return SCHEDULED


def names(values: Any, *, key: str = "name") -> tuple[str, ...]:
    """Return the distinct names in a list of names or of objects with a ``key``."""
    if not isinstance(values, list):
        values = [values] if values else []
    found = (v.get(key) if isinstance(v, dict) else v for v in values)
    cleaned = (text(name) for name in found if isinstance(name, str))
    return tuple(name for name in dict.fromkeys(cleaned) if name)


def web_url(value: Any) -> str | None:
    """Return ``value`` if it is an absolute http(s) URL, else None.

    Scraped links end up in pages: a ``javascript:`` or relative one is dropped here.
    """
    if isinstance(value, str) and re.match(r"https?://[^\s/]+", value.strip(), re.IGNORECASE):
        return value.strip()
    return None


def coordinate(value: Any, *, limit: float) -> float | None:
    """Return a latitude (limit 90) or longitude (limit 180) as a float, or None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -limit <= number <= limit else None


def storable(value: Any) -> Any:
    """Return a JSON value every engine can store.

    PostgreSQL's jsonb refuses ``\\u0000`` and unpaired surrogates, and SQLite's JSON
    functions refuse NaN and Infinity (which Python's json module reads); one such item
    would fail its whole batch. Characters become U+FFFD, numbers their name as text.
    Everything else is kept as received.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return str(value).replace("inf", "Infinity").replace("nan", "NaN")
    if isinstance(value, str):
        if value.isascii() and "\x00" not in value:
            return value
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    return value


# json.loads joins valid surrogate pairs, so any surrogate left in a string is unpaired.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
