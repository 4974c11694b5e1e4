"""Small factories for the web tests: venues, artists, events, raw data, runs and records.

Everything is built through the graph API and ``graph.audit.RunLog``, as the pipeline
builds it, so pages are tested on the shapes they will really meet.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django.utils.text import slugify

from graph import search
from graph.audit import RunLog, diff
from graph.models import Edge, Node
from tests.ops.conftest import scheduler_child  # noqa: F401  (the live-progress browser test)
from tests.web.browser import browser  # noqa: F401  (the fixture, for browser tests)

SCRIPT_TITLE = "<script>alert(1)</script><b>x</b>"
ESCAPED_TITLE = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"


def day(offset: int = 0) -> str:
    """Return the local day ``offset`` days from today, as YYYY-MM-DD."""
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


class Graph:
    """Build graph data for a test in a line or two."""

    def __init__(self) -> None:
        self.serial = itertools.count(1)

    def slug(self, name: str) -> str:
        return slugify(name).replace("_", "-").strip("-") or f"x-{next(self.serial)}"

    def venue(self, name: str = "Blue Moon Tavern", **extra: Any) -> Node:
        data = {"name": name, "slug": self.slug(name), "city": "Seattle", **extra}
        return Node.objects.create_node("venue", data)

    def artist(self, name: str = "Dead Bars", **extra: Any) -> Node:
        return Node.objects.create_node("artist", {"name": name, "slug": self.slug(name), **extra})

    def raw(self, source: str = "blue_moon", **extra: Any) -> Node:
        n = next(self.serial)
        now = timezone.now()
        data = {
            "source": source,
            "external_id": f"item-{n}",
            "payload": {"id": n, "title": f"Item {n}"},
            "day": day(n % 30),
            "event_name": f"Item {n}",
            "venue_name": "Blue Moon Tavern",
            "content_hash": f"{n:064x}",
            "processed": True,
            "first_seen": now,
            "last_seen": now,
            **extra,
        }
        return Node.objects.create_node("raw_data", data)

    def event(
        self,
        venue: Node,
        title: str = "A show",
        offset: int = 1,
        start_time: str | None = "20:00",
        artists: Iterable[Node] = (),
        raw: Node | None = None,
        **extra: Any,
    ) -> Node:
        data = {
            "title": title,
            "venue_id": venue.pk,
            "day": day(offset),
            "start_time": start_time,
            "sources": ["blue_moon"],
            **extra,
        }
        event = Node.objects.create_node("event", data)
        links = [(venue, "hosts", event)] + [(a, "performs_at", event) for a in artists]
        if raw is not None:
            links.append((event, "derived_from", raw))
        Edge.objects.bulk_link(links)
        return event

    def run(
        self,
        kind: str = "carpenter",
        sources: Iterable[str] = ("blue_moon",),
        records: Iterable[dict[str, Any]] = (),
        error: str | None = None,
        failed_source: tuple[str, str] | None = None,
    ) -> Node:
        """Record a run with ``records`` (dicts of RunLog.add arguments)."""
        log = RunLog(f"{kind}_run", list(sources), options={"trigger": "command"})
        log.start()
        for record in records:
            record = dict(record)
            log.add(record.pop("change_type"), record.pop("source", "blue_moon"), **record)
        if failed_source:
            log.source_failed(*failed_source)
        return log.finish(error=error)

    def update_record(self, target: Node, old: dict, new: dict, **extra: Any) -> dict[str, Any]:
        """Return the arguments of an update record with a real diff."""
        return {
            "change_type": "update",
            "summary": target.display_name,
            "target": target,
            "diff": diff(old, new),
            **extra,
        }


@pytest.fixture
def graph(db) -> Graph:
    return Graph()


@pytest.fixture
def staff(db):
    """A staff user who is not a superuser: enough for the dashboard."""
    return get_user_model().objects.create_user("operator", password="pw-operator-1", is_staff=True)


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def user_client(db) -> Client:
    """A logged-in user without staff status."""
    user = get_user_model().objects.create_user("visitor", password="pw-visitor-1")
    client = Client()
    client.force_login(user)
    return client


# -- a small city for the public pages and the API: venues, artists, shows, the search index


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
