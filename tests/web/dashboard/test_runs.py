"""The runs list: both kinds together, filtered by kind, source and status, paginated."""

import pytest
from django.urls import reverse

from web.dashboard.queries import RUNS_PER_PAGE

pytestmark = pytest.mark.django_db


def listed(client, **query) -> list[str]:
    response = client.get(reverse("dashboard:runs"), query)
    assert response.status_code == 200
    return [run.node.pk for run in response.context["runs"]]


def test_lists_both_kinds_newest_first(staff_client, graph):
    ingest = graph.run(kind="ingest")
    carpenter = graph.run(kind="carpenter")
    assert listed(staff_client) == [carpenter.pk, ingest.pk]
    page = staff_client.get(reverse("dashboard:runs")).content.decode()
    assert "ingest" in page and "carpenter" in page
    assert "badge-succeeded" in page


def test_filters(staff_client, graph):
    ingest = graph.run(kind="ingest", sources=["blue_moon"])
    both = graph.run(kind="carpenter", sources=["blue_moon", "sea_monster"])
    failed = graph.run(kind="carpenter", sources=["sea_monster"], error="database is locked")
    assert listed(staff_client, kind="ingest") == [ingest.pk]
    assert listed(staff_client, kind="carpenter") == [failed.pk, both.pk]
    assert listed(staff_client, source="blue_moon") == [both.pk, ingest.pk]
    assert listed(staff_client, source="sea_monster", status="failed") == [failed.pk]
    assert listed(staff_client, status="succeeded", kind="carpenter") == [both.pk]
    # Unknown values are ignored, not trusted.
    assert len(listed(staff_client, kind="<b>", source="a'b", status="x")) == 3


def test_paginated(staff_client, graph):
    for _ in range(RUNS_PER_PAGE + 3):
        graph.run(kind="ingest")
    assert len(listed(staff_client)) == RUNS_PER_PAGE
    assert len(listed(staff_client, page=2)) == 3
    page = staff_client.get(reverse("dashboard:runs"), {"kind": "ingest"}).content.decode()
    assert "?kind=ingest&amp;page=2" in page
