"""Bandsintown: the Seattle city page's coming shows, as JSON-LD ``MusicEvent``s.

``https://www.bandsintown.com/c/seattle-wa`` embeds its shows as a JSON-LD list of
``MusicEvent`` (each with its ``location`` Place and ``performer``s). The event shape
is the one admiralbolt/sms read from Bandsintown's event pages
(``jsonLdContainer.eventJsonLd``); that the city page lists them together is assumed.
The page shows a selection of the city's shows, not every show of its days.
"""

from __future__ import annotations

from ingest.platforms.jsonld import JsonLdEvents


class Bandsintown(JsonLdEvents):
    name = "bandsintown"
    title = "Bandsintown (Seattle)"
    sample = "bandsintown.html"
    platform = "Bandsintown, schema.org JSON-LD"
    category = "aggregator"
    page_url = "https://www.bandsintown.com/c/seattle-wa"
    whole_window = False
