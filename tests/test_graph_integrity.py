"""The database keeps the graph whole on its own, on every engine."""

import time
import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from graph.models import Edge, Node
from tests.conftest import ROOT

# Autocommit tests: constraints are checked when a statement or transaction ends, as
# in production, not deferred to the end of a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def venue():
    return Node.objects.create_node(
        "venue", {"name": "Blue Moon Tavern", "slug": "blue-moon-tavern"}
    )


@pytest.fixture
def event(venue):
    event = Node.objects.create_node(
        "event",
        {"title": "Foo w/ Bar", "venue_id": venue.pk, "day": "2026-12-12", "start_time": "21:00"},
    )
    Edge.objects.link(venue, "hosts", event)
    return event


def test_an_edge_to_a_missing_node_is_refused(venue):
    ghost = Node(id=str(uuid.uuid4()), label="event", data={})
    with pytest.raises(IntegrityError):
        Edge.objects.link(venue, "hosts", ghost)
    assert Edge.objects.count() == 0


def test_an_edge_to_a_missing_node_is_refused_in_plain_sql(venue):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO edges (id, source_id, target_id, relation, created_at, updated_at) "
            "VALUES (%s, %s, %s, 'hosts', %s, %s)",
            [str(uuid.uuid4()), venue.pk, str(uuid.uuid4()), "2026-01-01", "2026-01-01"],
        )
    assert Edge.objects.count() == 0


def test_deleting_a_node_deletes_its_edges(venue, event):
    assert Edge.objects.filter(target=event).count() == 1
    event.delete()
    assert Edge.objects.count() == 0
    assert Node.objects.filter(pk=venue.pk).exists()


def test_deleting_a_node_in_plain_sql_deletes_its_edges(venue, event):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM nodes WHERE id = %s", [venue.pk])
    assert not Edge.objects.exists()
    assert Node.objects.filter(pk=event.pk).exists()


def test_a_duplicate_natural_key_is_refused(venue):
    with pytest.raises(IntegrityError):
        Node.objects.create_node("venue", {"name": "The Blue Moon", "slug": "blue-moon-tavern"})
    assert Node.objects.filter(label="venue").count() == 1


def test_a_duplicate_natural_key_is_refused_in_plain_sql(venue):
    data = '{"name": "Copy", "slug": "blue-moon-tavern"}'
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO nodes (id, label, data, created_at, updated_at) "
            "VALUES (%s, 'venue', %s, %s, %s)",
            [str(uuid.uuid4()), data, "2026-01-01", "2026-01-01"],
        )


@pytest.mark.parametrize(
    ("label", "first", "second"),
    [
        (
            "artist",
            {"name": "Dead Bars", "slug": "dead-bars"},
            {"name": "DEAD BARS", "slug": "dead-bars"},
        ),
        (
            "raw_data",
            {
                "source": "blue_moon",
                "external_id": "x1",
                "payload": {},
                "content_hash": "a",
                "first_seen": "2026-11-01T00:00:00Z",
                "last_seen": "2026-11-01T00:00:00Z",
            },
            {
                "source": "blue_moon",
                "external_id": "x1",
                "payload": {"b": 1},
                "content_hash": "b",
                "first_seen": "2026-11-02T00:00:00Z",
                "last_seen": "2026-11-02T00:00:00Z",
            },
        ),
    ],
)
def test_each_keyed_label_refuses_its_duplicate(label, first, second):
    Node.objects.create_node(label, first)
    with pytest.raises(IntegrityError):
        Node.objects.create_node(label, second)


def test_events_are_unique_per_venue_day_and_start_time(venue, event):
    same = {
        "title": "Other title",
        "venue_id": venue.pk,
        "day": "2026-12-12",
        "start_time": "21:00",
    }
    with pytest.raises(IntegrityError):
        Node.objects.create_node("event", same)
    # An all-day item (no start time) is a different key from a timed one...
    Node.objects.create_node("event", {**same, "start_time": None})
    # ...and there is one all-day item per venue and day.
    with pytest.raises(IntegrityError):
        Node.objects.create_node("event", {**same, "title": "Again", "start_time": None})


def test_the_same_link_twice_is_one_edge(venue, event):
    assert Edge.objects.link(venue, "hosts", event) is False
    assert Edge.objects.filter(source=venue, target=event).count() == 1


def test_two_processes_upserting_the_same_keys_end_with_one_node_each(python_child):
    count = 40
    start_at = time.time() + 3.0  # both children are set up by then
    children = [
        python_child(ROOT / "tests" / "helpers" / "race_upsert.py", str(start_at), str(count))
        for _ in range(2)
    ]
    outputs = [child.communicate(timeout=90) for child in children]
    for child, (_, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
    created = [int(out.strip()) for out, _ in outputs]
    assert sum(created) == count  # each venue created by exactly one of them
    assert Node.objects.filter(label="venue", key__startswith="race-venue-").count() == count
