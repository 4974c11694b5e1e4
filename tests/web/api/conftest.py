"""A small city for the public pages: venues, artists, shows, and the search index."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from graph import search
from graph.models import Node


@dataclass
class City:
    """The nodes of the small city, by what the tests call them."""

    moon: Node
    neumos: Node
    secret_venue: Node
    dead_bars: Node
    tacocat: Node
    tonight: Node
    tomorrow: Node
    next_month: Node
    cancelled: Node
    hidden: Node
    at_secret_venue: Node
    past: Node


@pytest.fixture
def city(graph) -> City:
    moon = graph.venue(
        "Blue Moon Tavern", address="712 NE 45th St", neighbourhood="University District"
    )
    neumos = graph.venue("Neumos", address="925 E Pike St", neighbourhood="Capitol Hill")
    secret_venue = graph.venue("Secret Loft", neighbourhood="Capitol Hill", hidden=True)
    dead_bars, tacocat = graph.artist("Dead Bars"), graph.artist("Tacocat")
    reports = {
        "r1": {"source": "blue_moon", "lineup": ["tacocat", "dead-bars"], "title": "Tacocat"},
    }
    city = City(
        moon=moon,
        neumos=neumos,
        secret_venue=secret_venue,
        dead_bars=dead_bars,
        tacocat=tacocat,
        tonight=graph.event(
            moon,
            "Tacocat w/ Dead Bars",
            offset=0,
            start_time="21:00",
            artists=[dead_bars, tacocat],
            reports=reports,
            price_low=12,
            price_high=15,
            currency="USD",
            ticket_url="https://tickets.example/tacocat",
        ),
        tomorrow=graph.event(neumos, "Karaoke-free rock night", offset=1, start_time="20:00"),
        next_month=graph.event(neumos, "Winter Ball", offset=30, start_time=None),
        cancelled=graph.event(moon, "Called Off Quartet", offset=2, status="cancelled"),
        hidden=graph.event(moon, "Hush Hush Session", offset=1, start_time="19:00", hidden=True),
        at_secret_venue=graph.event(secret_venue, "Loft Secret Party", offset=1),
        past=graph.event(moon, "Last Week's Gig", offset=-7, artists=[dead_bars]),
    )
    search.rebuild()
    return city
