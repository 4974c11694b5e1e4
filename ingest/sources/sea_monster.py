"""Sea Monster Lounge: its tickets page, on Wix Events (``ingest.platforms.wix_events``)."""

from __future__ import annotations

from ingest.items import VenueFacts
from ingest.platforms.wix_events import WixEvents

SITE = "https://www.seamonsterlounge.com"
PAGE_URL = f"{SITE}/buy-tickets-in-advance"


class SeaMonster(WixEvents):
    name = "sea_monster"
    title = "Sea Monster Lounge"
    sample = "sea_monster.html"
    page_url = PAGE_URL
    venue = VenueFacts(
        name="Sea Monster Lounge",
        address="2202 N 45th St",
        city="Seattle",
        postal_code="98103",
        latitude=47.661643,
        longitude=-122.3323207,
        url=f"{SITE}/",
        aliases=("Sea Monster",),
    )
