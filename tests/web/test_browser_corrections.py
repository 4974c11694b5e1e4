"""An operator corrects an event in the admin's form, in a real browser, under the CSP."""

from __future__ import annotations

import pytest

from graph.models import Node
from tests.web.browser import BROWSER_MARKS, open_page, shoot
from tests.web.conftest import Graph

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = BROWSER_MARKS


@pytest.fixture
def event(db, django_user_model):
    django_user_model.objects.create_superuser("operator", password="pw-operator-1")
    graph = Graph()
    return graph.event(graph.venue(), "Dead Bars w/ s.g. Tacocat", start_time="21:00")


def test_an_operator_corrects_an_event_through_its_form(browser, live_server, event):
    watched = open_page(browser, "desktop")
    page, base = watched.page, live_server.url
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "pw-operator-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    page.goto(f"{base}/admin/graph/event/{event.pk}/change/")
    expect(page.locator("input#id_day[type=date]")).to_be_visible()
    expect(page.locator("input#id_start_time[type=time]")).to_have_value("21:00")
    page.fill("#id_title", "Dead Bars with Tacocat")
    page.fill("#id_start_time", "21:30")
    page.fill("#id_lineup", "Dead Bars\nTacocat")
    shoot(page, "desktop-admin-correct-event")
    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist")).to_be_visible()
    page.goto(f"{base}/admin/graph/event/{event.pk}/change/")
    shoot(page, "desktop-admin-corrected-event")
    watched.close()  # fails on any Content-Security-Policy violation reported

    event.refresh_from_db()
    assert (event.data["title"], event.data["start_time"]) == ("Dead Bars with Tacocat", "21:30")
    assert event.data["overrides"]["title"]["by"] == "operator"
    slugs = sorted(a.data["slug"] for a in event.neighbours("performs_at", "in"))
    assert slugs == ["dead-bars", "tacocat"]
    assert Node.objects.labelled("artist").count() == 2
