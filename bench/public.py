"""Benchmark: the public site, its calendar and the GraphQL API over a large graph.

Builds the graph of ``bench/pages.py`` in a fresh embedded database (20 venues with a
year of events, 15 a day, 100,000 nodes in all), indexes it for search, then asks each
public page, feed and query as an anonymous visitor with Django's test client and
prints the median time and the number of SQL queries, at two sizes of graph (each in
its own process, so each starts cold): the counts must not grow with the data.
``/calendar.ics`` is timed on its first request too (nothing cached yet).

    python bench/public.py [--sizes 20000,100000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import build, setup  # noqa: E402  (needs ROOT on the path)

TARGETS_MS = {
    "/": 50,
    "event page": 50,
    "search": 100,
    "search, one venue": 100,
    "venue page": 50,
    "/calendar.ics, first request": 300,
    "/calendar.ics": 300,
    "GraphQL upcomingEvents(days: 30)": 100,
}
UPCOMING = (
    "{ upcomingEvents(days: 30, limit: 100) { id title day startTime "
    "venue { name slug } artists { name slug } } }"
)


def measure(focus: dict, repeat: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    event = focus["event"].pk
    venue = focus["venue"].data["slug"]
    requests = {
        "/calendar.ics, first request": ("get", "/calendar.ics", None),
        "/calendar.ics": ("get", "/calendar.ics", None),
        "/": ("get", "/", None),
        "/ (30 days)": ("get", "/?days=30", None),
        "event page": ("get", f"/events/{event}/", None),
        "search": ("get", "/?q=artist+12&days=60", None),
        "search, one venue": ("get", f"/?q=artist&venue={venue}&days=60", None),
        "venue page": ("get", f"/venues/{venue}/", None),
        "venues": ("get", "/venues/", None),
        "RSS of new shows": ("get", "/feeds/new.rss", None),
        "GraphQL upcomingEvents(days: 30)": ("post", "/graphql", {"query": UPCOMING}),
    }
    results = []
    for name, (method, url, body) in requests.items():
        times, queries, size = [], 0, 0
        rounds = 1 if name.endswith("first request") else repeat
        if not name.endswith("first request") and name != "/calendar.ics":
            _ask(client, method, url, body)  # warm: templates, the parser caches
        for _ in range(rounds):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = _ask(client, method, url, body)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            queries, size = len(captured), len(response.content)
        results.append(
            {
                "name": name,
                "ms": statistics.median(times) * 1000,
                "queries": queries,
                "kib": size / 1024,
            }
        )
    return results


def _ask(client, method: str, url: str, body: dict | None):
    if method == "post":
        return client.post(url, json.dumps(body), content_type="application/json")
    return client.get(url)


def child(nodes: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        setup(os.path.join(tmp, "public.sqlite3"))
        from graph import search
        from graph.models import Node

        started = time.perf_counter()
        focus = build(nodes)
        built = time.perf_counter() - started
        started = time.perf_counter()
        indexed = search.rebuild()
        index_s = time.perf_counter() - started
        report = {
            "nodes": Node.objects.count(),
            "events": Node.objects.filter(label="event").count(),
            "built_s": built,
            "indexed": indexed,
            "index_s": index_s,
            "results": measure(focus, repeat),
        }
    print(json.dumps(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeat)
        return
    reports = []
    for size in [int(s) for s in args.sizes.split(",")]:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size), "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        report = json.loads(out.strip().splitlines()[-1])
        reports.append(report)
        print(
            f"graph: {report['nodes']:,} nodes, {report['events']:,} events "
            f"(built in {report['built_s']:.1f} s; search index of {report['indexed']:,} "
            f"events built in {report['index_s']:.1f} s)"
        )
    names = [r["name"] for r in reports[0]["results"]]
    head = "".join(
        f" {'ms @' + format(r['nodes'] // 1000, 'd') + 'k':>10} {'queries':>8}" for r in reports
    )
    print(f"\n{'request':<34}{head}  target")
    missed = []
    for i, name in enumerate(names):
        cells = "".join(
            f" {r['results'][i]['ms']:10.1f} {r['results'][i]['queries']:8d}" for r in reports
        )
        target = TARGETS_MS.get(name)
        big = reports[-1]["results"][i]
        flag = ""
        if target and big["ms"] >= target:
            flag, _ = "  <-- over", missed.append(name)
        counts = {r["results"][i]["queries"] for r in reports}
        if len(counts) > 1:
            flag += "  <-- queries grow"
            missed.append(name)
        print(f"{name:<34}{cells}  {'<' + str(target) + ' ms' if target else ''}{flag}")
    print(f"\ntargets (largest graph) and flat query counts: {'met' if not missed else 'NOT met'}")


if __name__ == "__main__":
    main()
