"""The admin: nodes and edges, one admin per label, runs and records as a read-only trail."""

import pytest
from django.urls import reverse

from graph.models import Node
from web import paging

pytestmark = pytest.mark.django_db


def ok(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_site_is_named(admin_client):
    page = ok(admin_client, "/admin/")
    assert "SMS Graph" in page
    assert reverse("dashboard:home") in page


def test_nodes_filter_by_label_and_search_inside_data(admin_client, graph):
    venue = graph.venue("Café Nørd")
    graph.venue("The Showbox")
    graph.artist("Dead Bars")
    response = admin_client.get("/admin/graph/node/", {"label": "venue"})
    assert {n.label for n in response.context["cl"].result_list} == {"venue"}
    for term in ("café", "Nørd", "712-nowhere-no-match"):
        found = admin_client.get("/admin/graph/node/", {"q": term}).context["cl"].result_list
        assert [n.pk for n in found] == ([] if "no-match" in term else [venue.pk]), term
    # An id finds its node too.
    found = admin_client.get("/admin/graph/node/", {"q": venue.pk}).context["cl"].result_list
    assert [n.pk for n in found] == [venue.pk]


def test_node_page_has_pretty_json_and_edges_both_ways(admin_client, graph):
    venue = graph.venue()
    artist = graph.artist()
    event = graph.event(venue, "Dead Bars live", artists=[artist])
    page = ok(admin_client, f"/admin/graph/node/{event.pk}/change/")
    assert "&quot;title&quot;: &quot;Dead Bars live&quot;" in page  # indented JSON
    assert reverse("admin:graph_node_change", args=[venue.pk]) in page
    assert reverse("admin:graph_node_change", args=[artist.pk]) in page
    assert "1 hosts, 1 performs_at" in page
    assert reverse("dashboard:event", args=[event.pk]) in page


def test_edges_filter_by_relation_and_link_both_ends(admin_client, graph):
    venue = graph.venue()
    artist = graph.artist()
    graph.event(venue, artists=[artist])
    response = admin_client.get("/admin/graph/edge/", {"relation": "hosts"})
    assert [e.relation for e in response.context["cl"].result_list] == ["hosts"]
    page = response.content.decode()
    assert reverse("admin:graph_node_change", args=[venue.pk]) in page


def test_label_admins_show_their_columns(admin_client, graph):
    venue = graph.venue("Blue Moon Tavern")
    artist = graph.artist("Dead Bars")
    graph.event(venue, "Soon", offset=3, artists=[artist])
    graph.event(venue, "Gone", offset=-3, artists=[artist])
    graph.raw(source="sea_monster", external_id="sm-7", processed=False)
    graph.run(kind="ingest", sources=["blue_moon"])

    venues = admin_client.get("/admin/graph/venue/")
    (row,) = venues.context["cl"].result_list
    assert row.upcoming == 1
    assert "Seattle" in venues.content.decode()

    events = ok(admin_client, "/admin/graph/event/")
    assert "Soon" in events and "Blue Moon Tavern" in events and "blue_moon" in events

    artists = admin_client.get("/admin/graph/artist/")
    assert artists.context["cl"].result_list[0].event_count == 2

    raw = ok(admin_client, "/admin/graph/rawdata/?source=sea_monster&processed=no")
    assert "sm-7" in raw

    runs = ok(admin_client, "/admin/graph/ingestrun/?status=succeeded&source=blue_moon")
    assert "succeeded" in runs and "create 0" in runs


def test_events_filter_upcoming_and_by_venue(admin_client, graph):
    blue_moon = graph.venue("Blue Moon Tavern")
    showbox = graph.venue("The Showbox")
    graph.event(blue_moon, "Soon", offset=3)
    graph.event(blue_moon, "Gone", offset=-3)
    graph.event(showbox, "Elsewhere", offset=3)
    response = admin_client.get("/admin/graph/event/", {"when": "upcoming", "venue": blue_moon.pk})
    assert [e.data["title"] for e in response.context["cl"].result_list] == ["Soon"]


def test_the_event_list_opens_on_upcoming_soonest_first(admin_client, graph):
    venue = graph.venue("Blue Moon Tavern")
    graph.event(venue, "Next month", offset=30)
    graph.event(venue, "Tomorrow", offset=1)
    graph.event(venue, "Last week", offset=-7)
    graph.event(venue, "Yesterday", offset=-1)

    def titles(**query) -> list[str]:
        response = admin_client.get("/admin/graph/event/", query)
        return [e.data["title"] for e in response.context["cl"].result_list]

    assert titles() == ["Tomorrow", "Next month"]
    assert titles(when="past") == ["Yesterday", "Last week"]
    assert titles(when="all") == ["Next month", "Tomorrow", "Yesterday", "Last week"]
    page = ok(admin_client, "/admin/graph/event/")
    # "Upcoming" is the filter shown as chosen, and "All" is there to leave it.
    assert 'class="selected"' in page and "?when=all" in page


def test_a_hidden_event_says_hidden_in_words(admin_client, graph):
    venue = graph.venue("Blue Moon Tavern")
    graph.event(venue, "Private", offset=2, hidden=True)
    graph.event(venue, "Public", offset=3)
    page = ok(admin_client, "/admin/graph/event/")
    assert "icon-no.svg" not in page and "icon-yes.svg" not in page
    assert '<td class="field-hidden_flag">hidden</td>' in page


AUDIT_MODELS = ["ingestrun", "carpenterrun", "ingestrecord", "carpenterrecord"]


@pytest.fixture
def audit(graph):
    venue = graph.venue()
    raw = graph.raw()
    carpenter = graph.run(
        records=[{"change_type": "create", "summary": "v", "target": venue, "kind": "venue"}]
    )
    ingest = graph.run(
        kind="ingest", records=[{"change_type": "create", "summary": "r", "target": raw}]
    )
    return {
        "carpenterrun": carpenter,
        "ingestrun": ingest,
        "carpenterrecord": Node.objects.get(label="carpenter_record"),
        "ingestrecord": Node.objects.get(label="ingest_record"),
    }


@pytest.mark.parametrize("model", AUDIT_MODELS)
def test_the_audit_trail_is_read_only(admin_client, audit, model):
    node = audit[model]
    before = dict(node.data)
    assert admin_client.get(f"/admin/graph/{model}/add/").status_code == 403
    page = ok(admin_client, f"/admin/graph/{model}/{node.pk}/change/")
    assert 'name="_save"' not in page
    response = admin_client.post(f"/admin/graph/{model}/{node.pk}/change/", {"data": "{}"})
    assert response.status_code == 403
    assert (
        admin_client.post(f"/admin/graph/{model}/{node.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert admin_client.get(f"/admin/graph/{model}/").status_code == 200
    node.refresh_from_db()
    assert node.data == before


@pytest.mark.parametrize("model", AUDIT_MODELS)
def test_the_generic_node_admin_keeps_the_audit_read_only_too(admin_client, audit, model):
    node = audit[model]
    page = ok(admin_client, f"/admin/graph/node/{node.pk}/change/")
    assert 'name="_save"' not in page
    assert (
        admin_client.post(f"/admin/graph/node/{node.pk}/change/", {"data": "{}"}).status_code == 403
    )
    assert (
        admin_client.post(f"/admin/graph/node/{node.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Node.objects.filter(pk=node.pk).exists()


def test_no_bulk_delete_of_nodes(admin_client, audit):
    response = admin_client.get("/admin/graph/node/")
    assert "delete_selected" not in response.content.decode()


def test_records_are_listed_inside_their_run(admin_client, graph):
    venue = graph.venue()
    records = [
        {"change_type": "create", "summary": f"Record {i}", "target": venue, "kind": "venue"}
        for i in range(60)
    ]
    run = graph.run(records=records)
    page = ok(admin_client, f"/admin/graph/carpenterrun/{run.pk}/change/")
    assert "60 records" in page
    assert "Record 0" in page and "Record 49" in page
    assert "Record 55" not in page  # capped, with a link to all of them
    assert reverse("dashboard:run", args=[run.pk]) in page


def test_records_link_to_their_run(admin_client, audit):
    page = ok(admin_client, "/admin/graph/carpenterrecord/")
    assert reverse("dashboard:run", args=[audit["carpenterrun"].pk]) in page


def test_a_venue_can_be_edited_and_is_validated(admin_client, graph):
    venue = graph.venue("Blue Moon")
    url = f"/admin/graph/venue/{venue.pk}/change/"
    page = ok(admin_client, url)
    assert 'name="name" value="Blue Moon"' in page  # its schema's fields, not JSON
    bad = admin_client.post(url, {"name": "", "address": "712 NE 45th St"})
    assert bad.status_code == 200
    assert "This field is required." in bad.content.decode()
    good = admin_client.post(url, {"name": "Blue Moon Tavern"})
    assert good.status_code == 302
    venue.refresh_from_db()
    assert venue.data["name"] == "Blue Moon Tavern"
    assert venue.data["overrides"]["name"]["was"] == "Blue Moon"


def test_a_venue_with_events_cannot_be_deleted_but_an_empty_one_can(admin_client, graph):
    busy, empty = graph.venue("Blue Moon Tavern"), graph.venue("Closed Venue")
    graph.event(busy, "A show")
    for model in ("venue", "node"):
        url = f"/admin/graph/{model}/{busy.pk}/delete/"
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Node.objects.filter(pk=busy.pk).exists()
    admin_client.post(f"/admin/graph/venue/{empty.pk}/delete/", {"post": "yes"})
    assert not Node.objects.filter(pk=empty.pk).exists()


def test_raw_data_an_event_comes_from_cannot_be_deleted(admin_client, graph):
    venue, raw = graph.venue(), graph.raw()
    graph.event(venue, "A show", raw=raw)
    assert (
        admin_client.post(f"/admin/graph/rawdata/{raw.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Node.objects.filter(pk=raw.pk).exists()


def test_artists_and_events_holding_the_graph_cannot_be_deleted(admin_client, graph):
    venue, raw, artist = graph.venue(), graph.raw(), graph.artist("Dead Bars")
    event = graph.event(venue, "A show", raw=raw, artists=[artist])
    for model, node in (("artist", artist), ("event", event)):
        assert (
            admin_client.post(
                f"/admin/graph/{model}/{node.pk}/delete/", {"post": "yes"}
            ).status_code
            == 403
        )
        assert Node.objects.filter(pk=node.pk).exists()


def test_a_long_list_is_counted_only_so_far_and_pages_still_work(admin_client, graph, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 3)
    for i in range(5):
        graph.artist(f"Artist {i}")
    page = ok(admin_client, "/admin/graph/artist/")
    assert "more than 3 artists" in page
    assert page.count("Artist ") >= 5  # the page itself lists them all


def test_the_all_nodes_search_looks_in_venues_artists_and_events(admin_client, graph):
    venue = graph.venue("Neumos")
    run = graph.run(kind="ingest", sources=["neumos"])
    found = admin_client.get("/admin/graph/node/", {"q": "neumos"}).context["cl"].result_list
    assert [n.pk for n in found] == [venue.pk]  # not the run, which its own list searches
    found = admin_client.get("/admin/graph/node/", {"q": run.pk}).context["cl"].result_list
    assert [n.pk for n in found] == [run.pk]  # an id finds any node
