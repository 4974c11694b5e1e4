"""Benchmark: a blue_moon run of 6,000 events against the floor of what it must write.

Generates a Blue Moon feed of 6,000 events over 3,000 days with 2,500 distinct artists,
runs `manage.py run blue_moon --from FEED` into a fresh embedded database, runs it again
unchanged, and prints both times (and their SQL statement counts) beside
../shared/bench/floor.py's time on the same feed.

    python bench/pipeline.py [--events 6000] [--days 3000] [--artists 2500]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = ROOT.parent / "shared" / "bench" / "floor.py"

ADJECTIVES = """Acid Amber Atomic Bad Black Blue Broken Burning Cheap Cosmic Crimson Crystal Dead
Distant Electric Empty Feral Final Golden Gutter Hollow Iron Jagged Last Liquid Lonely Lost Lucky
Midnight Neon Northern Pale Paper Plastic Quiet Rain Rusty Salt Savage Silver Sleepy Static Stone
Strange Sugar Tender Velvet Wild Wooden Young""".split()
NOUNS = """Anchors Arrows Bats Bells Birds Bones Cassettes Cats Circles Clouds Comets Coyotes
Crowns Daggers Dreams Engines Feathers Foxes Ghosts Giants Hearts Horses Knives Lanterns Lights
Lungs Machines Mirrors Moths Needles Oceans Owls Pilots Planets Pumps Rivers Saints Sharks Shadows
Sirens Snakes Sparrows Stones Storms Teeth Tigers Veins Wolves Wires Wrens Yards""".split()


def artist_names(count: int) -> list[str]:
    names = [f"{a} {n}" for a, n in itertools.product(ADJECTIVES, NOUNS)]
    if count > len(names):
        raise SystemExit(f"at most {len(names)} distinct artists")
    return names[:count]


def feed(events: int, days: int, artists: int) -> dict:
    """A Blue Moon feed: ``events`` shows spread over ``days`` days, three acts each."""
    names = artist_names(artists)
    per_day = -(-events // days)
    first = dt.date(2027, 1, 1)
    by_day: dict[str, list[dict]] = {}
    for i in range(events):
        day = first + dt.timedelta(days=i // per_day)
        hour = 18 + 3 * (i % per_day)
        acts = [names[(3 * i + k) % len(names)] for k in range(3)]
        by_day.setdefault(day.isoformat(), []).append(
            {
                "id": f"bench{i:06d}",
                "title": f"{acts[0]} w/ {acts[1]}, {acts[2]}",
                "startDate": f"{day.isoformat()}T{hour:02d}:00:00-08:00",
                "endDate": f"{day.isoformat()}T{hour + 2:02d}:30:00-08:00",
                "allDay": False,
                "summary": "$10 at the door. 21+",
                "location": "Blue Moon Tavern, 712 NE 45th St, Seattle, WA 98105, USA",
            }
        )
    return {"eventsByDates": by_day}


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return took, done.stdout


def statements(feed_path: Path, env: dict[str, str]) -> int:
    """Count the SQL statements of one more run, in a process of its own."""
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "from django.core.management import call_command\n"
        "import io\n"
        "with CaptureQueriesContext(connection) as q:\n"
        f"    call_command('run', 'blue_moon', '--from', {str(feed_path)!r},\n"
        "                 '--since', '2000-01-01', stdout=io.StringIO())\n"
        "print(len(q))\n"
    )
    _, out = timed(
        [sys.executable, "-c", code], {**env, "DJANGO_SETTINGS_MODULE": "sms_project.settings"}
    )
    return int(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=6000)
    parser.add_argument("--days", type=int, default=3000)
    parser.add_argument("--artists", type=int, default=2500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        feed_path = Path(tmp) / "blue_moon.json"
        feed_path.write_text(json.dumps(feed(args.events, args.days, args.artists)))
        floor, _ = timed(
            [sys.executable, str(FLOOR), str(feed_path), f"{tmp}/floor.sqlite3"], dict(os.environ)
        )
        floor_reported = float(_.strip()) if _.strip() else floor
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LIBSQL_URL"}},
            "SQLITE_PATH": f"{tmp}/bench.sqlite3",
            "PYTHONPATH": str(ROOT),
        }
        env.setdefault("SECRET_KEY", "bench")
        manage = [sys.executable, str(ROOT / "manage.py")]
        timed([*manage, "migrate", "--verbosity", "0"], env)
        run = [*manage, "run", "blue_moon", "--from", str(feed_path), "--since", "2000-01-01"]
        first, _ = timed(run, env)
        repeat, _ = timed(run, env)
        repeat_statements = statements(feed_path, env)
        fresh = {**env, "SQLITE_PATH": f"{tmp}/counted.sqlite3"}
        timed([*manage, "migrate", "--verbosity", "0"], fresh)
        first_statements = statements(feed_path, fresh)
    print(f"pipeline: {args.events:,} events over {args.days:,} days, {args.artists:,} artists")
    print(f"  floor.py (plain sqlite3)           {floor_reported:7.3f} s")
    for name, took in (("fresh database", first), ("unchanged repeat", repeat)):
        label = f"manage.py run, {name}"
        print(f"  {label:<34} {took:7.3f} s  ({took / floor_reported:4.1f}x floor)")
    print(f"  SQL statements, fresh database     {first_statements:7d}  (batches of 500 items)")
    print(f"  SQL statements, unchanged repeat   {repeat_statements:7d}")


if __name__ == "__main__":
    main()
