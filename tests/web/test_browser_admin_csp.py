"""The admin's forms work under the Content-Security-Policy: change forms with their
widgets, a related-object popup, and the dashboard, with no violation in the console."""

from __future__ import annotations

import re

import pytest

from tests.web.browser import BROWSER_MARKS, open_page
from tests.web.conftest import Graph

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = BROWSER_MARKS


@pytest.fixture
def venue(db, django_user_model):
    operator = django_user_model.objects.create_superuser("operator", password="pw-operator-1")
    return Graph().venue("Blue Moon Tavern", address="712 NE 45th St"), operator


def test_admin_change_forms_and_a_popup_run_under_the_policy(browser, live_server, venue):
    venue, operator = venue
    watched = open_page(browser, "desktop")
    page, base = watched.page, live_server.url
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "pw-operator-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    # A node's change form: its JSON, its edges inline; saved without a change.
    page.goto(f"{base}/admin/graph/node/{venue.pk}/change/")
    expect(page.locator("#content h1")).to_be_visible()
    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist")).to_be_visible()

    # A user's change form: the admin's own scripts (filter widgets, password link).
    page.goto(f"{base}/admin/auth/user/{operator.pk}/change/")
    expect(page.locator("#id_username")).to_have_value("operator")
    page.wait_for_load_state("networkidle")  # let admin's scripts run: they must not be refused

    # The "add another" popup of a related field answers with the admin's popup page.
    page.goto(f"{base}/admin/auth/group/add/?_popup=1&_to_field=id")
    page.fill("#id_name", "editors")
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")

    # The dashboard under the same policy.
    page.goto(f"{base}/dashboard/")
    page.wait_for_url(re.compile(r".*/dashboard/$"))
    page.wait_for_load_state("networkidle")
    watched.close()  # fails on any Content-Security-Policy violation reported
