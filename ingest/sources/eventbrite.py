"""Eventbrite: music events in Seattle, from its search pages."""

from __future__ import annotations

from ingest.platforms.eventbrite import Eventbrite


class SeattleEventbrite(Eventbrite):
    name = "eventbrite"
    title = "Eventbrite (Seattle music)"
    sample = "eventbrite.html"
    search_url = "https://www.eventbrite.com/d/wa--seattle/music--events/"
    category = "aggregator"
