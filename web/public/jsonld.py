"""schema.org ``MusicEvent`` data for an event page, as JSON safe inside a <script>.

Scraped text lands in it (titles, names, addresses), so it is serialised with every
``<``, ``>`` and ``&`` escaped as a JSON unicode escape: a title holding ``</script>``
or ``<!--`` stays a string and cannot end or comment out the block.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from web.public.queries import Show

_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
# JSON allows these two line separators raw; old JavaScript parsers did not.
_ESCAPES.update({0x2028: "\\u2028", 0x2029: "\\u2029"})

STATUS = {
    "cancelled": "https://schema.org/EventCancelled",
    "scheduled": "https://schema.org/EventScheduled",
}


def music_event(show: Show, page_url: str, artist_url: Any) -> dict[str, Any]:
    """Return the schema.org MusicEvent of a show; ``artist_url(artist)`` links a performer."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MusicEvent",
        "name": show.title,
        "url": page_url,
        "eventStatus": STATUS.get(show.data.get("status", "scheduled"), STATUS["scheduled"]),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    }
    if show.starts is not None:
        data["startDate"] = _iso(show.starts)
    if show.ends is not None:
        data["endDate"] = _iso(show.ends)
    if show.venue is not None:
        venue = show.venue.data
        address = {
            "@type": "PostalAddress",
            "streetAddress": venue.get("address"),
            "addressLocality": venue.get("city") or "Seattle",
            "postalCode": venue.get("postal_code"),
            "addressRegion": "WA",
            "addressCountry": "US",
        }
        place: dict[str, Any] = {
            "@type": "Place",
            "name": venue.get("name"),
            "address": {k: v for k, v in address.items() if v},
        }
        if venue.get("latitude") is not None and venue.get("longitude") is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": venue["latitude"],
                "longitude": venue["longitude"],
            }
        data["location"] = place
    if show.artists:
        data["performer"] = [
            {"@type": "MusicGroup", "name": a.data.get("name"), "url": artist_url(a)}
            for a in show.artists
        ]
    if show.image_url:
        data["image"] = [show.image_url]
    if show.data.get("description"):
        data["description"] = str(show.data["description"])[:1000]
    offer = _offer(show)
    if offer:
        data["offers"] = offer
    return data


def _offer(show: Show) -> dict[str, Any] | None:
    low, high = show.data.get("price_low"), show.data.get("price_high")
    if show.ticket_url is None and low is None:
        return None
    offer: dict[str, Any] = {"@type": "Offer", "url": show.ticket_url}
    if low is not None or high is not None:
        offer["priceCurrency"] = show.data.get("currency") or "USD"
        if high is not None and low is not None and high != low:
            offer["@type"] = "AggregateOffer"
            offer["lowPrice"], offer["highPrice"] = low, high
        else:
            offer["price"] = low if low is not None else high
    if show.cancelled:
        offer["availability"] = "https://schema.org/Discontinued"
    return {k: v for k, v in offer.items() if v is not None}


def _iso(moment: dt.datetime | dt.date) -> str:
    return moment.isoformat()


def script_json(data: dict[str, Any]) -> SafeString:
    """Return ``data`` as JSON that can sit inside <script>...</script> unchanged."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))  # noqa: S308
