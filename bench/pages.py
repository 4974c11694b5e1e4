"""Benchmark: the dashboard's and the admin's pages over a large graph.

Builds, in a fresh embedded database: 20 venues with a year of events (15 a day),
artists, raw data, a carpenter run with 10,000 records, and ingest runs with their
records, 100,000 nodes in all. Then renders each page as a logged-in staff user with
Django's test client and prints the median time and the number of queries.

    python bench/pages.py [--nodes 100000,1000000] [--repeat 5]

Both sizes by default (``BENCH_NODES`` or ``--nodes`` picks others), each in a process
of its own; 1,000,000 nodes take a couple of minutes to build.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.embedded import fresh_django  # noqa: E402  (needs ROOT on the path)

VENUES = 20
EVENTS_A_DAY = 15
DAYS = 365
ARTISTS = 3_000
BIG_RUN_RECORDS = 10_000
INGEST_RUNS = 60
TARGET_MS = 300
DEFAULT_NODES = "100000,1000000"


def setup(db_path: str) -> None:
    fresh_django(db_path)
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's host in, as in tests


def build(total_nodes: int) -> dict:
    """Build the graph; return the nodes the measured pages look at."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from graph.audit import RunLog
    from graph.models import Edge, Node

    today = timezone.localdate()
    now = timezone.now()

    def raw_item(source: str, n: int, day: str) -> dict:
        return {
            "source": source,
            "external_id": f"{source}-{n}",
            "payload": {"id": n, "title": f"Show {n}", "venue": f"Venue {n % VENUES}"},
            "day": day,
            "event_name": f"Show {n}",
            "venue_name": f"Venue {n % VENUES}",
            "content_hash": f"{n:064x}",
            "processed": n % 7 != 0,
            "first_seen": now,
            "last_seen": now,
        }

    with transaction.atomic():
        venues = Node.objects.bulk_create_nodes(
            "venue",
            [
                {
                    "name": f"Venue {i}",
                    "slug": f"venue-{i}",
                    "city": "Seattle",
                    "address": f"{100 + i} Pike St",
                }
                for i in range(VENUES)
            ],
        )
        artists = Node.objects.bulk_create_nodes(
            "artist", [{"name": f"Artist {i}", "slug": f"artist-{i}"} for i in range(ARTISTS)]
        )
        days = [(today + dt.timedelta(days=d)).isoformat() for d in range(DAYS)]
        plan = [(d, k) for d in days for k in range(EVENTS_A_DAY)]
        raws = Node.objects.bulk_create_nodes(
            "raw_data", [raw_item("blue_moon", n, d) for n, (d, _) in enumerate(plan)]
        )
        events = Node.objects.bulk_create_nodes(
            "event",
            [
                {
                    "title": f"Artist {n % ARTISTS} w/ Artist {(n * 7) % ARTISTS}",
                    "venue_id": venues[k % VENUES].pk,
                    "day": d,
                    "start_time": f"{12 + k // 2:02d}:{(k % 2) * 30:02d}",
                    "sources": ["blue_moon"],
                    "hidden": n % 97 == 0,
                }
                for n, (d, k) in enumerate(plan)
            ],
        )
        links = []
        for n, event in enumerate(events):
            links.append((venues[plan[n][1] % VENUES], "hosts", event))
            links.append((artists[n % ARTISTS], "performs_at", event))
            links.append((artists[(n * 7) % ARTISTS], "performs_at", event))
            links.append((event, "derived_from", raws[n]))
        Edge.objects.bulk_link(links)

    # The big carpenter run: 10,000 records of every change type.
    log = RunLog("carpenter_run", ["blue_moon"], {"trigger": "command"})
    log.start()
    for i in range(BIG_RUN_RECORDS):
        event = events[i % len(events)]
        kind = i % 20
        if kind < 12:
            log.add(
                "create",
                "blue_moon",
                event.data["title"],
                event,
                kind="event",
                raw_data_id=raws[i % len(raws)].pk,
            )
        elif kind < 18:
            log.add(
                "update",
                "blue_moon",
                event.data["title"],
                event,
                kind="event",
                raw_data_id=raws[i % len(raws)].pk,
                diff={
                    "title": {"old": "Old title", "new": event.data["title"]},
                    "start_time": {"old": None, "new": event.data["start_time"]},
                },
            )
        elif kind == 18:
            log.add(
                "skip",
                "blue_moon",
                f"Item {i}",
                kind="raw_data",
                reason="not a show",
                raw_data_id=raws[i % len(raws)].pk,
            )
        else:
            log.add(
                "error",
                "blue_moon",
                f"Item {i}",
                kind="raw_data",
                reason="day: must be a day as YYYY-MM-DD",
            )
        if len(log.pending) >= 2_000:
            with transaction.atomic():
                log.flush()
    big_run = log.finish()

    # Ingest runs, and raw data of other sources, up to the node total.
    so_far = Node.objects.count()
    per_run = max((total_nodes - so_far) // (INGEST_RUNS * 2), 1)
    for r in range(INGEST_RUNS):
        source = ("sea_monster", "ticketmaster")[r % 2]
        with transaction.atomic():
            items = Node.objects.bulk_create_nodes(
                "raw_data",
                [raw_item(source, r * per_run + i, days[i % DAYS]) for i in range(per_run)],
            )
        log = RunLog("ingest_run", [source], {})
        log.start()
        for item in items:
            log.add(
                "create",
                source,
                item.data["external_id"],
                item,
                external_id=item.data["external_id"],
            )
        log.finish()
    padding = total_nodes - Node.objects.count()
    if padding > 0:
        Node.objects.bulk_create_nodes(
            "artist", [{"name": f"Extra {i}", "slug": f"extra-{i}"} for i in range(padding)]
        )
    return {
        "big_run": big_run,
        "venue": venues[0],
        "artist": artists[0],
        "event": events[len(events) // 2],
        "raw": raws[0],
    }


def measure(focus: dict, repeat: int) -> list[tuple[str, float, int, int]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    user = get_user_model().objects.create_superuser("bench", password="bench-pw-123")
    client = Client()
    client.force_login(user)
    run = focus["big_run"].pk
    pages = {
        "home": reverse("dashboard:home"),
        "runs": reverse("dashboard:runs"),
        "runs, filtered": reverse("dashboard:runs") + "?kind=ingest&source=sea_monster",
        "run (10,000 records)": reverse("dashboard:run", args=[run]),
        "run, updates page 20": reverse("dashboard:run", args=[run]) + "?change=update&page=20",
        "events": reverse("dashboard:events"),
        "events, page 30": reverse("dashboard:events") + "?page=30",
        "events, searched": reverse("dashboard:events") + "?q=artist+12",
        "events, one venue": reverse("dashboard:events") + f"?venue={focus['venue'].pk}",
        "venue": reverse("dashboard:venue", args=[focus["venue"].pk]),
        "artist": reverse("dashboard:artist", args=[focus["artist"].pk]),
        "event": reverse("dashboard:event", args=[focus["event"].pk]),
        "raw data": reverse("dashboard:raw", args=[focus["raw"].pk]),
        "healthz": "/healthz",
        "admin: nodes": "/admin/graph/node/",
        "admin: nodes, searched": "/admin/graph/node/?q=artist+12",
        "admin: events": "/admin/graph/event/",
        "admin: venues": "/admin/graph/venue/",
        "admin: raw data": "/admin/graph/rawdata/",
        "admin: carpenter records": "/admin/graph/carpenterrecord/",
        "admin: the run": f"/admin/graph/carpenterrun/{run}/change/",
        "admin: a venue": f"/admin/graph/node/{focus['venue'].pk}/change/",
    }
    results = []
    for name, url in pages.items():
        client.get(url)  # warm: template loading, content types
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        results.append((name, statistics.median(times) * 1000, len(queries), len(response.content)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--nodes",
        default=os.environ.get("BENCH_NODES", DEFAULT_NODES),
        help=f"graph sizes, comma-separated (default $BENCH_NODES or {DEFAULT_NODES})",
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(n.replace("_", "")) for n in args.nodes.split(",") if n.strip()]
    if len(sizes) > 1:
        # One process per size: Django is set up once per process, on one database.
        for size in sizes:
            command = [sys.executable, __file__, "--nodes", str(size), "--repeat", str(args.repeat)]
            if subprocess.run(command).returncode != 0:
                raise SystemExit(1)
            print()
        return
    measure_size(sizes[0], args.repeat)


def measure_size(nodes: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        setup(os.path.join(tmp, "pages.sqlite3"))
        from django.db.models import Count

        from graph.models import Edge, Node

        started = time.perf_counter()
        focus = build(nodes)
        built = time.perf_counter() - started
        counts = dict(Node.objects.order_by().values_list("label").annotate(n=Count("id")))
        print(
            f"graph: {sum(counts.values()):,} nodes, {Edge.objects.count():,} edges "
            f"(built in {built:.1f} s)"
        )
        print("  " + ", ".join(f"{label} {n:,}" for label, n in sorted(counts.items())))
        results = measure(focus, repeat)
    print(f"\n{'page':<28} {'median ms':>9} {'queries':>8} {'KiB':>6}")
    slow = []
    for name, ms, queries, size in results:
        flag = "" if ms < TARGET_MS else "  <-- over target"
        print(f"{name:<28} {ms:9.1f} {queries:8d} {size / 1024:6.0f}{flag}")
        if ms >= TARGET_MS:
            slow.append(name)
    print(
        f"\ntarget at {nodes:,} nodes: every page under {TARGET_MS} ms: "
        f"{'met' if not slow else 'NOT met'}",
        flush=True,
    )


if __name__ == "__main__":
    main()
