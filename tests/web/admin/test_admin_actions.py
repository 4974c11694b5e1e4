"""The operators' actions: hide and unhide, re-process raw data, merge two venues.

Each is a POST through the admin's changelist with its CSRF token. The re-process and
merge actions are tested twice: once against a stand-in (the admin's side of the
contract: what it passes and what it tells the operator), once end to end with the
carpenter's real ``carpenter()`` and ``merge_venues()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from carpenter import merge as merging
from carpenter import service
from graph.audit import RunLog
from graph.models import Edge, Node
from tests.conftest import SAMPLES

pytestmark = pytest.mark.django_db


def act(client, model: str, action: str, nodes, **extra):
    """POST an admin action on ``nodes`` as the changelist's form does."""
    data = {"action": action, "_selected_action": [n.pk for n in nodes], "index": 0, **extra}
    return client.post(f"/admin/graph/{model}/", data)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def listed_titles(client) -> list[str]:
    response = client.get(reverse("dashboard:events"))
    return [e.title for group in response.context["data"].days for e in group.events]


class TestHide:
    def test_hiding_events_takes_them_out_of_the_listing_without_deleting(
        self, admin_client, graph
    ):
        venue = graph.venue()
        keep = graph.event(venue, "Stays", offset=1)
        gone = graph.event(venue, "Goes", offset=2)
        response = act(admin_client, "event", "hide", [gone])
        assert response.status_code == 302
        assert messages_of(response) == ["Hidden: 1 event. Nothing was deleted."]
        gone.refresh_from_db()
        assert gone.data["hidden"] is True
        assert listed_titles(admin_client) == ["Stays"]
        assert Node.objects.filter(pk=gone.pk).exists()
        keep.refresh_from_db()
        assert keep.data["hidden"] is False

        response = act(admin_client, "event", "unhide", [gone, keep])
        assert messages_of(response) == [
            "Shown again: 1 event (1 already shown). Nothing was deleted."
        ]
        assert listed_titles(admin_client) == ["Stays", "Goes"]

    def test_hiding_a_venue_hides_its_events(self, admin_client, graph):
        venue = graph.venue("Closed Hall")
        other = graph.venue("Open Hall")
        graph.event(venue, "At the closed hall")
        graph.event(other, "At the open hall")
        act(admin_client, "venue", "hide", [venue])
        venue.refresh_from_db()
        assert venue.data["hidden"] is True
        assert listed_titles(admin_client) == ["At the open hall"]
        # The venue's own page still shows it, marked hidden.
        page = admin_client.get(reverse("dashboard:venue", args=[venue.pk])).content.decode()
        assert "tag-hidden" in page

    def test_hiding_is_in_the_admin_history(self, admin_client, graph):
        event = graph.event(graph.venue())
        act(admin_client, "event", "hide", [event])
        history = admin_client.get(f"/admin/graph/event/{event.pk}/history/").content.decode()
        assert "Hidden in the public listing." in history

    def test_actions_need_post_and_csrf(self, graph, admin_user):
        event = graph.event(graph.venue())
        client = Client(enforce_csrf_checks=True)
        client.force_login(admin_user)
        response = act(client, "event", "hide", [event])
        assert response.status_code == 403
        event.refresh_from_db()
        assert event.data["hidden"] is False
        page = client.get("/admin/graph/event/").content.decode()
        assert 'name="csrfmiddlewaretoken"' in page and 'method="post"' in page


@dataclass
class FakeOutcome:
    run: Node
    ok: bool = True


def fake_run(sources: list[str], options: dict) -> Node:
    log = RunLog("carpenter_run", sources, options)
    log.start()
    return log.finish()


class TestReprocess:
    def test_calls_the_carpenter_with_the_selection(self, admin_client, graph, monkeypatch):
        calls = []

        def carpenter(sources, *, raw_ids=None, trigger="command", **kwargs):
            calls.append((sources, sorted(raw_ids), trigger))
            return FakeOutcome(fake_run(sources, {"trigger": trigger}))

        monkeypatch.setattr(service, "carpenter", carpenter)
        raws = [graph.raw("sea_monster"), graph.raw("blue_moon"), graph.raw("sea_monster")]
        response = act(admin_client, "rawdata", "reprocess", raws)
        assert response.status_code == 302
        assert calls == [(["blue_moon", "sea_monster"], sorted(r.pk for r in raws), "admin")]
        (message,) = messages_of(response)
        run = Node.objects.get(label="carpenter_run")
        assert "Re-processed 3 raw data items from blue_moon, sea_monster" in message
        assert f'<a href="{reverse("dashboard:run", args=[run.pk])}">' in message

    def test_a_failing_carpenter_is_one_line_for_the_operator(
        self, admin_client, graph, monkeypatch
    ):
        def broken(*args, **kwargs):
            raise RuntimeError("the source lock is held by another run")

        monkeypatch.setattr(service, "carpenter", broken)
        response = act(admin_client, "rawdata", "reprocess", [graph.raw()])
        assert messages_of(response) == [
            "The carpenter could not run: the source lock is held by another run"
        ]

    def test_end_to_end_with_the_real_carpenter(self, admin_client):
        """Needs carpenter.service.carpenter (the carpenter's side of the contract)."""
        from ingest.ingester import ingest

        ingest(["blue_moon"], from_path=SAMPLES / "blue_moon.json")
        raws = list(Node.objects.labelled("raw_data").order_by("key")[:3])
        assert raws, "the blue_moon sample gave no raw data"
        response = act(admin_client, "rawdata", "reprocess", raws)
        run = Node.objects.labelled("carpenter_run").get()
        assert run.data["options"]["trigger"] == "admin"
        (message,) = messages_of(response)
        assert reverse("dashboard:run", args=[run.pk]) in message
        page = admin_client.get(reverse("dashboard:run", args=[run.pk]))
        assert page.status_code == 200
        for raw in raws:
            raw.refresh_from_db()
            assert raw.data["processed"] is True


class TestMerge:
    def test_needs_exactly_two_venues(self, admin_client, graph):
        venues = [graph.venue("One"), graph.venue("Two"), graph.venue("Three")]
        for selection in (venues[:1], venues):
            response = act(admin_client, "venue", "merge", selection)
            assert response.status_code == 302
            assert messages_of(response) == ["Select exactly two venues to merge."]
            admin_client.get(response["Location"])  # shows (and so consumes) the message
        assert Node.objects.labelled("venue").count() == 3

    def test_asks_which_one_to_keep(self, admin_client, graph):
        keep = graph.venue("The Showbox")
        duplicate = graph.venue("Showbox at the Market")
        graph.event(duplicate, "A show")
        response = act(admin_client, "venue", "merge", [keep, duplicate])
        assert response.status_code == 200
        page = response.content.decode()
        assert "Merge two venues" in page
        assert page.count('type="radio" name="keep"') == 2
        assert 'name="confirm" value="yes"' in page
        assert "csrfmiddlewaretoken" in page
        assert "1 upcoming event" in page
        assert Node.objects.labelled("venue").count() == 2

    def test_confirming_calls_merge_venues(self, admin_client, graph, monkeypatch):
        keep = graph.venue("The Showbox")
        duplicate = graph.venue("Showbox at the Market")
        calls = []

        def merge_venues(keep, duplicate, *, trigger="admin"):
            calls.append((keep.pk, duplicate.pk, trigger))
            return fake_run(["admin"], {"action": "merge_venues"})

        monkeypatch.setattr(merging, "merge_venues", merge_venues)
        response = act(
            admin_client, "venue", "merge", [keep, duplicate], keep=keep.pk, confirm="yes"
        )
        assert response.status_code == 302
        assert calls == [(keep.pk, duplicate.pk, "admin")]
        (message,) = messages_of(response)
        assert "Merged “Showbox at the Market” into “The Showbox”" in message
        run = Node.objects.get(label="carpenter_run")
        assert reverse("dashboard:run", args=[run.pk]) in message

    def test_confirming_without_a_choice_asks_again(self, admin_client, graph):
        venues = [graph.venue("A"), graph.venue("B")]
        response = act(admin_client, "venue", "merge", venues, confirm="yes")
        assert response.status_code == 200
        assert "Choose which venue to keep." in response.content.decode()

    def test_end_to_end_with_the_real_merge(self, admin_client, graph):
        """Needs carpenter.merge.merge_venues (the carpenter's side of the contract)."""
        keep = graph.venue("The Showbox")
        duplicate = graph.venue("Showbox at the Market")
        moved = graph.event(duplicate, "Moves over", offset=3)
        act(admin_client, "venue", "merge", [keep, duplicate], keep=keep.pk, confirm="yes")
        assert not Node.objects.filter(pk=duplicate.pk).exists()
        moved.refresh_from_db()
        assert moved.data["venue_id"] == keep.pk
        assert Edge.objects.filter(source=keep, relation="hosts", target=moved).exists()
        run = Node.objects.labelled("carpenter_run").get()
        assert run.data["options"]["trigger"] == "admin"
