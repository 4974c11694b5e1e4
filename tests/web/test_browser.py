"""Headless Chromium through the site as an operator uses it, with screenshots
(``tests.web.browser``)."""

from __future__ import annotations

import re

import pytest

from tests.web.browser import BROWSER_MARKS, WIDTHS, open_page, shoot
from tests.web.conftest import SCRIPT_TITLE, Graph

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = BROWSER_MARKS


@pytest.fixture
def site(db, django_user_model):
    """A small but realistic graph: venues, a week of shows, runs with every change type."""
    django_user_model.objects.create_superuser("operator", password="pw-operator-1")
    g = Graph()
    blue_moon = g.venue("Blue Moon Tavern", address="712 NE 45th St", postal_code="98105")
    showbox = g.venue("The Showbox", address="1426 1st Ave")
    tractor = g.venue("Tractor Tavern", address="5213 Ballard Ave NW")
    artists = [g.artist(n) for n in ("Dead Bars", "Tacocat", "Chastity Belt", "Sloucher")]
    raws = [g.raw() for _ in range(6)]
    events = []
    plan = [
        (blue_moon, "Dead Bars w/ Sloucher", 0, "21:00", [0, 3]),
        (showbox, "Tacocat — album release", 0, "20:00", [1]),
        (tractor, "Chastity Belt", 1, "19:30", [2]),
        (blue_moon, "Open mic night", 1, None, []),
        (showbox, SCRIPT_TITLE, 2, "20:00", [0]),
        (tractor, "Sloucher, Dead Bars", 3, "21:00", [3, 0]),
        (blue_moon, "Jazz brunch", 5, "11:00", []),
    ]
    for i, (venue, title, offset, time, who) in enumerate(plan):
        events.append(
            g.event(
                venue,
                title,
                offset=offset,
                start_time=time,
                artists=[artists[a] for a in who],
                raw=raws[i % len(raws)],
            )
        )
    for i in range(12):
        g.run(
            kind="ingest",
            sources=["blue_moon"],
            records=[
                {
                    "change_type": "update",
                    "summary": f"item {j}",
                    "target": raws[j],
                    "diff": {"payload.title": {"old": "Old", "new": "New"}},
                }
                for j in range(i % 4)
            ],
        )
    g.run(
        kind="ingest",
        sources=["sea_monster"],
        failed_source=("sea_monster", "HTTP 503 Service Unavailable"),
    )
    run = g.run(
        kind="carpenter",
        records=[
            {
                "change_type": "create",
                "summary": f"{e.data['title']}",
                "target": e,
                "kind": "event",
                "raw_data_id": raws[0].pk,
            }
            for e in events[:4]
        ]
        + [
            g.update_record(
                blue_moon,
                {"name": "Blue Moon", "address": None},
                {"name": "Blue Moon Tavern", "address": "712 NE 45th St"},
                kind="venue",
                raw_data_id=raws[1].pk,
            ),
            {
                "change_type": "skip",
                "summary": "Private party",
                "reason": "not a public show",
                "kind": "raw_data",
                "raw_data_id": raws[2].pk,
            },
            {
                "change_type": "error",
                "summary": "Item bm-99",
                "reason": "day: must be a day as YYYY-MM-DD",
                "kind": "raw_data",
            },
        ],
    )
    return {"run": run, "showbox": showbox, "events": events}


@pytest.mark.parametrize("width", list(WIDTHS))
def test_an_operator_goes_through_the_site(browser, live_server, site, width):
    watched = open_page(browser, width)
    page = watched.page
    base = live_server.url

    # Logging in: the dashboard sends us to the log-in page and back.
    page.goto(f"{base}/dashboard/")
    assert "/accounts/login/" in page.url
    shoot(page, f"{width}-login")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "pw-operator-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/dashboard/")

    # Home: counts, sources, the chart.
    assert page.locator(".tile").count() == 9
    assert page.locator("svg .bar").count() == 14
    assert page.get_by_text("HTTP 503 Service Unavailable").is_visible()
    shoot(page, f"{width}-home")

    # A run's page: records by change type, a diff.
    page.goto(f"{base}/dashboard/runs/{site['run'].pk}/")
    assert page.locator("table.diff").count() == 1
    assert page.locator(".record").count() == 7
    shoot(page, f"{width}-run")

    # The runs list, filtered.
    page.goto(f"{base}/dashboard/runs/")
    page.select_option("select[name=kind]", "ingest")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r".*kind=ingest.*"))
    shoot(page, f"{width}-runs")

    # Events: search, then filter by venue; the script-bearing title stays text.
    page.goto(f"{base}/dashboard/events/")
    assert page.get_by_text(SCRIPT_TITLE).count() == 1
    shoot(page, f"{width}-events")
    page.fill("input[name=q]", "dead bars")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r".*q=dead.*"))
    assert page.locator(".event").count() == 3  # by title or by artist
    page.select_option("select[name=venue]", site["showbox"].pk)
    page.fill("input[name=q]", "")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r".*venue=[0-9a-f-]{36}.*"))
    titles = page.locator(".event-title").all_inner_texts()
    assert titles == ["Tacocat — album release", SCRIPT_TITLE]

    # An event's page.
    page.click(f"text={SCRIPT_TITLE}")
    page.wait_for_url(re.compile(r".*/dashboard/events/[0-9a-f-]+/$"))
    shoot(page, f"{width}-event")

    # An admin action: hide an event, and see it leave the listing.
    page.goto(f"{base}/admin/graph/event/?q=Tacocat")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "hide")
    page.click("button[name=index]")
    expect(page.locator("ul.messagelist")).to_contain_text("Hidden: 1 event")
    shoot(page, f"{width}-admin-hidden")
    page.goto(f"{base}/dashboard/events/")
    assert "Tacocat — album release" not in page.locator("main").inner_text()
    page.goto(f"{base}/dashboard/events/?hidden=1")
    assert page.locator(".event.is-hidden").count() == 1

    # The venue merge confirmation page.
    page.goto(f"{base}/admin/graph/venue/")
    page.locator("input[name=_selected_action]").nth(0).check()
    page.locator("input[name=_selected_action]").nth(1).check()
    page.select_option("select[name=action]", "merge")
    page.click("button[name=index]")
    expect(page.locator("#content h1")).to_have_text("Merge two venues")
    shoot(page, f"{width}-admin-merge")

    # Logging out is a POST button.
    page.goto(f"{base}/dashboard/")
    page.click("text=Log out")
    page.wait_for_url(re.compile(r".*/accounts/login/"))

    assert watched.dialogs == []  # no scraped script ever ran
    watched.close()


def log_in(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "pw-operator-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/dashboard/")


def test_a_csp_violation_fails_the_test(browser):
    watched = open_page(browser, "desktop")
    watched.page.set_content(
        "<meta http-equiv='Content-Security-Policy' content=\"script-src 'none'\">"
        "<script>document.title = 'ran'</script>"
    )
    watched.page.wait_for_timeout(200)
    assert watched.page.title() != "ran"
    with pytest.raises(AssertionError, match="Content-Security-Policy violations"):
        watched.close()


def test_a_running_run_updates_on_its_page_without_a_reload(
    browser, live_server, django_user_model, scheduler_child, tmp_path
):
    from graph.models import Node
    from tests.ingest.feeds import blue_moon_feed, write_feed
    from tests.ops.test_scheduler_process import wait_for

    django_user_model.objects.create_user("operator", password="pw-operator-1", is_staff=True)
    watched = open_page(browser, "desktop")
    page = watched.page
    log_in(page, live_server.url)

    feed = write_feed(tmp_path / "feed.json", blue_moon_feed(1500, 750))
    scheduler_child(feed, "--tick", "0.2", slow=2.2)  # a batch a little slower than a poll
    run = wait_for(lambda: Node.objects.labelled("ingest_run").first(), what="the run")
    page.goto(f"{live_server.url}/dashboard/runs/{run.pk}/")
    page.evaluate("window.notReloaded = true")
    created = page.locator('[data-field="per_source.blue_moon.created"]')
    for committed in ("500", "1000"):  # batch after batch
        expect(created).to_have_text(committed, timeout=15_000)
    expect(page.locator('[data-field="per_source.blue_moon.total"]')).to_have_text("1500")
    expect(page.locator("[data-live-done]")).to_be_visible(timeout=30_000)
    expect(page.locator('[data-field="status"]')).to_have_text("succeeded")
    expect(created).to_have_text("1500")
    assert page.evaluate("window.notReloaded") is True
    shoot(page, "desktop-run-live")

    # The home page: the button asks the scheduler, which runs it.
    page.goto(f"{live_server.url}/dashboard/")
    page.locator('form.run-now[action="/dashboard/sources/blue_moon/run/"] button').click()
    expect(page.locator(".messages")).to_contain_text("blue_moon: asked for a run")
    shoot(page, "desktop-home-run-now")
    watched.close()
