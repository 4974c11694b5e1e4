"""High Dive: its shows on Tixr (group 749, the client key its pages send)."""

from __future__ import annotations

from ingest.items import VenueFacts
from ingest.platforms.tixr import Tixr


class HighDive(Tixr):
    name = "high_dive"
    title = "High Dive"
    sample = "high_dive.json"
    group_id = 749
    client_key = "MTU1OA=="
    venue = VenueFacts(
        name="High Dive",
        address="513 N 36th St",
        city="Seattle",
        postal_code="98103",
        latitude=47.651493,
        longitude=-122.351473,
        url="https://highdiveseattle.com/",
        aliases=("The High Dive",),
    )
