"""Small helpers sources use to read untrusted items: one place for each rule."""

from __future__ import annotations

import datetime as dt
import html
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
    match = re.fullmatch(r"\s*(\d{1,2})(?::(\d{2}))?\s*([AaPp])\.?[Mm]\.?\s*", value or "")
    if not match:
        raise ItemError(f"{field} {value!r} does not parse")
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3].lower()
    if not (1 <= hour <= 12 and minute < 60):
        raise ItemError(f"{field} {value!r} does not parse")
    hour = hour % 12 + (12 if half == "p" else 0)
    return f"{hour:02d}:{minute:02d}"
