"""Generated responses for tests that need many items (a killed run, the batch size)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


def blue_moon_feed(events: int, days: int, *, first_day: str = "2027-01-01", tag: str = "") -> dict:
    """Return a Blue Moon feed of ``events`` events spread over ``days`` days.

    tag: added to every title, so two feeds with different tags differ in every item.
    """
    start = dt.date.fromisoformat(first_day)
    by_day: dict[str, list[dict]] = {}
    for number in range(events):
        day = start + dt.timedelta(days=number % days)
        hour = 18 + (number // days) % 5
        by_day.setdefault(day.isoformat(), []).append(
            {
                "id": f"generated{number:06d}",
                "title": f"Band {number} w/ Guests {number % 97}{tag}",
                "summary": f"$10 at the door. Show {number}.",
                "description": f"<p>$10 at the door. Show {number}.</p>",
                "location": "Blue Moon Tavern, 712 NE 45th St, Seattle, WA 98105, USA",
                "startDate": f"{day.isoformat()}T{hour:02d}:00:00-08:00",
                "endDate": f"{day.isoformat()}T{hour:02d}:45:00-08:00",
                "allDay": False,
            }
        )
    return {"eventsByDates": by_day}


def write_feed(path: Path, feed: dict) -> Path:
    """Write ``feed`` as JSON to ``path`` and return the path."""
    path.write_text(json.dumps(feed))
    return path
