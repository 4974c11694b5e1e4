"""events_ajax (neumos, barboza): the JSON-wrapped listing, dates, times, states, paging."""

import json

import httpx
import pytest

from ingest.items import ResponseError
from ingest.reading import receiving
from tests.ingest.conftest import sample
from tests.ingest.platforms import bad, entries, fetch, shows

NEUMOS = sample("neumos.html")


def listing(markup: str) -> bytes:
    return json.dumps(markup).encode()


ITEM = """<div class="eventItem"><div class="date" aria-label="{label}">
<span class="m-date__month">{month}</span><span class="m-date__day">{day}</span></div>
<h3 class="title"><a href="/events/detail/x-{id}">{title}</a></h3>
<div class="meta"><div class="time">{time}</div></div></div>"""


def test_a_show_with_support_its_show_time_and_age():
    show = shows("neumos", NEUMOS)["emerald-city-holiday-punk-rock-bash-1180266"]
    assert (show.title, show.day, show.start_time) == (
        "Emerald City Holiday Punk Rock Bash w/ Dead Bars, The Spits Sisters, Rat City Riot",
        "2026-12-13",
        "19:00",
    )
    assert show.age_limit == "21+" and show.ticket_url.startswith("https://www.axs.com/")


def test_a_tour_name_is_not_taken_for_support_and_states_are_read():
    found = shows("neumos", NEUMOS)
    assert found["marigold-static-1179402"].title == "Marigold Static"
    assert "The Long Winter Tour" in found["marigold-static-1179402"].description
    assert found["velvet-orbit-1181150"].status == "cancelled"
    assert found["dj-harbor-lights-1180117"].start_time == "22:00"  # "Show: 10:00 PM"


def test_without_a_year_the_next_such_day_is_taken():
    body = listing(
        ITEM.format(label="", month="Jan", day="8", id="1", title="A", time="Doors: 7:00 PM")
    )
    with receiving("2026-12-02"):
        (item,) = entries("neumos", body)
    assert (item.show.day, item.show.start_time) == ("2027-01-08", "19:00")
    with receiving("2026-12-02"):
        (item,) = entries("neumos", body.replace(b"Jan", b"Dec").replace(b">8<", b">1<"))
    assert item.show.day == "2026-12-01"  # a day just past stays this year's


def test_bad_items_are_named():
    markup = "".join(
        [
            ITEM.format(
                label="December 4 2026", month="Dec", day="4", id="1", title="", time="8 PM"
            ),
            ITEM.format(label="", month="Smarch", day="4", id="2", title="B", time="8 PM"),
            ITEM.format(
                label="February 30 2027", month="Feb", day="30", id="3", title="C", time="8 PM"
            ),
        ]
    )
    assert bad("neumos", listing(markup)) == [
        "no title",
        "no day",
        "day '2027-02-30' does not parse",
    ]


def test_a_page_with_no_listing_is_refused():
    with pytest.raises(ResponseError, match="no div.eventItem in the listing"):
        shows("neumos", b"<html><body><h1>Site maintenance</h1></body></html>")


def test_the_listing_is_read_until_a_page_comes_back_short(fetcher_on):
    full = listing(
        "".join(
            ITEM.format(
                label="December 4 2026", month="Dec", day="4", id=n, title=f"T{n}", time="8 PM"
            )
            for n in range(100)
        )
    )
    asked = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(200, content=full if request.url.path.endswith("/0") else NEUMOS)

    pages = fetch("barboza", fetcher_on(handler))
    assert asked == ["/events/events_ajax/0", "/events/events_ajax/100"]
    assert pages.complete and len(pages.bodies) == 2
