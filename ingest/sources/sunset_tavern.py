"""Sunset Tavern: its shows on DICE (the venue's DICE widget), with a DICE API key."""

from __future__ import annotations

from ingest.items import VenueFacts
from ingest.platforms.dice import Dice


class SunsetTavern(Dice):
    name = "sunset_tavern"
    title = "Sunset Tavern"
    sample = "sunset_tavern.json"
    dice_venue = "Sunset Tavern"
    venue = VenueFacts(
        name="Sunset Tavern",
        address="5433 Ballard Ave NW",
        city="Seattle",
        postal_code="98107",
        latitude=47.668354,
        longitude=-122.385752,
        url="https://sunsettavern.com/",
        aliases=("The Sunset Tavern", "The Sunset"),
    )
