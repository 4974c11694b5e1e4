"""Headless Chromium for the browser tests: the browser, a page per width, screenshots.

Drives Debian's Chromium (/usr/bin/chromium) with Playwright; Playwright's own browser
download does not work here. Screenshots go to screenshots/ (git-ignored), at desktop
(1280 px) and phone (390 px) widths. A test module uses it with
``pytestmark = BROWSER_MARKS`` and ``open_page``; the ``browser`` fixture comes through
``tests/web/conftest.py``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the live server's ORM
    # calls happen in its own thread, and the test's own ones are plain setup.
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@dataclass
class Watched:
    """A page, and what it showed that a test must see empty at the end.

    page: the Playwright page.
    dialogs: messages of dialogs that opened (a scraped script that ran).
    violations: Content-Security-Policy violations the browser reported in its console.
    """

    page: Any
    context: Any
    dialogs: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def close(self) -> None:
        """Close the page; fail if the browser refused anything under the CSP meanwhile."""
        self.context.close()
        assert self.violations == [], "Content-Security-Policy violations:\n" + "\n".join(
            self.violations
        )


def open_page(browser: Any, width: str) -> Watched:
    """Open a page at one of ``WIDTHS`` that records any dialog a script opens and any
    Content-Security-Policy violation (``close()`` fails on one)."""
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    watched = Watched(page, context)
    page.on("dialog", lambda dialog: (watched.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: _note_violation(watched, message))
    return watched


def _note_violation(watched: Watched, message: Any) -> None:
    if "Content Security Policy" in message.text:
        watched.violations.append(f"{watched.page.url}: {message.text}")


def shoot(page: Any, name: str) -> None:
    """Save a full-page screenshot as screenshots/NAME.png."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
