"""The events page: upcoming events by day, with venue and artists, searched and filtered."""

import pytest
from django.urls import reverse

from tests.web.conftest import day
from web.dashboard.queries import EVENTS_PER_PAGE

pytestmark = pytest.mark.django_db


def titles(client, **query) -> list[str]:
    response = client.get(reverse("dashboard:events"), query)
    assert response.status_code == 200
    return [e.title for group in response.context["data"].days for e in group.events]


@pytest.fixture
def listing(graph):
    blue_moon = graph.venue("Blue Moon Tavern")
    showbox = graph.venue("The Showbox")
    dead_bars = graph.artist("Dead Bars")
    graph.event(blue_moon, "Past show", offset=-1)
    graph.event(blue_moon, "Tomorrow late", offset=1, start_time="22:00", artists=[dead_bars])
    graph.event(blue_moon, "Tomorrow early", offset=1, start_time="19:00")
    graph.event(showbox, "Next week", offset=7, start_time=None)
    graph.event(showbox, "Today", offset=0)
    return blue_moon, showbox, dead_bars


def test_upcoming_events_by_day_with_venue_and_artists(staff_client, listing):
    blue_moon, _, dead_bars = listing
    assert titles(staff_client) == ["Today", "Tomorrow early", "Tomorrow late", "Next week"]
    response = staff_client.get(reverse("dashboard:events"))
    days = response.context["data"].days
    assert [g.day.isoformat() for g in days] == [day(0), day(1), day(7)]
    page = response.content.decode()
    assert reverse("dashboard:venue", args=[blue_moon.pk]) in page
    assert reverse("dashboard:artist", args=[dead_bars.pk]) in page
    assert ">Dead Bars</a>" in page


def test_search_by_title_or_artist(staff_client, listing):
    assert titles(staff_client, q="tomorrow") == ["Tomorrow early", "Tomorrow late"]
    assert titles(staff_client, q="dead bars") == ["Tomorrow late"]
    assert titles(staff_client, q="nothing like this") == []
    assert (
        "No upcoming events match."
        in staff_client.get(
            reverse("dashboard:events"), {"q": "nothing like this"}
        ).content.decode()
    )


def test_filter_by_venue(staff_client, listing):
    _, showbox, _ = listing
    assert titles(staff_client, venue=showbox.pk) == ["Today", "Next week"]
    assert titles(staff_client, venue=showbox.pk, q="next") == ["Next week"]


def test_hidden_events_and_venues_leave_the_listing(staff_client, graph, listing):
    blue_moon, showbox, _ = listing
    graph.event(showbox, "Hidden show", offset=2, hidden=True)
    blue_moon.data["hidden"] = True
    blue_moon.save()
    assert titles(staff_client) == ["Today", "Next week"]
    shown = titles(staff_client, hidden="1")
    assert "Hidden show" in shown and "Tomorrow late" in shown
    page = staff_client.get(reverse("dashboard:events"), {"hidden": "1"}).content.decode()
    assert "tag-hidden" in page and "hidden venue" in page


def test_paginated(staff_client, graph):
    venue = graph.venue()
    for i in range(EVENTS_PER_PAGE + 2):
        graph.event(venue, f"Show {i:03d}", offset=1 + i // 10, start_time=f"{10 + i % 10}:00")
    assert len(titles(staff_client)) == EVENTS_PER_PAGE
    assert len(titles(staff_client, page=2)) == 2


def test_artists_are_listed_in_billing_order(staff_client, graph):
    venue = graph.venue("Blue Moon Tavern")
    headliner, opener = graph.artist("Zed Leppelin"), graph.artist("Aardvarks")
    lineup = [headliner.data["slug"], opener.data["slug"]]
    report = {"source": "blue_moon", "lineup": lineup, "title": "Zed Leppelin w/ Aardvarks"}
    graph.event(
        venue, "Zed Leppelin w/ Aardvarks", artists=[opener, headliner], reports={"r1": report}
    )
    (group,) = staff_client.get(reverse("dashboard:events")).context["data"].days
    assert [a.name for a in group.events[0].artists] == ["Zed Leppelin", "Aardvarks"]
