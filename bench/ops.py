"""Benchmark: retention over a year of runs, and backup and restore at 100,000 nodes.

1. A year of hourly runs of every source (an ingest and a carpenter run per source per
   hour, a few records each, as the scheduler makes them), with raw data and events in
   a fresh embedded database. Prints the time of a /metrics scrape over it, then
   ``prune --older-than 90``: its time, and the file's size before, after, and after
   VACUUM (SQLite reuses freed pages; VACUUM gives them back to the disk).
2. A graph of 100,000 nodes: ``backup`` (time, size) and ``restore`` into an empty file
   (time, with the check against the manifest).

    python bench/ops.py [--days 365] [--records 3] [--nodes 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.embedded import fresh_django  # noqa: E402  (needs ROOT on the path)

RAW_PER_SOURCE = 1_000


def mb(path: Path) -> str:
    size = path.stat().st_size + sum(
        p.stat().st_size for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
    )
    return f"{size / 1e6:.1f} MB"


def build_year(days: int, records: int) -> int:
    """Build a year of hourly runs of every source; return how many runs."""
    from django.db import connection, transaction
    from django.utils import timezone

    from graph.labels import Label
    from graph.models import Edge, Node
    from ingest.sources import SOURCES

    now = timezone.now()
    targets = {}
    for source in SOURCES:
        slug = source.replace("_", "-")
        venue = Node.objects.create_node("venue", {"name": f"Venue of {source}", "slug": slug})
        raws = Node.objects.bulk_create_nodes(
            "raw_data",
            [
                {
                    "source": source,
                    "external_id": f"{source}-{n}",
                    "payload": {"id": n},
                    "day": (now.date() - dt.timedelta(days=n % days)).isoformat(),
                    "content_hash": f"{n:064x}",
                    "processed": True,
                    "first_seen": now - dt.timedelta(days=days),
                    # Half seen lately, half not since the year began.
                    "last_seen": now if n % 2 else now - dt.timedelta(days=days),
                }
                for n in range(RAW_PER_SOURCE)
            ],
        )
        # Events derive from a third of the raw data, old or recent.
        events = Node.objects.bulk_create_nodes(
            "event",
            [
                {
                    "title": f"Show {n}",
                    "venue_id": venue.pk,
                    "day": raw.data["day"],
                    # raw n is on day n % days: n // days tells its shows apart
                    "start_time": f"{3 * n // days // 60 % 24:02d}:{3 * n // days % 60:02d}",
                }
                for n, raw in enumerate(raws[::3])
            ],
        )
        Edge.objects.bulk_link(
            [(venue, "hosts", e) for e in events]
            + [(e, "derived_from", r) for e, r in zip(events, raws[::3], strict=True)]
        )
        targets[source] = (raws, events)

    runs = 0
    for day in range(days):
        with transaction.atomic():
            run_rows, record_rows, links = [], [], []
            for hour in range(24):
                started = now - dt.timedelta(days=day, hours=hour)
                for source, (raws, events) in targets.items():
                    for label, changed in ((Label.INGEST_RUN, raws), (Label.CARPENTER_RUN, events)):
                        run_rows.append(
                            (
                                label,
                                started,
                                {
                                    "sources": [source],
                                    "options": {"trigger": "schedule"},
                                    "status": "succeeded",
                                    "started_at": started,
                                    "finished_at": started + dt.timedelta(seconds=2),
                                    "counts": {"update": records, "noop": 100},
                                    "per_source": {
                                        source: {
                                            "updated": records,
                                            "unchanged": 100,
                                            "seconds": 2.0,
                                            "status": "succeeded",
                                        }
                                    },
                                },
                                [
                                    changed[(day * 24 + hour + i) % len(changed)]
                                    for i in range(records)
                                ],
                            )
                        )
            made = {}
            for label in (Label.INGEST_RUN, Label.CARPENTER_RUN):
                mine = [row for row in run_rows if row[0] == label]
                nodes = Node.objects.bulk_create_nodes(label, [row[2] for row in mine])
                made[label] = list(zip(nodes, mine, strict=True))
            for label, pairs in made.items():
                record_label = "ingest_record" if label == Label.INGEST_RUN else "carpenter_record"
                extra = {} if label == Label.INGEST_RUN else {"kind": "event"}
                datas, owners = [], []
                for node, (_, started, data, changed) in pairs:
                    for target in changed:
                        datas.append(
                            {
                                "change_type": "update",
                                "source": data["sources"][0],
                                "summary": target.display_name,
                                "at": started,
                                "diff": {"title": {"old": "A", "new": "B"}},
                                **extra,
                            }
                        )
                        owners.append((node, target))
                recs = Node.objects.bulk_create_nodes(record_label, datas)
                for rec, (node, target) in zip(recs, owners, strict=True):
                    links.append((node, "has_record", rec))
                    links.append((rec, "changed", target))
                record_rows.extend(recs)
            Edge.objects.bulk_link(links)
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE nodes SET created_at = %s, updated_at = %s WHERE id = %s",
                    [
                        (started, started + dt.timedelta(seconds=2), node.pk)
                        for pairs in made.values()
                        for node, (_, started, _, _) in pairs
                    ],
                )
            runs += len(run_rows)
    return runs


def year_of_runs(days: int, records: int) -> None:
    from django.db import connection
    from prometheus_client import CollectorRegistry, generate_latest

    from graph.models import Node
    from graph.prune import prune
    from web.metrics import GraphCollector

    path = Path(connection.settings_dict["NAME"])
    started = time.perf_counter()
    runs = build_year(days, records)
    nodes = Node.objects.count()
    print(f"built {runs:,} runs, {nodes:,} nodes in {time.perf_counter() - started:.0f} s")

    registry = CollectorRegistry(auto_describe=False)
    registry.register(GraphCollector())
    took = []
    for _ in range(3):
        started = time.perf_counter()
        generate_latest(registry)
        took.append(1000 * (time.perf_counter() - started))
    print(
        f"/metrics over {runs:,} runs: {took[0]:.0f} ms the first scrape of a process "
        f"(every run read), then {min(took[1:]):.0f} ms (only runs changed lately)"
    )

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = mb(path)
    started = time.perf_counter()
    report = prune(older_than_days=90)
    took = time.perf_counter() - started
    print(f"prune --older-than 90: {took:.1f} s; {report.summary}")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    after = mb(path)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(
        f"database: {before} before, {after} after the prune, {mb(path)} after VACUUM "
        f"({time.perf_counter() - started:.1f} s); {Node.objects.count():,} nodes left"
    )


def backup_and_restore(total: int, work: Path) -> None:
    from django.db import connection, connections

    from graph.backup import backup, restore
    from graph.models import Edge, Node

    venue = Node.objects.create_node("venue", {"name": "The Showbox", "slug": "the-showbox"})
    per = (total - 1) // 2
    raws = Node.objects.bulk_create_nodes(
        "raw_data",
        [
            {
                "source": "blue_moon",
                "external_id": f"b{n}",
                "payload": {"id": n, "title": f"Show {n}"},
                "day": "2027-01-01",
                "content_hash": f"{n:064x}",
                "first_seen": "2026-01-01T00:00:00Z",
                "last_seen": "2026-01-01T00:00:00Z",
            }
            for n in range(per)
        ],
    )
    events = Node.objects.bulk_create_nodes(
        "event",
        [
            {
                "title": f"Show {n}",
                "venue_id": venue.pk,
                "day": (dt.date(2027, 1, 1) + dt.timedelta(days=n // 1440)).isoformat(),
                "start_time": f"{n % 1440 // 60:02d}:{n % 60:02d}",
            }
            for n in range(total - 1 - per)
        ],
    )
    Edge.objects.bulk_link(
        [(venue, "hosts", e) for e in events]
        + [(e, "derived_from", r) for e, r in zip(events, raws, strict=False)]
    )
    print(f"graph: {Node.objects.count():,} nodes, {Edge.objects.count():,} edges")

    started = time.perf_counter()
    made = backup(work / "backup.tar.gz")
    print(f"backup: {time.perf_counter() - started:.1f} s, {made.size / 1e6:.1f} MB compressed")

    connections.close_all()
    connection.settings_dict["NAME"] = str(work / "restored.sqlite3")
    started = time.perf_counter()
    restore(made.path)
    print(f"restore into an empty file, checked: {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--records", type=int, default=3, help="records per run")
    parser.add_argument("--nodes", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        fresh_django(str(work / "year.sqlite3"))
        print("== a year of hourly runs of every source")
        year_of_runs(args.days, args.records)
        from django.core.management import call_command
        from django.db import connection, connections

        connections.close_all()
        connection.settings_dict["NAME"] = str(work / "graph.sqlite3")
        call_command("migrate", verbosity=0)
        print(f"== backup and restore at {args.nodes:,} nodes")
        backup_and_restore(args.nodes, work)
    os.environ.pop("SQLITE_PATH", None)


if __name__ == "__main__":
    main()
