"""Every page costs a fixed number of queries, whatever the size of the data.

Each page is measured on a small graph, then again after the graph (and the nodes
the page is about) grew several times over: the count must not move.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from graph.models import Node

pytestmark = pytest.mark.django_db


class World:
    """A venue, an artist, an event and a raw item that the pages look at, and growth."""

    def __init__(self, graph) -> None:
        self.graph = graph
        self.venue = graph.venue("Blue Moon Tavern")
        self.artist = graph.artist("Dead Bars")
        self.raw = graph.raw()
        self.event = graph.event(self.venue, "Focus show", artists=[self.artist], raw=self.raw)
        self.rounds = 0
        self.grow(1)

    def grow(self, size: int) -> None:
        """Add ``size`` of everything, around the focus nodes too."""
        g = self.graph
        self.rounds += 1
        r = self.rounds
        for i in range(size):
            venue = g.venue(f"Venue {r}-{i}", hidden=(i % 3 == 0))
            artist = g.artist(f"Artist {r}-{i}")
            for offset in range(1, 4):
                g.event(venue, f"Show {r}-{i}-{offset}", offset=offset + i, artists=[artist])
            g.event(
                self.venue,
                f"Focus {r}-{i}",
                offset=2 + i,
                start_time=f"{(10 + i) % 24:02d}:{r:02d}",
                artists=[self.artist, artist],
                raw=g.raw(),
            )
            g.event(
                self.venue,
                f"Hidden {r}-{i}",
                offset=3 + i,
                start_time=f"{i % 24:02d}:{30 + r}",
                hidden=True,
            )
        records = []
        for i in range(size * 5):
            records += [
                {
                    "change_type": "create",
                    "summary": f"c{i}",
                    "target": self.event,
                    "kind": "event",
                    "raw_data_id": self.raw.pk,
                },
                g.update_record(self.venue, {"name": "a"}, {"name": f"b{i}"}, kind="venue"),
                {
                    "change_type": "skip",
                    "summary": f"s{i}",
                    "reason": "past",
                    "kind": "raw_data",
                    "raw_data_id": self.raw.pk,
                },
                {"change_type": "error", "summary": f"e{i}", "reason": "bad", "kind": "raw_data"},
            ]
        self.run = g.run(records=records, failed_source=("blue_moon", "HTTP 500"))
        self.ingest = g.run(
            kind="ingest",
            records=[
                {
                    "change_type": "update",
                    "summary": f"i{i}",
                    "target": self.raw,
                    "diff": {"payload.title": {"old": "a", "new": "b"}},
                }
                for i in range(size * 5)
            ],
        )
        for _ in range(size):
            g.run(kind="ingest", sources=["sea_monster"])

    def urls(self) -> dict[str, str]:
        # Records of one bulk write share a timestamp: pick one of a kind, by id.
        records = Node.objects.labelled("carpenter_record").where(change_type="create")
        record = records.order_by("id").first()
        return {
            "home": reverse("dashboard:home"),
            "runs": reverse("dashboard:runs"),
            "runs filtered": reverse("dashboard:runs")
            + "?kind=carpenter&source=blue_moon&status=failed",
            "run": reverse("dashboard:run", args=[self.run.pk]),
            "run by type": reverse("dashboard:run", args=[self.run.pk]) + "?change=update&page=2",
            "ingest run": reverse("dashboard:run", args=[self.ingest.pk]),
            "events": reverse("dashboard:events"),
            "events searched": reverse("dashboard:events")
            + f"?q=focus&venue={self.venue.pk}&hidden=1",
            "venue": reverse("dashboard:venue", args=[self.venue.pk]),
            "artist": reverse("dashboard:artist", args=[self.artist.pk]),
            "event": reverse("dashboard:event", args=[self.event.pk]),
            "raw": reverse("dashboard:raw", args=[self.raw.pk]),
            "healthz": "/healthz",
            "metrics": "/metrics",
            "run progress": reverse("dashboard:run_progress", args=[self.run.pk]),
            "live runs": reverse("dashboard:live_runs"),
            "venues": reverse("dashboard:venues"),
            "venues searched": reverse("dashboard:venues") + "?q=venue&page=2",
            "artists": reverse("dashboard:artists") + "?q=artist",
            "admin nodes": "/admin/graph/node/",
            "admin nodes searched": "/admin/graph/node/?label=event&q=focus",
            "admin edges": "/admin/graph/edge/?relation=hosts",
            "admin venues": "/admin/graph/venue/",
            "admin events": "/admin/graph/event/?when=upcoming",
            "admin artists": "/admin/graph/artist/",
            "admin raw data": "/admin/graph/rawdata/?processed=yes",
            "admin carpenter runs": "/admin/graph/carpenterrun/",
            "admin ingest runs": "/admin/graph/ingestrun/?source=blue_moon",
            "admin carpenter records": "/admin/graph/carpenterrecord/?change_type=update",
            "admin ingest records": "/admin/graph/ingestrecord/",
            "admin venue page": f"/admin/graph/node/{self.venue.pk}/change/",
            "admin event page": f"/admin/graph/event/{self.event.pk}/change/",
            "admin run page": f"/admin/graph/carpenterrun/{self.run.pk}/change/",
            "admin record page": f"/admin/graph/carpenterrecord/{record.pk}/change/",
        }


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_page_query_counts_do_not_grow_with_the_data(admin_client, graph):
    world = World(graph)
    small = world.urls()
    for url in small.values():  # warm caches (content types, ...) before measuring
        admin_client.get(url)
    before = {name: count_queries(admin_client, url) for name, url in small.items()}
    world.grow(12)
    big = world.urls()
    after = {name: count_queries(admin_client, url) for name, url in big.items()}
    assert after == before
    # And the counts are small: a page is a handful of queries, not one per row.
    assert max(before.values()) <= 16, before
