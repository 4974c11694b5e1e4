"""Live progress, Run now, and the venues and artists lists of the dashboard."""

from __future__ import annotations

import signal

import pytest
from django.test import Client
from django.urls import reverse

from carpenter.models import ScheduledJob, SchedulerBeat
from graph.audit import RunLog
from tests.conftest import ROOT
from tests.ingest.feeds import blue_moon_feed, write_feed

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_the_live_endpoint_follows_a_run_of_another_process(staff_client, python_child, tmp_path):
    feed = write_feed(tmp_path / "feed.json", blue_moon_feed(1200, 600))
    child = python_child(ROOT / "tests" / "ingest" / "child_ingest.py", str(feed))
    assert child.stdout.readline().strip() == "inside batch 2"  # written, not committed
    try:
        live = staff_client.get(reverse("dashboard:live_runs")).json()["runs"]
        assert [run["kind"] for run in live] == ["ingest"]
        progress = staff_client.get(live[0]["url"] + "progress.json").json()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)

    assert progress["running"] and progress["status"] == "running"
    source = progress["per_source"]["blue_moon"]
    # What is committed, no more: the first batch, of the 1,200 items fetched.
    assert (source["total"], source["done"], source["batches"]) == (1200, 500, 1)
    assert progress["counts"]["create"] == source["created"] == 500


def test_a_finished_run_says_so(staff_client, graph):
    run = graph.run(kind="ingest")
    progress = staff_client.get(reverse("dashboard:run_progress", args=[run.pk])).json()
    assert not progress["running"] and progress["status"] == "succeeded" and progress["finished"]


def test_the_pages_of_a_running_run_and_the_home_page_show_it(staff_client):
    run = RunLog("ingest_run", ["sea_monster"]).start()
    page = staff_client.get(reverse("dashboard:run", args=[run.pk])).content.decode()
    assert f'data-live-run="{reverse("dashboard:run_progress", args=[run.pk])}"' in page
    home = staff_client.get(reverse("dashboard:home")).content.decode()
    assert run.pk[:8] in home.split('id="running-h"')[1].split("</section>")[0]


@pytest.mark.parametrize("name", ["live_runs", "home", "venues", "artists"])
def test_only_staff_see_them(client, user_client, name):
    url = reverse(f"dashboard:{name}")
    assert client.get(url).status_code == 302
    assert user_client.get(url).status_code == 403


class TestRunNow:
    url = reverse("dashboard:run_now", args=["blue_moon"])

    def test_it_asks_the_scheduler_and_runs_nothing_itself(self, staff_client):
        response = staff_client.post(self.url, follow=True)
        job = ScheduledJob.objects.get(pk="blue_moon")
        assert job.queued and job.requested_by == "operator"
        text = response.content.decode()
        assert "blue_moon: asked for a run" in text
        assert "No scheduler is running" in text  # none in this test

    def test_a_second_click_queues_nothing_more(self, staff_client):
        SchedulerBeat.objects.create(host="here", pid=1)
        staff_client.post(self.url)
        text = staff_client.post(self.url, follow=True).content.decode()
        assert "a run is already waiting" in text and "No scheduler" not in text

    def test_it_is_a_post_with_a_csrf_token_by_staff(self, staff, user_client):
        assert Client().post(self.url).status_code == 302  # to log in
        assert user_client.post(self.url).status_code == 403
        guarded = Client(enforce_csrf_checks=True)
        guarded.force_login(staff)
        assert guarded.get(self.url).status_code == 405
        assert guarded.post(self.url).status_code == 403  # no token
        assert not ScheduledJob.objects.filter(requested_at__isnull=False).exists()

    def test_a_source_that_cannot_run_here_is_not_queued(self, staff_client, settings):
        settings.TICKETMASTER_API_KEY = ""
        url = reverse("dashboard:run_now", args=["ticketmaster"])
        text = staff_client.post(url, follow=True).content.decode()
        assert "ticketmaster cannot run here: TICKETMASTER_API_KEY is not set." in text
        assert not ScheduledJob.objects.filter(requested_at__isnull=False).exists()

    def test_an_unknown_source_is_not_found(self, staff_client):
        url = reverse("dashboard:run_now", args=["nope"])
        assert staff_client.post(url).status_code == 404

    def test_the_home_page_has_the_button_and_the_schedule(self, staff_client):
        home = staff_client.get(reverse("dashboard:home")).content.decode()
        assert f'action="{self.url}"' in home
        assert "7 */4 * * *" in home  # blue_moon's default: a venue site
        assert "not running" in home  # the scheduler panel


class TestLists:
    def test_venues_with_their_shows_searchable(self, staff_client, graph):
        moon, box = graph.venue("Blue Moon Tavern"), graph.venue("The Showbox")
        graph.event(moon, "Past", offset=-3)
        graph.event(moon, "Next", offset=2)
        graph.event(box, "Soon", offset=1)
        page = staff_client.get(reverse("dashboard:venues")).context["data"]
        assert [(r.node.display_name, r.upcoming, r.shows) for r in page.rows] == [
            ("Blue Moon Tavern", 1, 2),
            ("The Showbox", 1, 1),
        ]
        found = staff_client.get(reverse("dashboard:venues"), {"q": "showbox"}).context["data"]
        assert [r.node.display_name for r in found.rows] == ["The Showbox"]

    def test_artists_with_their_shows_searchable(self, staff_client, graph):
        moon = graph.venue()
        bars, cat = graph.artist("Dead Bars"), graph.artist("Tacocat")
        graph.event(moon, "Old show", offset=-30, artists=[bars])
        graph.event(moon, "New show", offset=3, artists=[bars, cat])
        response = staff_client.get(reverse("dashboard:artists"), {"q": "dead"})
        rows = response.context["data"].rows
        assert [(r.node.display_name, r.upcoming, r.shows) for r in rows] == [("Dead Bars", 1, 2)]
        assert reverse("dashboard:artist", args=[bars.pk]) in response.content.decode()

    def test_an_artists_page_shows_past_shows_too(self, staff_client, graph):
        moon = graph.venue()
        bars = graph.artist("Dead Bars")
        graph.event(moon, "Last year's show", offset=-300, artists=[bars])
        graph.event(moon, "Next week's show", offset=7, artists=[bars])
        page = staff_client.get(reverse("dashboard:artist", args=[bars.pk])).content.decode()
        past = page.split('id="past-h"')[1]
        assert "Last year&#x27;s show" in past and "Next week" not in past
