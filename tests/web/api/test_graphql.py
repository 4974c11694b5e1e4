"""The GraphQL API: the Rust schema's queries, nesting, limits, hiding and mutations."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from graph import search
from graph.models import Node
from tests.web.conftest import day
from web.api.cost import MAX_COST, MAX_PAGE
from web.api.schema import MAX_DEPTH

pytestmark = pytest.mark.django_db

EVENT_FIELDS = "id title day startTime status venue { name slug } artists { name slug }"


def gql(query: str, client: Client | None = None, **variables) -> dict:
    response = (client or Client()).post(
        "/graphql",
        json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
    )
    assert response.status_code in (200, 400), response.content
    return response.json()


def data(query: str, **variables) -> dict:
    answer = gql(query, **variables)
    assert "errors" not in answer, answer
    return answer["data"]


def titles(events: list[dict]) -> list[str]:
    return [e["title"] for e in events]


class TestQueries:
    def test_upcoming_events_with_venue_and_artists(self, city):
        events = data(f"{{ upcomingEvents(days: 7) {{ {EVENT_FIELDS} }} }}")["upcomingEvents"]
        assert titles(events) == [
            "Tacocat w/ Dead Bars",
            "Karaoke-free rock night",
            "Called Off Quartet",
        ]
        first = events[0]
        assert first["day"] == day(0) and first["startTime"] == "21:00"
        assert first["venue"] == {"name": "Blue Moon Tavern", "slug": "blue-moon-tavern"}
        assert [a["slug"] for a in first["artists"]] == ["tacocat", "dead-bars"]  # billing
        assert events[2]["status"] == "cancelled"

    def test_events_paging_and_past(self, city):
        page = data("{ events(limit: 2, offset: 1) { title } }")["events"]
        assert titles(page) == ["Karaoke-free rock night", "Called Off Quartet"]
        everything = data("{ events(includePast: true) { title } }")["events"]
        assert titles(everything)[0] == "Last Week's Gig"
        assert "Hush Hush Session" not in titles(everything)
        assert "Loft Secret Party" not in titles(everything)

    def test_event_by_id_with_sources(self, city):
        query = "query($id: ID!) { event(id: $id) { title sources { name } } }"
        found = data(query, id=city.tonight.pk)["event"]
        assert found == {"title": "Tacocat w/ Dead Bars", "sources": [{"name": "blue_moon"}]}
        assert data(query, id=city.hidden.pk)["event"] is None
        assert data(query, id=city.at_secret_venue.pk)["event"] is None

    def test_venues(self, city):
        venues = data("{ venues { slug neighbourhood } }")["venues"]
        assert [v["slug"] for v in venues] == ["blue-moon-tavern", "neumos"]
        in_seattle = data('{ venuesByCity(city: "seattle") { slug } }')["venuesByCity"]
        assert in_seattle == [{"slug": "blue-moon-tavern"}, {"slug": "neumos"}]
        assert data('{ venuesByCity(city: "Tacoma") { slug } }')["venuesByCity"] == []
        assert data('{ venue(slug: "secret-loft") { name } }')["venue"] is None

    def test_venue_with_its_events(self, city):
        venue = data('{ venue(slug: "neumos") { name events { title } } }')["venue"]
        assert titles(venue["events"]) == ["Karaoke-free rock night", "Winter Ball"]

    def test_artists(self, city):
        assert data("{ artists { slug } }")["artists"] == [
            {"slug": "dead-bars"},
            {"slug": "tacocat"},
        ]
        assert data('{ searchArtists(q: "taco") { name } }')["searchArtists"] == [
            {"name": "Tacocat"}
        ]
        artist = data('{ artist(slug: "dead-bars") { name events(includePast: true) { title } } }')[
            "artist"
        ]
        assert titles(artist["events"]) == ["Last Week's Gig", "Tacocat w/ Dead Bars"]

    def test_events_by_venue_and_date_range(self, city):
        by_venue = data('{ eventsByVenue(slug: "blue-moon-tavern") { title } }')
        assert titles(by_venue["eventsByVenue"]) == ["Tacocat w/ Dead Bars", "Called Off Quartet"]
        query = (
            "query($a: String!, $b: String!) { eventsByDateRange(start: $a, end: $b) { title } }"
        )
        ranged = data(query, a=day(1), b=day(2))["eventsByDateRange"]
        assert titles(ranged) == ["Karaoke-free rock night", "Called Off Quartet"]
        refused = gql(query, a="tomorrow", b=day(2))
        assert (
            refused["errors"][0]["message"] == "start must be a day as YYYY-MM-DD, not 'tomorrow'"
        )

    def test_search_events(self, city):
        found = data('{ searchEvents(search: "dead bars") { title } }')["searchEvents"]
        assert titles(found) == ["Tacocat w/ Dead Bars"]
        at = data('{ searchEvents(search: "rock", venue: "neumos") { title } }')["searchEvents"]
        assert titles(at) == ["Karaoke-free rock night"]
        assert data('{ searchEvents(search: "hush") { title } }')["searchEvents"] == []

    def test_search_events_pages(self, city):
        query = '{ searchEvents(search: "neumos", limit: %d, offset: %d) { title } }'
        both = titles(data(query % (10, 0))["searchEvents"])
        assert both == ["Karaoke-free rock night", "Winter Ball"]
        assert titles(data(query % (1, 0))["searchEvents"]) == both[:1]
        assert titles(data(query % (1, 1))["searchEvents"]) == both[1:]
        assert data(query % (1, 2))["searchEvents"] == []


class TestLimits:
    def test_page_size_is_capped(self, city):
        answer = gql(f"{{ events(limit: {MAX_PAGE + 1}) {{ title }} }}")
        assert answer["errors"][0]["message"] == (
            f"limit must be from 0 to {MAX_PAGE} (the page size limit)"
        )

    def test_depth_limit_names_the_limit(self, city):
        deep = (
            "{ venues { events(limit: 1) { venue { events(limit: 1) { venue "
            "{ events(limit: 1) { venue { name } } } } } } } }"
        )
        (error,) = gql(deep)["errors"]
        assert f"exceeds maximum operation depth of {MAX_DEPTH}" in error["message"]

    def test_cost_limit_names_the_limit(self, city):
        costly = (
            "query Costly { events(limit: 100) { venue { events(limit: 100) { title "
            "artists { name } } } } }"
        )
        answer = gql(costly)
        message = answer["errors"][0]["message"]
        assert message.startswith("Costly costs about ")
        assert f"over the cost limit of {MAX_COST}" in message
        assert "data" not in answer or answer["data"] is None

    def test_variables_count_at_the_page_limit(self, city):
        query = "query($n: Int) { events(limit: $n) { venue { events(limit: $n) { title } } } }"
        assert "cost limit" in gql(query, n=1)["errors"][0]["message"]


def _seed(graph, events: int) -> None:
    venues = [graph.venue(f"Venue {i}") for i in range(3)]
    artists = [graph.artist(f"Artist {i}") for i in range(4)]
    for n in range(events):
        graph.event(
            venues[n % 3],
            f"Show {n}",
            offset=n % 5,
            start_time=f"{10 + n // 60:02d}:{n % 60:02d}",
            artists=[artists[n % 4], artists[(n + 1) % 4]],
        )
    search.rebuild()


QUERIES = {
    "upcomingEvents": f"{{ upcomingEvents(days: 30) {{ {EVENT_FIELDS} sources {{ name }} }} }}",
    "events": f"{{ events(limit: 100) {{ {EVENT_FIELDS} }} }}",
    "searchEvents": f'{{ searchEvents(search: "show") {{ {EVENT_FIELDS} }} }}',
    "venues with events": (
        "{ venues { name events(limit: 5) { title venue { slug } artists { name } } } }"
    ),
    "artists with events": "{ artists { name events(limit: 5) { title venue { name } } } }",
}


@pytest.mark.parametrize("name", QUERIES)
def test_query_count_does_not_grow_with_the_page(graph, name):
    counts = []
    for size in (4, 40):
        Node.objects.filter(label__in=["event", "venue", "artist"]).delete()
        _seed(graph, size)
        with CaptureQueriesContext(connection) as captured:
            answer = data(QUERIES[name])
        counts.append(len(captured))
        assert answer[next(iter(answer))], "the query returned nothing"
    assert counts[0] == counts[1], counts
    assert counts[0] <= 6, counts


class TestMutations:
    HIDE = "mutation($id: ID!) { hideEvent(id: $id) { id hidden } }"
    UNHIDE = "mutation($id: ID!) { unhideEvent(id: $id) { id hidden } }"

    @pytest.fixture
    def staff_csrf_client(self, staff):
        client = Client(enforce_csrf_checks=True)
        client.force_login(staff)
        client.get("/dashboard/")  # sets the csrftoken cookie
        return client

    def test_anonymous_cannot_mutate(self, city):
        answer = gql(self.HIDE, id=city.tonight.pk)
        assert answer["errors"][0]["message"] == "hideEvent and unhideEvent need a staff session"
        assert Node.objects.get(pk=city.tonight.pk).data["hidden"] is False

    def test_a_user_who_is_not_staff_cannot_mutate(self, city, user_client):
        answer = gql(self.HIDE, user_client, id=city.tonight.pk)
        assert "need a staff session" in answer["errors"][0]["message"]

    def test_staff_without_csrf_is_refused(self, city, staff):
        client = Client(enforce_csrf_checks=True)
        client.force_login(staff)
        answer = gql(self.HIDE, client, id=city.tonight.pk)
        assert answer["errors"][0]["message"].startswith("CSRF check failed")
        assert Node.objects.get(pk=city.tonight.pk).data["hidden"] is False

    def test_staff_with_csrf_hides_and_unhides(self, city, staff_csrf_client):
        token = staff_csrf_client.cookies["csrftoken"].value
        hide = staff_csrf_client.post(
            "/graphql",
            json.dumps({"query": self.HIDE, "variables": {"id": city.tonight.pk}}),
            content_type="application/json",
            headers={"X-CSRFToken": token},
        ).json()
        assert hide == {"data": {"hideEvent": {"id": city.tonight.pk, "hidden": True}}}
        assert "Tacocat w/ Dead Bars" not in Client().get("/").content.decode()
        run = Node.objects.filter(label="carpenter_run").order_by("-created_at").first()
        assert run.data["options"] == {"action": "hide", "by": "operator", "trigger": "api"}
        unhide = staff_csrf_client.post(
            "/graphql",
            json.dumps({"query": self.UNHIDE, "variables": {"id": city.tonight.pk}}),
            content_type="application/json",
            headers={"X-CSRFToken": token},
        ).json()
        assert unhide["data"]["unhideEvent"]["hidden"] is False
        assert "Tacocat w/ Dead Bars" in Client().get("/").content.decode()

    def test_no_mutation_over_get(self, city, staff_client):
        response = staff_client.get("/graphql", {"query": 'mutation { hideEvent(id: "x") { id } }'})
        assert response.status_code in (400, 405)
        assert Node.objects.filter(label="carpenter_run").count() == 0


def test_graphiql_is_not_served_without_debug(db):
    response = Client().get("/graphql", headers={"Accept": "text/html"})
    assert b"graphiql" not in response.content.lower()
