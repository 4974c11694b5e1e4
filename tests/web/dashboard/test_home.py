"""The home page: counts per label, each source's last runs and error, the chart."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def home(client) -> str:
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_an_empty_graph_reads_well(staff_client):
    page = home(staff_client)
    assert "No runs yet" in page
    assert "never run" in page  # the configured sources are listed anyway


def test_counts_per_label(staff_client, graph):
    venue = graph.venue()
    graph.event(venue, offset=1)
    graph.event(venue, offset=2, start_time="21:00")
    graph.event(venue, offset=30)  # not this week
    page = home(staff_client)
    response = staff_client.get(reverse("dashboard:home"))
    counts = {label: n for label, _, n in response.context["data"].label_counts}
    assert counts["venue"] == 1
    assert counts["event"] == 3
    assert counts["artist"] == 0
    assert response.context["data"].upcoming_week == 2
    assert "shows in the next 7 days" in page


def test_each_source_shows_its_last_runs_and_last_error(staff_client, graph):
    raw = graph.raw()
    graph.run(
        kind="ingest",
        records=[{"change_type": "create", "summary": "item", "target": raw}],
        failed_source=("blue_moon", "HTTP 502 from bluemoon.example"),
    )
    newer_ingest = graph.run(kind="ingest")
    carpenter = graph.run(kind="carpenter", sources=["blue_moon", "sea_monster"])
    page = home(staff_client)
    data = staff_client.get(reverse("dashboard:home")).context["data"]
    sources = {s.name: s for s in data.sources}
    assert sources["blue_moon"].ingest.node.pk == newer_ingest.pk
    assert sources["blue_moon"].carpenter.node.pk == carpenter.pk
    assert sources["blue_moon"].last_error == "HTTP 502 from bluemoon.example"
    assert sources["sea_monster"].ingest is None
    assert "HTTP 502 from bluemoon.example" in page
    assert reverse("dashboard:run", args=[newer_ingest.pk]) in page


def test_chart_of_changes_per_run(staff_client, graph):
    venue = graph.venue()
    records = [{"change_type": "create", "summary": "s", "target": venue, "kind": "venue"}] * 3
    run = graph.run(
        records=records
        + [{"change_type": "error", "summary": "e", "reason": "r", "kind": "raw_data"}]
    )
    for _ in range(35):
        graph.run(kind="ingest")
    page = home(staff_client)
    svg = page[page.index("<svg") : page.index("</svg>")]
    # The 30 most recent runs, each with an accessible title and a link to its page.
    assert svg.count('<g class="bar') == 30
    assert svg.count("<title") == 31  # the chart's own title and one per bar
    assert reverse("dashboard:run", args=[run.pk]) not in svg  # older than the last 30
    assert "https://" not in page.replace("http://www.w3.org", "")  # nothing from a CDN


def test_chart_draws_stacked_segments(graph):
    from web.dashboard.charts import changes_chart
    from web.dashboard.queries import recent_runs

    venue = graph.venue()
    graph.run(
        records=[{"change_type": "create", "summary": "s", "target": venue, "kind": "venue"}] * 4
        + [{"change_type": "error", "summary": "e", "reason": "r", "kind": "raw_data"}]
    )
    chart = changes_chart(recent_runs())
    (bar,) = chart.bars
    assert [s.series for s in bar.segments] == ["create", "error"]
    assert bar.segments[0].height > bar.segments[1].height
    assert "4 created, 0 updated, 1 errors" in bar.title
