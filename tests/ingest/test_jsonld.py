"""schema.org JSON-LD (songkick, bandsintown): graphs, lists, places, performers, offsets."""

import json

import httpx
import pytest

from ingest.items import ResponseError, VenueFacts
from tests.ingest.conftest import sample
from tests.ingest.platforms import bad, fetch, shows

EVENT = {
    "@context": "https://schema.org",
    "@type": "MusicEvent",
    "name": "Glass Canyon at Barboza",
    "url": "https://example.org/e/1?came_from=city",
    "startDate": "2026-12-18T20:00:00-08:00",
    "location": {"@type": "Place", "name": "Barboza", "address": "925 E Pike St"},
}


def page(*blocks) -> bytes:
    scripts = "".join(
        f'<script type="application/ld+json">{b if isinstance(b, str) else json.dumps(b)}</script>'
        for b in blocks
    )
    return f"<html><head>{scripts}</head><body></body></html>".encode()


def one(*blocks, source="bandsintown"):
    (show,) = shows(source, page(*blocks)).values()
    return show


def test_a_songkick_event_with_its_place_and_performers():
    show = shows("songkick", sample("songkick.html"))[
        "https://www.songkick.com/concerts/41880420-glass-canyon-at-the-barboza"
    ]
    assert (show.title, show.day, show.start_time) == (
        "Glass Canyon @ The Barboza",
        "2026-12-18",
        "20:00",
    )
    assert show.artists == ("Glass Canyon", "Tender Machines")
    assert show.venue == VenueFacts(
        name="The Barboza", address="925 E Pike St", city="Seattle", postal_code="98122",
        latitude=47.614098, longitude=-122.319568,
    )  # fmt: skip


@pytest.mark.parametrize(
    "start, day, time",
    [
        ("2026-12-18T20:00:00-08:00", "2026-12-18", "20:00"),
        ("2026-12-18T20:00:00-0800", "2026-12-18", "20:00"),
        ("2026-12-19T04:00:00Z", "2026-12-18", "20:00"),
        ("2026-12-18T20:00", "2026-12-18", "20:00"),  # no offset: local already
        ("2026-12-18", "2026-12-18", None),  # a date alone: all day
    ],
)
def test_start_dates_with_and_without_offsets(start, day, time):
    show = one({**EVENT, "startDate": start})
    assert (show.day, show.start_time) == (day, time)


def test_graphs_lists_item_lists_and_other_types():
    graph = {"@graph": [{"@type": "WebPage"}, {**EVENT, "@type": ["Event", "MusicEvent"]}]}
    listed = {
        "@type": "ItemList",
        "itemListElement": [
            {"@type": "ListItem", "item": {**EVENT, "url": "https://example.org/e/2"}}
        ],
    }
    found = shows(
        "bandsintown",
        page(
            graph, [{**EVENT, "url": "https://example.org/e/3"}], listed, {"@type": "Organization"}
        ),
    )
    assert sorted(found) == [
        "https://example.org/e/1",
        "https://example.org/e/2",
        "https://example.org/e/3",
    ]


def test_status_offers_age_and_a_single_performer():
    show = one({
        **EVENT,
        "eventStatus": "https://schema.org/EventPostponed",
        "performer": {"@type": "Person", "name": "Lila Moth"},
        "offers": {
            "@type": "AggregateOffer", "lowPrice": "12", "highPrice": "20",
            "priceCurrency": "usd", "url": "https://t.example/1",
        },
        "typicalAgeRange": "21-",
    })  # fmt: skip
    assert (show.status, show.artists, show.price_low, show.price_high, show.currency) == (
        "postponed", ("Lila Moth",), 12, 20, "USD"
    )  # fmt: skip
    assert (show.ticket_url, show.age_limit) == ("https://t.example/1", "21+")


def test_bad_items_are_named_and_a_broken_block_hides_nothing_else():
    body = page(
        "{not json",
        [
            {**EVENT, "name": ""},
            {**EVENT, "startDate": "next friday"},
            {**EVENT, "location": {"@type": "VirtualLocation", "url": "https://stream.example"}},
            {**EVENT, "url": None},
            EVENT,
        ],
    )
    assert bad("bandsintown", body) == [
        "no name",
        "startDate 'next friday' does not parse",
        "no location Place with a name",
        "no @id or url",
    ]
    assert list(shows("bandsintown", body)) == ["https://example.org/e/1"]


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"<html><body>no data</body></html>", r"no application/ld\+json script"),
        (page("{broken"), "is JSON"),
    ],
)
def test_a_page_without_json_ld_is_refused(body, reason):
    with pytest.raises(ResponseError, match=reason):
        shows("songkick", body)


def test_every_page_of_the_songkick_calendar_is_read(fetcher_on):
    asked = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.params["page"])
        pagination = (
            '<div class="pagination"><a href="?page=2">2</a><a href="?page=3">3</a>'
            "<a>Next</a></div>"
        )
        return httpx.Response(200, content=page(EVENT) + pagination.encode())

    assert len(fetch("songkick", fetcher_on(handler)).bodies) == 3
    assert asked == ["1", "2", "3"]
