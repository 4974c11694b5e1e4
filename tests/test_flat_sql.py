"""A run's SQL stays flat as the feed grows: a fixed number of statements per batch.

A whole ``manage.py run`` (ingest, then carpenter) of 4N items costs the statements of a
run of N items plus those of the 3 more batches, first run and unchanged repeat alike:
nothing is done per item, so a city's feed costs the statements of its batches.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.pipeline import feed
from graph.models import Node
from ingest.ingester import BATCH

pytestmark = pytest.mark.django_db(transaction=True)

PER_BATCH = 36
"""Statements one more batch of items adds to a first run at most: the ingest's batch
and the carpenter's (read, write, records, progress)."""


def statements(tmp_path, events: int) -> int:
    path = tmp_path / f"feed-{events}.json"
    path.write_text(json.dumps(feed(events, artists=300)))
    with CaptureQueriesContext(connection) as queries:
        call_command(
            "run", "blue_moon", "--from", str(path), "--since", "2000-01-01", stdout=io.StringIO()
        )
    return len(queries)


def first_and_repeat(tmp_path, events: int) -> tuple[int, int]:
    Node.objects.all().delete()
    first = statements(tmp_path, events)
    return first, statements(tmp_path, events)


def test_each_batch_costs_the_same_statements_whatever_the_feed_size(tmp_path):
    runs = {n: first_and_repeat(tmp_path, n * BATCH) for n in (1, 2, 4)}
    first = {n: counts[0] for n, counts in runs.items()}
    repeat = {n: counts[1] for n, counts in runs.items()}
    # Every batch after the first is alike (all artists are known by then): the
    # statements grow by the same number per batch, whether it is the 2nd or the 4th.
    assert first[4] - first[2] == 2 * (first[2] - first[1]), first
    assert repeat[4] - repeat[2] == 2 * (repeat[2] - repeat[1]), repeat
    assert first[2] - first[1] <= PER_BATCH, first
    assert repeat[1] < first[1], (repeat, first)
