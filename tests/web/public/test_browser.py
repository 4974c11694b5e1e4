"""Headless Chromium through the public site as a fan uses it, at desktop and phone
widths, under the Content-Security-Policy (``tests.web.browser``), with screenshots."""

from __future__ import annotations

import json

import pytest

from graph import search
from tests.web.browser import BROWSER_MARKS, WIDTHS, open_page, shoot
from tests.web.conftest import SCRIPT_TITLE

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = BROWSER_MARKS


@pytest.fixture
def scripted(city, graph):
    """The small city, plus a show whose scraped title tries to break out of its page."""
    event = graph.event(city.neumos, SCRIPT_TITLE + "</script>", offset=2, start_time="22:00")
    search.rebuild()
    return event


@pytest.mark.parametrize("width", WIDTHS)
def test_a_fan_browses_searches_and_opens_a_show(browser, live_server, city, scripted, width):
    watched = open_page(browser, width)
    page, base = watched.page, live_server.url

    page.goto(f"{base}/")
    expect(page.locator("section.day h2").first).to_contain_text("Today")
    expect(page.locator(".show .title").first).to_have_text("Tacocat w/ Dead Bars")
    expect(page.get_by_text("Hush Hush Session")).to_have_count(0)
    expect(page.locator("a.ics")).to_have_attribute("href", "/calendar.ics")
    shoot(page, f"public-listing-{width}")

    page.fill("input[name=q]", "dead bars")
    page.click("form.filters button")
    expect(page).to_have_url(f"{base}/?q=dead+bars&days=7&venue=&neighbourhood=")
    expect(page.locator(".show .title")).to_have_text(["Tacocat w/ Dead Bars"])
    expect(page.locator("a.ics")).to_have_attribute("href", "/calendar.ics?q=dead+bars")
    shoot(page, f"public-search-{width}")

    page.click("text=Tacocat w/ Dead Bars")
    expect(page.locator("h1")).to_have_text("Tacocat w/ Dead Bars")
    expect(page.locator("ol.lineup li")).to_have_text(["Tacocat", "Dead Bars"])
    expect(page.locator("a.button")).to_have_attribute("href", "https://tickets.example/tacocat")
    block = page.locator('script[type="application/ld+json"]').text_content()
    assert json.loads(block)["@type"] == "MusicEvent"
    shoot(page, f"public-event-{width}")

    page.goto(f"{base}/events/{scripted.pk}/")
    expect(page.locator("h1")).to_have_text(SCRIPT_TITLE + "</script>")
    ld = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert ld["name"] == SCRIPT_TITLE + "</script>"
    assert watched.dialogs == []

    page.goto(f"{base}/venues/")
    expect(page.locator(".venues li")).to_have_count(2)
    shoot(page, f"public-venues-{width}")
    watched.close()  # fails on any CSP violation the browser reported
