"""What a source's parser produces: items, the show each describes, and bad items.

These are the one vocabulary between the ingester (which stores items as raw data) and
the carpenter (which asks the source to read a stored item again and builds venues,
artists and events from the ``Show``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from graph import bounds


@dataclass(frozen=True, slots=True)
class VenueFacts:
    """A venue as a source describes it.

    name: the venue's name as the source spells it.
    address, city, postal_code: where it is, when the source says.
    latitude, longitude: degrees, when the source says.
    url: the venue's own site, when known.
    aliases: other names the venue goes by.
    """

    name: str
    address: str | None = None
    city: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    url: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Show:
    """What one item says about one show, read by its source.

    title: the show's title as the source states it (untrusted text).
    day: local day, YYYY-MM-DD.
    start_time: local start time HH:MM; None for an all-day item or an unknown time.
    end_time: local end time HH:MM when stated.
    description: free text (untrusted).
    url: the show's page or ticket link.
    image_url: a poster or photo.
    venue: where it is, for multi-venue sources; None means the source's own venue.
    artists: the performers when the source lists them; None means "not listed" (the
        carpenter then reads them from the title).
    status: what the source says of the show: "scheduled", "cancelled" or "postponed".
    ticket_url: where to buy tickets, when the source links it apart from ``url``.
    price_low, price_high: the cheapest and dearest ticket, in ``currency``, when stated
        (equal for a single price; 0 for a free show).
    currency: ISO 4217 code of the prices ("USD").
    age_limit: who may come, as the venue states it: "21+", "18+", "all ages".
    genres: the styles the source files the show under, as it names them.
    """

    title: str
    day: str
    start_time: str | None = None
    end_time: str | None = None
    description: str | None = None
    url: str | None = None
    image_url: str | None = None
    venue: VenueFacts | None = None
    artists: tuple[str, ...] | None = None
    status: str = "scheduled"
    ticket_url: str | None = None
    price_low: float | None = None
    price_high: float | None = None
    currency: str | None = None
    age_limit: str | None = None
    genres: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Item:
    """One item of a response.

    external_id: the item's id at the source (unique within the source).
    payload: the item exactly as received (JSON-ready).
    show: what the item says, as the source reads it, within ``graph.bounds``.
    cuts: what reading it cut to fit the bounds, one line each ("title cut to 300
        characters"); kept in the item's ingest record.
    """

    external_id: str
    payload: Any
    show: Show
    cuts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BadItem:
    """An item the source could not understand; the rest of the response goes on.

    reason: one line naming the problem ("no id", "startDate '31/12' does not parse").
    payload: the offending item as received.
    external_id: its id, when it had one.
    """

    reason: str
    payload: Any
    external_id: str | None = None


class ItemError(ValueError):
    """Raised by ``Source.read`` for an item it cannot understand; the message is the reason."""


class ResponseError(ValueError):
    """Raised by ``Source.split`` for a response that cannot be parsed at all."""


def bounded(show: Show) -> tuple[Show, tuple[str, ...]]:
    """Return ``show`` within ``graph.bounds``, and what was cut to get there.

    Texts are cut to their length; a link that is too long is dropped (a cut link is a
    broken one); lists keep their first entries.
    """
    cut = _Cutter()
    changes: dict[str, Any] = {
        "title": cut.text(show.title, bounds.MAX_TITLE, "title"),
        "description": cut.text(show.description, bounds.MAX_DESCRIPTION, "description"),
        "url": cut.link(show.url, "url"),
        "image_url": cut.link(show.image_url, "image url"),
        "ticket_url": cut.link(show.ticket_url, "ticket url"),
        "age_limit": cut.text(show.age_limit, bounds.MAX_AGE_LIMIT, "age limit"),
        "genres": cut.names(show.genres, bounds.MAX_GENRES, "genres", each=bounds.MAX_GENRE),
    }
    if show.artists is not None:
        changes["artists"] = cut.names(show.artists, bounds.MAX_LINEUP, "lineup")
    if show.venue is not None:
        venue = show.venue
        changes["venue"] = replace(
            venue,
            name=cut.text(venue.name, bounds.MAX_NAME, "venue name"),
            address=cut.text(venue.address, bounds.MAX_NAME, "venue address"),
            city=cut.text(venue.city, bounds.MAX_NAME, "venue city"),
            postal_code=cut.text(venue.postal_code, bounds.MAX_NAME, "venue postal code"),
            url=cut.link(venue.url, "venue url"),
            aliases=cut.names(venue.aliases, bounds.MAX_ALIASES, "venue aliases"),
        )
    if not cut.made:
        return show, ()
    return replace(show, **changes), tuple(cut.made)


class _Cutter:
    """Cuts values to their bounds, noting each cut in one line."""

    def __init__(self) -> None:
        self.made: list[str] = []

    def text(self, value: str | None, limit: int, what: str) -> Any:
        if not isinstance(value, str) or len(value) <= limit:
            return value
        self.made.append(f"{what} cut to {limit} characters (of {len(value)})")
        return bounds.cut(value, limit)

    def link(self, value: str | None, what: str) -> str | None:
        if not isinstance(value, str) or len(value) <= bounds.MAX_URL:
            return value
        self.made.append(f"{what} dropped: longer than {bounds.MAX_URL} characters")
        return None

    def names(
        self, value: tuple[str, ...], limit: int, what: str, *, each: int = bounds.MAX_NAME
    ) -> tuple[str, ...]:
        if len(value) > limit:
            self.made.append(f"{what} cut to {limit} (of {len(value)})")
            value = value[:limit]
        return tuple(self.text(name, each, f"a name in the {what}") for name in value)
