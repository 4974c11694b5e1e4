"""Small helpers sources use to read untrusted items: one place for each rule."""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from selectolax.lexbor import LexborHTMLParser

from ingest.items import ItemError

_SPACES = re.compile(r"\s+")


def local_zone() -> ZoneInfo:
    """The city's time zone: days and times of shows are local to it."""
    return ZoneInfo(settings.TIME_ZONE)


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
    except ValueError:
        raise ItemError(f"{field} {value!r} does not parse") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(local_zone())
    return moment.date().isoformat(), moment.strftime("%H:%M")


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
MAX_ID_LENGTH = 200


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
    if len(result) > MAX_ID_LENGTH:
        raise ItemError(f"{field} is longer than {MAX_ID_LENGTH} characters")
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
