"""Pages for a venue, an artist, an event and a raw item: neighbours and provenance."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def show(graph):
    venue = graph.venue("Blue Moon Tavern", address="712 NE 45th St", url="javascript:alert(1)")
    artist = graph.artist("Dead Bars")
    raw = graph.raw(external_id="bm-42", payload={"name": "Dead Bars", "when": "Fri 9pm"})
    event = graph.event(
        venue, "Dead Bars w/ Guests", artists=[artist], raw=raw, url="https://tickets.example/1"
    )
    past = graph.event(venue, "Last year's show", offset=-300, artists=[artist])
    run = graph.run(
        records=[
            {
                "change_type": "create",
                "summary": "Dead Bars w/ Guests",
                "target": event,
                "kind": "event",
                "raw_data_id": raw.pk,
            },
            {
                "change_type": "create",
                "summary": "Blue Moon Tavern",
                "target": venue,
                "kind": "venue",
            },
            {"change_type": "create", "summary": "Dead Bars", "target": artist, "kind": "artist"},
        ]
    )
    ingest = graph.run(
        kind="ingest",
        records=[
            {"change_type": "create", "summary": "bm-42", "target": raw, "external_id": "bm-42"}
        ],
    )
    return venue, artist, raw, event, past, run, ingest


def get(client, name, node) -> str:
    response = client.get(reverse(name, args=[node.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_venue_page(staff_client, show):
    venue, artist, raw, event, past, run, _ = show
    page = get(staff_client, "dashboard:venue", venue)
    assert "712 NE 45th St" in page
    assert reverse("dashboard:event", args=[event.pk]) in page
    assert reverse("dashboard:event", args=[past.pk]) not in page  # upcoming only
    assert reverse("dashboard:run", args=[run.pk]) in page  # where it came from
    assert "javascript:alert" not in page.split("Stored data")[0]  # no unsafe link


def test_artist_page(staff_client, show):
    venue, artist, raw, event, past, run, _ = show
    page = get(staff_client, "dashboard:artist", artist)
    upcoming, past_part = page.split("Past events")
    assert reverse("dashboard:event", args=[event.pk]) in upcoming
    assert reverse("dashboard:event", args=[past.pk]) in past_part
    assert reverse("dashboard:venue", args=[venue.pk]) in page
    assert reverse("dashboard:run", args=[run.pk]) in page


def test_event_page(staff_client, show):
    venue, artist, raw, event, past, run, _ = show
    page = get(staff_client, "dashboard:event", event)
    assert reverse("dashboard:venue", args=[venue.pk]) in page
    assert reverse("dashboard:artist", args=[artist.pk]) in page
    assert reverse("dashboard:raw", args=[raw.pk]) in page
    assert reverse("dashboard:run", args=[run.pk]) in page
    assert 'href="https://tickets.example/1"' in page


def test_raw_page(staff_client, show):
    venue, artist, raw, event, past, run, ingest = show
    page = get(staff_client, "dashboard:raw", raw)
    assert "&quot;when&quot;: &quot;Fri 9pm&quot;" in page  # the payload, as JSON text
    assert reverse("dashboard:event", args=[event.pk]) in page
    assert reverse("dashboard:run", args=[ingest.pk]) in page


@pytest.mark.parametrize(
    "page_name, admin_name, which",
    [
        ("dashboard:venue", "admin:graph_venue_change", 0),
        ("dashboard:artist", "admin:graph_artist_change", 1),
        ("dashboard:raw", "admin:graph_rawdata_change", 2),
        ("dashboard:event", "admin:graph_event_change", 3),
    ],
)
def test_in_the_admin_opens_the_labels_own_admin_page(
    staff_client, admin_client, show, page_name, admin_name, which
):
    node = show[which]
    page = get(staff_client, page_name, node)
    url = reverse(admin_name, args=[node.pk])
    assert f'href="{url}">in the admin</a>' in page
    assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "name", ["dashboard:venue", "dashboard:artist", "dashboard:event", "dashboard:raw"]
)
def test_unknown_or_wrong_label_is_404(staff_client, graph, name):
    run = graph.run()
    assert staff_client.get(reverse(name, args=["missing"])).status_code == 404
    assert staff_client.get(reverse(name, args=[run.pk])).status_code == 404
