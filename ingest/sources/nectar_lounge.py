"""Nectar Lounge: its shows on Tixr (group 748, the client key its pages send)."""

from __future__ import annotations

from ingest.items import VenueFacts
from ingest.platforms.tixr import Tixr


class NectarLounge(Tixr):
    name = "nectar_lounge"
    title = "Nectar Lounge"
    sample = "nectar_lounge.json"
    group_id = 748
    client_key = "MTU1OQ=="
    venue = VenueFacts(
        name="Nectar Lounge",
        address="412 N 36th St",
        city="Seattle",
        postal_code="98103",
        latitude=47.651827,
        longitude=-122.353540,
        url="https://nectarlounge.com/",
        aliases=("Nectar",),
    )
