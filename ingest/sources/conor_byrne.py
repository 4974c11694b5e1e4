"""Conor Byrne Pub: its calendar, a VenuePilot account (194)."""

from __future__ import annotations

from ingest.items import VenueFacts
from ingest.platforms.venuepilot import VenuePilot


class ConorByrne(VenuePilot):
    name = "conor_byrne"
    title = "Conor Byrne Pub"
    sample = "conor_byrne.json"
    account_id = 194
    venue = VenueFacts(
        name="Conor Byrne Pub",
        address="5140 Ballard Ave NW",
        city="Seattle",
        postal_code="98107",
        latitude=47.665134,
        longitude=-122.382608,
        url="https://www.conorbyrnepub.com/",
        aliases=("Conor Byrne", "Conor Byrne's"),
    )
