"""Benchmark: the whole city offline, and a 17-source fetch against a local mock.

1. ``manage.py run --all --samples --in-memory --since 2000-01-01``: the whole command,
   Python start-up included, every source from its recording into a throwaway
   database (best and worst of three).
2. Every source fetched at once by ``ingest --all`` from a local HTTP server that answers
   each with its recording after a delay (as a distant site would), through the real
   fetcher: robots.txt per host, the pace per host (one request a second unless a
   source allows more), retries off. Reports the wall time beside what one request
   after another would take, and the requests each host got.

    python bench/sources.py [--delay 0.15]
"""

from __future__ import annotations

import argparse
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def city_offline() -> list[float]:
    """Time ``run --all --samples --in-memory`` three times, as a user runs it."""
    env = {**os.environ, "SECRET_KEY": "bench-" + "x" * 50}
    times = []
    for _ in range(3):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "manage.py", "run", "--all", "--samples", "--in-memory",
             "--since", "2000-01-01", "--verbosity", "0"],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        times.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(result.stderr)
    return times


class Recordings(http.server.ThreadingHTTPServer):
    """A local server answering each source's host with its recording, after ``delay``."""

    daemon_threads = True

    def __init__(self, bodies: dict[str, bytes], delay: float) -> None:
        self.bodies, self.delay, self.asked = bodies, delay, Counter()
        super().__init__(("127.0.0.1", 0), _Answer)


class _Answer(http.server.BaseHTTPRequestHandler):
    server: Recordings

    def _answer(self) -> None:
        host = self.headers.get("X-Bench-Host", "")
        self.server.asked[host] += 1
        time.sleep(self.server.delay)
        body = self.server.bodies.get(host) if not self.path.startswith("/robots.txt") else None
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


def fetch_all(delay: float) -> None:
    import httpx

    from ingest.fetch import HttpFetcher, Retries
    from ingest.ingester import ingest
    from ingest.sources import SOURCES

    bodies: dict[str, bytes] = {}
    for source in SOURCES.values():
        host = httpx.URL(source.url()).host
        # Sources sharing a host (Tixr: nectar_lounge, high_dive) get the first recording.
        bodies.setdefault(host, source.sample_path.read_bytes())
    server = Recordings(bodies, delay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    local = f"http://127.0.0.1:{server.server_address[1]}"

    class ToLocal(httpx.AsyncBaseTransport):
        """Send every request to the local server, naming the host it was meant for."""

        def __init__(self) -> None:
            self.inner = httpx.AsyncHTTPTransport()

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            request.headers["X-Bench-Host"] = request.url.host
            request.url = httpx.URL(f"{local}{request.url.raw_path.decode()}")
            return await self.inner.handle_async_request(request)

    from django.conf import settings

    settings.TICKETMASTER_API_KEY = settings.DICE_API_KEY = "bench"
    fetcher = HttpFetcher(transport=ToLocal(), retries=Retries(attempts=1))
    started = time.perf_counter()
    outcome = ingest(list(SOURCES), fetcher=fetcher, lock=False)
    took = time.perf_counter() - started
    server.shutdown()
    failed = {n: s.error for n, s in outcome.log.stats.items() if s.status != "succeeded"}
    requests = sum(server.asked.values())
    print(
        f"17-source fetch against a local mock ({delay * 1000:.0f} ms a response): "
        f"{took:.2f} s for {requests} requests over {len(server.asked)} hosts "
        f"(one after another: {requests * delay:.2f} s); "
        f"most to one host: {max(server.asked.values())}; failed: {failed or 'none'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.15, help="seconds per response")
    args = parser.parse_args()
    times = city_offline()
    print(
        "run --all --samples --in-memory (17 sources, whole command): "
        f"{min(times):.2f}-{max(times):.2f} s"
    )
    with tempfile.TemporaryDirectory() as folder:
        from bench.embedded import fresh_django

        fresh_django(str(Path(folder) / "bench.sqlite3"))
        fetch_all(args.delay)


if __name__ == "__main__":
    main()
