"""``/metrics``: Prometheus text, from the graph and the runs, plus the site's requests.

The graph's numbers are read at each scrape from the database (``graph.totals`` and two
counts: four queries whatever the size of the data), so they are right whichever
process ran what: the scheduler, a ``manage.py run`` by hand, another machine. What a
finished run counts never changes, so each web process keeps the totals of runs settled
long ago and reads only the newly settled and the unsettled ones at a scrape. Request
metrics come from django-prometheus's middleware, per web process (with
``PROMETHEUS_MULTIPROC_DIR`` set, summed over gunicorn's workers).

Who may read it: with ``METRICS_TOKEN`` set, a request bearing
``Authorization: Bearer <token>``; without it, only the loopback address (a request that
came through a proxy, with ``X-Forwarded-For``, is not taken for local).
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import os
import threading
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from graph.expressions import JSONText
from graph.labels import Label
from graph.models import Node
from graph.totals import RunTotal, finished_between, merged, run_totals, unsettled
from ingest.sources import SOURCES

# Run durations, in seconds: a small venue page takes well under a second, a paged
# ticketing API a minute or more.
DURATION_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)


# A run counts as settled this long after its last change: far longer than any
# transaction that finishes a run, so none can still commit before it.
SETTLE = dt.timedelta(minutes=5)


class SettledTotals:
    """The totals of runs settled long ago, kept by this process and added to."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        """Start again from nothing (after a restore, or between tests)."""
        self.until: dt.datetime | None = None
        self.totals: list[RunTotal] = []

    def read(self, now: dt.datetime) -> list[RunTotal]:
        """Return the totals of every run: the kept ones plus what changed since (two queries)."""
        cut = now - SETTLE
        with self.lock:
            if self.until is None or cut > self.until:
                newly = run_totals(DURATION_BUCKETS, finished_between(self.until, cut))
                self.totals, self.until = merged(self.totals, newly), cut
            kept, until = self.totals, self.until
        return merged(kept, run_totals(DURATION_BUCKETS, unsettled(until)))


SETTLED = SettledTotals()


class GraphCollector(Collector):
    """Yield the sms_* metrics from the database, read when collected."""

    def collect(self) -> Iterator:
        runs = CounterMetricFamily(
            "sms_runs",
            "Finished runs by kind, source and the source's outcome.",
            labels=["kind", "source", "status"],
        )
        running = GaugeMetricFamily(
            "sms_runs_in_progress",
            "Runs at work now, by kind and source.",
            labels=["kind", "source"],
        )
        items = CounterMetricFamily(
            "sms_items",
            "Items and nodes handled by runs, by change type.",
            labels=["kind", "source", "change_type"],
        )
        duration = HistogramMetricFamily(
            "sms_run_duration_seconds",
            "Time each source took in a finished run.",
            labels=["kind", "source"],
        )
        fresh = GaugeMetricFamily(
            "sms_last_success_timestamp_seconds",
            "When the source's latest successful run finished (Unix time).",
            labels=["kind", "source"],
        )
        counted: dict[tuple[str, str, str], int] = {}
        timing: dict[tuple[str, str], list] = {}
        last: dict[tuple[str, str], float] = {}
        for total in SETTLED.read(timezone.now()):
            pair = (total.kind, total.source)
            if total.status == "running":
                running.add_metric([total.kind, total.source], total.runs)
            else:
                runs.add_metric([total.kind, total.source, total.status], total.runs)
            for change, count in total.items.items():
                counted[(*pair, change)] = counted.get((*pair, change), 0) + count
            spent = timing.setdefault(pair, [0.0, 0, [0] * len(DURATION_BUCKETS)])
            spent[0] += total.seconds
            spent[1] += total.timed
            spent[2] = [a + b for a, b in zip(spent[2], total.within, strict=True)]
            if total.last_success is not None:
                last[pair] = max(last.get(pair, 0.0), total.last_success.timestamp())
        for labels, count in sorted(counted.items()):
            items.add_metric(list(labels), count)
        for (kind, source), (seconds, count, within) in sorted(timing.items()):
            buckets = [(f"{b:g}", n) for b, n in zip(DURATION_BUCKETS, within, strict=True)]
            duration.add_metric([kind, source], [*buckets, ("+Inf", count)], seconds)
        for (kind, source), when in sorted(last.items()):
            fresh.add_metric([kind, source], when)
        yield from (runs, running, items, duration, fresh, _unprocessed(), _nodes())


def _unprocessed() -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(
        "sms_unprocessed_raw_data",
        "Raw items the carpenter has not yet turned into the graph, by source.",
        labels=["source"],
    )
    waiting = (
        Node.objects.labelled(Label.RAW_DATA)
        .where(processed=False)
        .annotate(source=JSONText("data", "source"))
        .order_by()
        .values("source")
        .annotate(n=Count("id"))
        .values_list("source", "n")
    )
    counts = dict(waiting)
    for name in sorted(set(SOURCES) | set(counts)):
        gauge.add_metric([str(name)], counts.get(name, 0))
    return gauge


def _nodes() -> GaugeMetricFamily:
    gauge = GaugeMetricFamily("sms_nodes", "Nodes in the graph, by label.", labels=["label"])
    by_label = Node.objects.order_by().values("label").annotate(n=Count("id"))
    counts = dict(by_label.values_list("label", "n"))
    for label in Label.values:
        gauge.add_metric([label], counts.get(label, 0))
    return gauge


def allowed(request: HttpRequest) -> tuple[bool, int]:
    """Return whether ``request`` may read the metrics, and the status to refuse it with."""
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        ok = hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
        return ok, 401
    if "X-Forwarded-For" in request.headers:
        return False, 403
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback, 403
    except ValueError:
        return False, 403


def process_registry() -> CollectorRegistry:
    """Return the registry of this web process's own metrics (all workers' when multiprocess)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Answer a scrape: the graph's metrics, then the process's."""
    ok, refusal = allowed(request)
    if not ok:
        response = HttpResponse(
            "metrics: set METRICS_TOKEN and send it as a Bearer token, or ask from this machine\n",
            status=refusal,
            content_type="text/plain",
        )
        if refusal == 401:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    graph = CollectorRegistry(auto_describe=False)
    graph.register(GraphCollector())
    body = generate_latest(graph) + generate_latest(process_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
