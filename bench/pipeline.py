"""Benchmark: blue_moon runs at several sizes against the floor of what they must write.

For each size, generates a Blue Moon feed (two shows a day, three acts each, 2,500
distinct artists) and times whole ``manage.py run blue_moon --from FEED`` commands in
child processes, beside ../shared/bench/floor.py (plain sqlite3 writing what such a
run must write) on the same feed:

- first run: into a fresh embedded database;
- unchanged repeat: the same feed again;
- 10% changed: a feed where every tenth show's title changed (its acts in another order).

Each time is the minimum of ``--repeat`` runs (this machine is shared: single runs are
noisy). Then the database file's size against the floor's (after a WAL checkpoint), and
each first run's peak memory (its own high-water RSS, VmHWM).

The sizes are 6,000 and 30,000 events by default; ``--sizes`` or the ``BENCH_SIZES``
variable picks others (``BENCH_SIZES=6000,30000,120000 make bench`` for city scale).
A response's item cap (``graph.bounds.MAX_ITEMS_PER_RESPONSE``) and a source's byte cap
are raised in the measured process for the feed's size; nothing else differs from
``manage.py run``.

    python bench/pipeline.py [--sizes 6000,30000] [--repeat 3] [--artists 2500]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = ROOT.parent / "shared" / "bench" / "floor.py"
DEFAULT_SIZES = "6000,30000"

ADJECTIVES = """Acid Amber Atomic Bad Black Blue Broken Burning Cheap Cosmic Crimson Crystal Dead
Distant Electric Empty Feral Final Golden Gutter Hollow Iron Jagged Last Liquid Lonely Lost Lucky
Midnight Neon Northern Pale Paper Plastic Quiet Rain Rusty Salt Savage Silver Sleepy Static Stone
Strange Sugar Tender Velvet Wild Wooden Young""".split()
NOUNS = """Anchors Arrows Bats Bells Birds Bones Cassettes Cats Circles Clouds Comets Coyotes
Crowns Daggers Dreams Engines Feathers Foxes Ghosts Giants Hearts Horses Knives Lanterns Lights
Lungs Machines Mirrors Moths Needles Oceans Owls Pilots Planets Pumps Rivers Saints Sharks Shadows
Sirens Snakes Sparrows Stones Storms Teeth Tigers Veins Wolves Wires Wrens Yards""".split()

# The measured process: manage.py run with the response caps raised for the feed, then
# its peak memory on the last line of stderr.
RUNNER = """
import os, resource, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sms_project.settings")
import django
django.setup()
from ingest import ingester
from ingest.sources.base import Source
ingester.MAX_ITEMS_PER_RESPONSE = max(ingester.MAX_ITEMS_PER_RESPONSE, int(sys.argv[1]))
Source.max_bytes = max(Source.max_bytes, int(sys.argv[2]))
from django.core.management import execute_from_command_line
try:
    execute_from_command_line(
        ["manage.py", "run", "blue_moon", "--from", sys.argv[3], "--since", "2000-01-01"]
    )
finally:
    # VmHWM: this program's own peak. ru_maxrss also counts the parent's peak before
    # the exec (Linux carries it over), and the parent built the feed in memory.
    try:
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("maxrss_kib", peak, file=sys.stderr)
"""


def artist_names(count: int) -> list[str]:
    names = [f"{a} {n}" for a, n in itertools.product(ADJECTIVES, NOUNS)]
    if count > len(names):
        raise SystemExit(f"at most {len(names)} distinct artists")
    return names[:count]


def feed(events: int, days: int | None = None, artists: int = 2500, changed: bool = False) -> dict:
    """A Blue Moon feed: ``events`` shows over ``days`` days (default: two shows a day,
    18:00 and 21:00), three acts each.

    changed: every tenth show's title lists its first two acts the other way round.
    """
    names = artist_names(artists)
    per_day = -(-events // days) if days else 2
    first = dt.date(2027, 1, 1)
    by_day: dict[str, list[dict]] = {}
    for i in range(events):
        day = (first + dt.timedelta(days=i // per_day)).isoformat()
        hour = 18 + 3 * (i % per_day)
        acts = [names[(3 * i + k) % len(names)] for k in range(3)]
        if changed and i % 10 == 0:
            acts[0], acts[1] = acts[1], acts[0]
        by_day.setdefault(day, []).append(
            {
                "id": f"bench{i:06d}",
                "title": f"{acts[0]} w/ {acts[1]}, {acts[2]}",
                "startDate": f"{day}T{hour:02d}:00:00-08:00",
                "endDate": f"{day}T{hour + 2:02d}:30:00-08:00",
                "allDay": False,
                "summary": "$10 at the door. 21+",
                "location": "Blue Moon Tavern, 712 NE 45th St, Seattle, WA 98105, USA",
            }
        )
    return {"eventsByDates": by_day}


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run a command to its end; its seconds and stdout."""
    took, out, _ = run(command, env)
    return took, out


def run(command: list[str], env: dict[str, str]) -> tuple[float, str, str]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed:\n{done.stdout}\n{done.stderr}")
    return took, done.stdout, done.stderr


def checkpointed_size(path: Path) -> int:
    """The database file's size with its write-ahead log folded in."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


class Size:
    """The measurements of one feed size."""

    def __init__(self, events: int, artists: int, repeat: int, tmp: Path, template: Path) -> None:
        self.events, self.repeat, self.tmp, self.template = events, repeat, tmp, template
        self.feed = tmp / f"feed-{events}.json"
        self.changed_feed = tmp / f"feed-{events}-changed.json"
        self.feed.write_text(json.dumps(feed(events, artists=artists)))
        self.changed_feed.write_text(json.dumps(feed(events, artists=artists, changed=True)))
        base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LIBSQL_URL"}}
        self.env = {**base, "PYTHONPATH": str(ROOT), "SECRET_KEY": "bench-" + "x" * 50}

    def floor(self) -> tuple[float, int]:
        """Min of the floor's own reported times; its file's size."""
        times = []
        for r in range(self.repeat):
            path = self.tmp / f"floor-{self.events}-{r}.sqlite3"
            _, out, _ = run([sys.executable, str(FLOOR), str(self.feed), str(path)], self.env)
            times.append(float(out.strip()))
        return min(times), checkpointed_size(path)

    def command(self, db: Path, feed_path: Path) -> tuple[float, int]:
        """One measured run into ``db``: seconds and peak memory in KiB."""
        cap = str(self.events)
        size = str(feed_path.stat().st_size)
        took, _, err = run(
            [sys.executable, "-c", RUNNER, cap, size, str(feed_path)],
            {**self.env, "SQLITE_PATH": str(db)},
        )
        rss = int(err.strip().splitlines()[-1].split()[-1])
        return took, rss

    def measure(self) -> dict:
        floor, floor_size = self.floor()
        firsts, memory, dbs = [], [], []
        for r in range(self.repeat):
            db = self.tmp / f"run-{self.events}-{r}.sqlite3"
            shutil.copy(self.template, db)
            took, rss = self.command(db, self.feed)
            firsts.append(took)
            memory.append(rss)
            dbs.append(db)
        size = checkpointed_size(dbs[-1])
        repeats = [self.command(dbs[0], self.feed)[0] for _ in range(self.repeat)]
        # Alternate the two feeds: each run finds a tenth of the titles changed.
        changes = [
            self.command(dbs[0], self.changed_feed if r % 2 == 0 else self.feed)[0]
            for r in range(self.repeat)
        ]
        for db in dbs:
            for path in db.parent.glob(db.name + "*"):
                path.unlink()
        return {
            "events": self.events,
            "floor": floor,
            "first": min(firsts),
            "repeat": min(repeats),
            "changed": min(changes),
            "size": size,
            "floor_size": floor_size,
            "memory": min(memory),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=os.environ.get("BENCH_SIZES", DEFAULT_SIZES),
        help=f"events per feed, comma-separated (default $BENCH_SIZES or {DEFAULT_SIZES})",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the min is kept")
    parser.add_argument("--artists", type=int, default=2500)
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    results = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        template = tmp / "migrated.sqlite3"
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LIBSQL_URL"}}
        env.update(SQLITE_PATH=str(template), SECRET_KEY="bench-" + "x" * 50)
        run([sys.executable, str(ROOT / "manage.py"), "migrate", "--verbosity", "0"], env)
        checkpointed_size(template)
        for events in sizes:
            results.append(Size(events, args.artists, args.repeat, tmp, template).measure())

    print(
        f"pipeline: manage.py run blue_moon --from FEED vs floor.py, min of {args.repeat} "
        "runs each (a shared machine: noisy)"
    )
    print(
        f"{'events':>8} {'floor s':>8} {'first run':>16} {'unchanged repeat':>18} "
        f"{'10% changed':>16} {'first µs/event':>15}"
    )
    for r in results:
        f = r["floor"]

        def cell(seconds: float, width: int, floor: float = f) -> str:
            return f"{seconds:7.2f} s ({seconds / floor:4.2f}x)".rjust(width)

        print(
            f"{r['events']:>8,} {f:8.2f} {cell(r['first'], 16)} {cell(r['repeat'], 18)} "
            f"{cell(r['changed'], 16)} {r['first'] / r['events'] * 1e6:15.0f}"
        )
    print("\ndatabase file after the first run (WAL checkpointed), against the floor's")
    for r in results:
        ratio = r["size"] / r["floor_size"]
        print(
            f"{r['events']:>8,} events: {r['size'] / 2**20:7.1f} MiB vs "
            f"{r['floor_size'] / 2**20:6.1f} MiB ({ratio:4.2f}x floor)"
        )
    print("\nrun memory (peak RSS of the first run)")
    smallest = results[0]
    for r in results:
        ratio = r["memory"] / smallest["memory"]
        print(
            f"{r['events']:>8,} events: {r['memory'] / 1024:7.1f} MiB "
            f"({ratio:4.2f}x the {smallest['events']:,}-event run)"
        )


if __name__ == "__main__":
    main()
