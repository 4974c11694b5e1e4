"""Scraped text is untrusted: a title carrying a script shows as text everywhere."""

import pytest
from django.urls import reverse

from tests.web.conftest import ESCAPED_TITLE, SCRIPT_TITLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile(graph):
    venue = graph.venue(f"{SCRIPT_TITLE} Hall")
    artist = graph.artist(SCRIPT_TITLE)
    raw = graph.raw(event_name=SCRIPT_TITLE, payload={"title": SCRIPT_TITLE})
    event = graph.event(venue, SCRIPT_TITLE, artists=[artist], raw=raw, description=SCRIPT_TITLE)
    run = graph.run(
        records=[
            {
                "change_type": "create",
                "summary": SCRIPT_TITLE,
                "target": event,
                "kind": "event",
                "raw_data_id": raw.pk,
            },
            graph.update_record(event, {"title": "old"}, {"title": SCRIPT_TITLE}, kind="event"),
        ],
        error=SCRIPT_TITLE,
    )
    return venue, artist, raw, event, run


def assert_escaped(response):
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert(1)" not in page
    assert "<b>x</b>" not in page
    assert ESCAPED_TITLE in page


def test_dashboard_pages(staff_client, hostile):
    venue, artist, raw, event, run = hostile
    for url in (
        reverse("dashboard:events"),
        reverse("dashboard:event", args=[event.pk]),
        reverse("dashboard:venue", args=[venue.pk]),
        reverse("dashboard:artist", args=[artist.pk]),
        reverse("dashboard:raw", args=[raw.pk]),
        reverse("dashboard:run", args=[run.pk]),
        reverse("dashboard:runs"),
        reverse("dashboard:home"),
    ):
        if url in (reverse("dashboard:runs"),):
            # The list shows no scraped text; it must still carry no markup from data.
            assert "<script>alert" not in staff_client.get(url).content.decode()
            continue
        assert_escaped(staff_client.get(url))


def test_admin_pages(admin_client, hostile):
    venue, artist, raw, event, run = hostile
    for url in (
        "/admin/graph/event/",
        "/admin/graph/node/",
        "/admin/graph/node/?q=script",
        "/admin/graph/venue/",
        "/admin/graph/artist/",
        "/admin/graph/rawdata/",
        "/admin/graph/carpenterrecord/",
        f"/admin/graph/event/{event.pk}/change/",
        f"/admin/graph/node/{event.pk}/change/",
        f"/admin/graph/node/{venue.pk}/change/",  # the edges table names the event
        f"/admin/graph/carpenterrun/{run.pk}/change/",
        f"/admin/graph/rawdata/{raw.pk}/change/",
        "/admin/graph/edge/",
    ):
        assert_escaped(admin_client.get(url))


def test_admin_messages_escape_names(admin_client, hostile):
    venue, *_ = hostile
    response = admin_client.post(
        "/admin/graph/venue/",
        {"action": "hide", "_selected_action": [venue.pk]},
        follow=True,
    )
    assert "<script>alert" not in response.content.decode()
