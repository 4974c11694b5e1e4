"""Scraped text is shown as text everywhere on the public pages, JSON-LD included."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from graph.models import Node
from tests.web.conftest import ESCAPED_TITLE, SCRIPT_TITLE

pytestmark = pytest.mark.django_db

BREAKOUT = '</script><script>alert("x")</script><!--'


@pytest.fixture
def nasty(graph):
    venue = graph.venue("Moon <b>Bar</b>", address="<i>1 Main</i>", neighbourhood="<u>Hill</u>")
    artist = graph.artist("Band <script>x</script>")
    return graph.event(
        venue,
        SCRIPT_TITLE + BREAKOUT,
        offset=0,
        artists=[artist],
        description="line one\n<script>alert(2)</script>",
        ticket_url="javascript:alert(3)",
    )


@pytest.mark.parametrize("page", ["/", "/venues/", "venue", "artist"])
def test_pages_escape_scraped_text(nasty, page):
    venue = Node.objects.get(pk=nasty.data["venue_id"])
    artist = Node.objects.get(label="artist")
    path = {"venue": f"/venues/{venue.data['slug']}/", "artist": f"/artists/{artist.data['slug']}/"}
    response = Client().get(path.get(page, page))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<b>Bar</b>" not in html


def test_event_page_escapes_and_keeps_json_ld_closed(nasty):
    html = Client().get(f"/events/{nasty.pk}/").content.decode()
    assert ESCAPED_TITLE in html
    assert "javascript:" not in html  # an unsafe ticket link is left out
    # Exactly one script element, and it ends where the JSON-LD ends.
    assert html.count("<script") == 1 and html.count("</script>") == 1
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["name"] == SCRIPT_TITLE + BREAKOUT  # the title intact, as data
    assert data["performer"][0]["name"] == "Band <script>x</script>"
    assert "<" not in block and ">" not in block
