"""The Royal Room: its WordPress site's listings (WP Event Manager)."""

from __future__ import annotations

from ingest.items import VenueFacts
from ingest.platforms.wp_event_manager import WpEventManager


class RoyalRoom(WpEventManager):
    name = "royal_room"
    title = "The Royal Room"
    sample = "royal_room.json"
    site = "https://theroyalroomseattle.com"
    venue = VenueFacts(
        name="The Royal Room",
        address="5000 Rainier Ave S",
        city="Seattle",
        postal_code="98118",
        latitude=47.557292,
        longitude=-122.284608,
        url="https://theroyalroomseattle.com/",
        aliases=("Royal Room",),
    )
