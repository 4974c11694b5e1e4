"""Barboza: its site's events list, on the ``events_ajax`` platform (below Neumos)."""

from __future__ import annotations

from ingest.items import VenueFacts
from ingest.platforms.events_ajax import EventsAjax


class Barboza(EventsAjax):
    name = "barboza"
    title = "Barboza"
    sample = "barboza.html"
    site = "https://www.thebarboza.com"
    venue = VenueFacts(
        name="Barboza",
        address="925 E Pike St",
        city="Seattle",
        postal_code="98122",
        latitude=47.614098,
        longitude=-122.319568,
        url="https://www.thebarboza.com/",
        aliases=("The Barboza",),
    )
