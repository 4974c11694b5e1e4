"""A run's page: its summary, its records grouped by change type, diffs field by field."""

import json

import pytest
from django.db import connection
from django.urls import reverse

from web.dashboard.queries import RECORDS_PER_PAGE, RECORDS_PREVIEW

pytestmark = pytest.mark.django_db


def run_page(client, run, **query):
    response = client.get(reverse("dashboard:run", args=[run.pk]), query)
    assert response.status_code == 200
    return response


@pytest.fixture
def carpenter_run(graph):
    venue = graph.venue("Blue Moon Tavern")
    raw = graph.raw(external_id="bm-42")
    event = graph.event(venue, title="Dead Bars w/ Guests", raw=raw)
    records = [
        {
            "change_type": "create",
            "summary": "Blue Moon Tavern: Dead Bars w/ Guests",
            "target": event,
            "kind": "event",
            "raw_data_id": raw.pk,
        },
        graph.update_record(
            venue,
            {"name": "Blue Moon", "address": None},
            {"name": "Blue Moon Tavern", "address": "712 NE 45th St"},
            kind="venue",
            raw_data_id=raw.pk,
        ),
        {
            "change_type": "skip",
            "summary": "Private party",
            "reason": "not a public show",
            "kind": "raw_data",
        },
    ]
    return graph.run(kind="carpenter", records=records), venue, event, raw


def test_summary(staff_client, carpenter_run):
    run, *_ = carpenter_run
    page = run_page(staff_client, run).content.decode()
    assert "Carpenter run" in page
    assert "badge-succeeded" in page
    assert "blue_moon" in page
    assert "by command" in page


def test_records_grouped_by_change_type_with_links(staff_client, carpenter_run):
    run, venue, event, raw = carpenter_run
    response = run_page(staff_client, run)
    groups = {g.change_type: g for g in response.context["data"].groups}
    assert list(groups) == ["update", "create", "skip"]
    assert groups["create"].records[0].target_url == reverse("dashboard:event", args=[event.pk])
    assert groups["create"].records[0].raw_url == reverse("dashboard:raw", args=[raw.pk])
    page = response.content.decode()
    assert reverse("dashboard:venue", args=[venue.pk]) in page
    assert "not a public show" in page


def test_records_store_only_what_they_say_and_show_the_same(staff_client, carpenter_run):
    # A create has no diff and no reason: its stored row leaves them out, not null.
    run, *_ = carpenter_run
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data FROM nodes WHERE label = 'carpenter_record' ORDER BY created_at, id"
        )
        stored = [json.loads(row[0]) for row in cursor.fetchall()]
    create, skip, update = sorted(stored, key=lambda r: r["change_type"])
    assert not {"diff", "reason"} & set(create)
    assert "reason" not in update and update["diff"]
    assert "diff" not in skip and skip["reason"] == "not a public show"
    response = run_page(staff_client, run)
    groups = {g.change_type: g for g in response.context["data"].groups}
    (made,) = groups["create"].records
    assert made.reason is None and made.diff == []
    assert "None" not in response.content.decode()


def test_an_update_diff_is_rendered_field_by_field(staff_client, carpenter_run):
    run, *_ = carpenter_run
    page = run_page(staff_client, run).content.decode()
    diff = page[page.index('<table class="diff">') :]
    diff = diff[: diff.index("</table>")]
    assert "<code>address</code>" in diff
    assert '<td class="old"><span class="none">none</span></td>' in diff
    assert '<td class="new">712 NE 45th St</td>' in diff
    assert '<td class="old">Blue Moon</td>' in diff
    assert '<td class="new">Blue Moon Tavern</td>' in diff


def test_a_deleted_node_leaves_its_summary(staff_client, graph):
    venue = graph.venue("Gone Tavern")
    run = graph.run(
        records=[
            {"change_type": "create", "summary": "Gone Tavern", "target": venue, "kind": "venue"}
        ]
    )
    venue.delete()
    page = run_page(staff_client, run).content.decode()
    assert "Gone Tavern" in page
    assert "deleted since" in page


def test_an_ingest_error_shows_the_item(staff_client, graph):
    run = graph.run(
        kind="ingest",
        records=[
            {
                "change_type": "error",
                "summary": "item without a day",
                "reason": "day: Field required",
                "external_id": "x-1",
                "item": {"title": "No day"},
            }
        ],
    )
    page = run_page(staff_client, run).content.decode()
    assert "day: Field required" in page
    assert "The item as received" in page
    assert "&quot;title&quot;: &quot;No day&quot;" in page


def test_many_records_preview_each_type_then_paginate(staff_client, graph):
    venue = graph.venue()
    records = [
        {"change_type": "create", "summary": f"Show {i}", "target": venue, "kind": "event"}
        for i in range(RECORDS_PER_PAGE + 5)
    ]
    run = graph.run(records=records)
    response = run_page(staff_client, run)
    (group,) = response.context["data"].groups
    assert group.total == RECORDS_PER_PAGE + 5
    assert len(group.records) == RECORDS_PREVIEW
    assert f"All {RECORDS_PER_PAGE + 5} create records" in response.content.decode()
    second = run_page(staff_client, run, change="create", page=2)
    assert len(second.context["data"].groups[0].records) == 5
    assert "?change=create&amp;page=1" in second.content.decode()


def test_unknown_run_is_404(staff_client, graph):
    venue = graph.venue()
    assert staff_client.get(reverse("dashboard:run", args=["nope"])).status_code == 404
    # A node that is not a run is not a run's page either.
    assert staff_client.get(reverse("dashboard:run", args=[venue.pk])).status_code == 404
