"""gunicorn's settings for `make serve` (README, "Running it for real").

Sync workers: every page is a handful of queries, and live progress is a small JSON
polled every two seconds, so no request is held open. Request metrics are shared by the
workers through PROMETHEUS_MULTIPROC_DIR (set by `make serve`).
"""

import os

from prometheus_client import multiprocess

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 60
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):
    """Drop a finished worker's live gauges from the shared metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
