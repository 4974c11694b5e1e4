"""Neumos: its site's events list, on the ``events_ajax`` platform."""

from __future__ import annotations

from ingest.items import VenueFacts
from ingest.platforms.events_ajax import EventsAjax


class Neumos(EventsAjax):
    name = "neumos"
    title = "Neumos"
    sample = "neumos.html"
    site = "https://www.neumos.com"
    venue = VenueFacts(
        name="Neumos",
        address="925 E Pike St",
        city="Seattle",
        postal_code="98122",
        latitude=47.614155,
        longitude=-122.319634,
        url="https://www.neumos.com/",
        aliases=("Neumo's",),
    )
