"""Benchmark: 10,000 nodes and 20,000 edges through the graph's bulk API.

Writes them into a fresh embedded database, then does the same inserts with plain
sqlite3 executemany into an equivalent schema, and prints both times.

    python bench/graph_bulk.py [--nodes 10000] [--edges 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.embedded import fresh_django  # noqa: E402  (needs ROOT on the path)


def graph_items(n_nodes: int, n_edges: int):
    venues = [{"name": f"Venue {i}", "slug": f"venue-{i}"} for i in range(n_nodes // 10)]
    events = [
        {
            "title": f"Show {i}",
            "venue_id": "",
            "day": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "start_time": f"{18 + i % 5}:00",
        }
        for i in range(n_nodes - len(venues))
    ]
    return venues, events, n_edges


def bench_api(db_path: str, n_nodes: int, n_edges: int) -> float:
    fresh_django(db_path)
    from django.db import transaction

    from graph.models import Edge, Node

    venues, events, _ = graph_items(n_nodes, n_edges)
    start = time.perf_counter()
    with transaction.atomic():
        venue_nodes = Node.objects.bulk_create_nodes("venue", venues)
        for i, event in enumerate(events):
            event["venue_id"] = venue_nodes[i % len(venue_nodes)].pk
        event_nodes = Node.objects.bulk_create_nodes("event", events)
        links = []
        for i in range(n_edges):
            event = event_nodes[i % len(event_nodes)]
            venue = venue_nodes[(i // len(event_nodes) + i) % len(venue_nodes)]
            links.append((venue, "hosts", event))
        Edge.objects.bulk_link(links)
    return time.perf_counter() - start


def bench_sqlite(db_path: str, n_nodes: int, n_edges: int) -> float:
    db = sqlite3.connect(db_path)
    db.executescript(
        """
        PRAGMA journal_mode=WAL;
        CREATE TABLE nodes (id TEXT PRIMARY KEY, label TEXT NOT NULL, data TEXT NOT NULL,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE edges (id TEXT PRIMARY KEY, source_id TEXT NOT NULL REFERENCES nodes(id),
            target_id TEXT NOT NULL REFERENCES nodes(id), relation TEXT NOT NULL, data TEXT,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE INDEX nodes_label ON nodes(label);
        CREATE INDEX edges_src ON edges(source_id, relation);
        CREATE INDEX edges_tgt ON edges(target_id, relation);
        """
    )
    venues, events, _ = graph_items(n_nodes, n_edges)
    now = "2026-01-01 00:00:00"
    start = time.perf_counter()
    venue_ids = [str(uuid.uuid4()) for _ in venues]
    event_ids = [str(uuid.uuid4()) for _ in events]
    rows = [(i, "venue", json.dumps(v), now, now) for i, v in zip(venue_ids, venues, strict=True)]
    for i, event in enumerate(events):
        event["venue_id"] = venue_ids[i % len(venue_ids)]
    rows += [(i, "event", json.dumps(e), now, now) for i, e in zip(event_ids, events, strict=True)]
    edges = []
    for i in range(n_edges):
        edges.append(
            (
                str(uuid.uuid4()),
                venue_ids[(i // len(event_ids) + i) % len(venue_ids)],
                event_ids[i % len(event_ids)],
                "hosts",
                None,
                now,
                now,
            )
        )
    with db:
        db.executemany("INSERT INTO nodes VALUES (?,?,?,?,?)", rows)
        db.executemany("INSERT INTO edges VALUES (?,?,?,?,?,?,?)", edges)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--edges", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain = bench_sqlite(os.path.join(tmp, "plain.sqlite3"), args.nodes, args.edges)
        api = bench_api(os.path.join(tmp, "api.sqlite3"), args.nodes, args.edges)
    print(f"graph bulk API: {args.nodes:,} nodes + {args.edges:,} edges")
    print(f"  bulk API (embedded engine) {api:8.3f} s")
    print(f"  plain sqlite3 executemany  {plain:8.3f} s")
    print(f"  ratio                      {api / plain:8.2f} x")


if __name__ == "__main__":
    main()
