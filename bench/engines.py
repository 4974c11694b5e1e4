"""Benchmark: the same pipeline run on the three engines, side by side.

Generates one Blue Moon feed (bench/pipeline.py's generator), then on each engine
migrates a fresh database and times `manage.py run blue_moon --from FEED` into it,
then the same run again unchanged, then reads 2,000 events with their venue and artist
edges through the ORM (what the event lists do). Engines:

- embedded: the SQLite file default (Python's sqlite3);
- libSQL: `LIBSQL_URL=file:...`, Turso's libsql driver on a local file;
- PostgreSQL: postgres://postgres@127.0.0.1:5432/sms_bench_engines (dropped and
  created afresh; skipped with a note when no server answers).

    python bench/engines.py [--events 3000] [--days 1500] [--artists 2500]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pipeline import ROOT, feed, timed  # noqa: E402

PG_URL = "postgres://postgres@127.0.0.1:5432/sms_bench_engines"
ENGINE_VARIABLES = {"DATABASE_URL", "LIBSQL_URL", "SQLITE_PATH"} | {
    name for name in os.environ if name.startswith("LIBSQL_")
}
READ = (
    "import django, time; django.setup()\n"
    "from graph.models import Node, Edge\n"
    "t = time.perf_counter()\n"
    "events = list(Node.objects.filter(label='event').order_by('data__day')[:2000])\n"
    "ids = [e.pk for e in events]\n"
    "edges = list(Edge.objects.filter(target_id__in=ids, relation__in=['hosts', 'performs_at'])"
    ".select_related('source'))\n"
    "print(time.perf_counter() - t)\n"
)


def fresh_postgres() -> str | None:
    """Drop and create the benchmark database; None when no PostgreSQL answers."""
    try:
        import psycopg

        with psycopg.connect(
            "postgres://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
        ) as pg:
            pg.execute("DROP DATABASE IF EXISTS sms_bench_engines WITH (FORCE)")
            pg.execute("CREATE DATABASE sms_bench_engines")
    except Exception as exc:  # noqa: BLE001  (any failure: say so and go on)
        print(f"  PostgreSQL skipped: {str(exc).splitlines()[0]}")
        return None
    return PG_URL


def measure(variables: dict[str, str], feed_path: Path) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k not in ENGINE_VARIABLES}
    env.update(variables, PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="sms_project.settings")
    env.setdefault("SECRET_KEY", "bench")
    manage = [sys.executable, str(ROOT / "manage.py")]
    timed([*manage, "migrate", "--verbosity", "0"], env)
    run = [*manage, "run", "blue_moon", "--from", str(feed_path), "--since", "2000-01-01"]
    fresh, _ = timed(run, env)
    repeat, _ = timed(run, env)
    _, out = timed([sys.executable, "-c", READ], env)
    return {"fresh": fresh, "repeat": repeat, "read": float(out.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--days", type=int, default=1500)
    parser.add_argument("--artists", type=int, default=2500)
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    print(f"engines: {args.events:,} events over {args.days:,} days, {args.artists:,} artists")
    with tempfile.TemporaryDirectory() as tmp:
        feed_path = Path(tmp) / "blue_moon.json"
        feed_path.write_text(json.dumps(feed(args.events, args.days, args.artists)))
        results["embedded"] = measure({"SQLITE_PATH": f"{tmp}/embedded.sqlite3"}, feed_path)
        results["libSQL file"] = measure({"LIBSQL_URL": f"file:{tmp}/libsql.sqlite3"}, feed_path)
        if url := fresh_postgres():
            results["PostgreSQL"] = measure({"DATABASE_URL": url}, feed_path)
    names = list(results)
    print(f"  {'':<30}" + "".join(f"{name:>14}" for name in names))
    for key, label in (
        ("fresh", "run, fresh database"),
        ("repeat", "run, unchanged repeat"),
        ("read", "read 2,000 events + edges"),
    ):
        print(f"  {label + ' (s)':<30}" + "".join(f"{results[n][key]:14.3f}" for n in names))


if __name__ == "__main__":
    main()
