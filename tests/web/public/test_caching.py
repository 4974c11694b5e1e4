"""HTTP caching of public answers: ETag and Last-Modified from the graph's last change."""

from __future__ import annotations

import pytest
from django.test import Client

from graph.models import Node

pytestmark = pytest.mark.django_db

PATHS = [
    "/",
    "/?venue=neumos&days=14",
    "/venues/",
    "/venues/neumos/",
    "/artists/dead-bars/",
    "/calendar.ics",
    "/venues/neumos/calendar.ics",
    "/artists/dead-bars/calendar.ics",
    "/feeds/new.rss",
    "/feeds/new.atom",
    "/graphql?query=%7Bvenues%7Bname%7D%7D",
]


@pytest.mark.parametrize("path", PATHS)
def test_repeat_request_gets_304(city, path):
    client = Client()
    first = client.get(path)
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]
    assert "public" in first["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(path, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304


def test_event_page_304(city):
    path = f"/events/{city.tonight.pk}/"
    first = Client().get(path)
    assert Client().get(path, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_a_change_to_the_graph_changes_the_etag(city):
    first = Client().get("/")
    event = Node.objects.get(pk=city.tomorrow.pk)
    event.data = {**event.data, "title": "Renamed"}
    Node.objects.bulk_update_data([event])
    again = Client().get("/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert "Renamed" in again.content.decode()


def test_each_filtered_listing_has_its_own_etag(city):
    assert Client().get("/")["ETag"] != Client().get("/?venue=neumos")["ETag"]


def test_graphql_post_is_not_cached(city):
    response = Client().post(
        "/graphql", {"query": "{ venues { name } }"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert "ETag" not in response
    assert "no-store" in response["Cache-Control"]
