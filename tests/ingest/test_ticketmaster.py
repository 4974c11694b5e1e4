"""ticketmaster: reading Discovery API pages, following them, and pacing the requests."""

import asyncio
import json
import re

import httpx
import pytest

from ingest.fetch import FetchError
from ingest.items import BadItem, Item, ResponseError, VenueFacts
from ingest.sources import get_source
from ingest.sources.ticketmaster import Ticketmaster
from tests.ingest.conftest import fixture_path, sample

source = get_source("ticketmaster")


@pytest.fixture(scope="module")
def items() -> list[Item]:
    return list(source.parse(sample("ticketmaster.json")))


def by_id(items, external_id):
    return next(item for item in items if item.external_id == external_id)


def page(number: int) -> bytes:
    return fixture_path("ticketmaster", f"page-{number}.json").read_bytes()


def fetch(fetcher) -> list[bytes]:
    async def run():
        async with fetcher:
            fetcher.configure(
                source.name, per_second=source.requests_per_second, robots=source.obeys_robots
            )
            return await source.fetch(fetcher)

    return asyncio.run(run())


def test_the_sample_gives_every_event(items):
    assert len(items) == 16
    assert all(isinstance(item, Item) for item in items)


def test_an_event_carries_its_venue_and_artists(items):
    show = by_id(items, "vvG1wkYAcQsjcH").show
    assert (show.title, show.day, show.start_time) == (
        "Gravel Saints with The Lowlands",
        "2026-11-20",
        "20:00",
    )
    assert show.venue == VenueFacts(
        name="Neumos",
        address="925 E Pike St",
        city="Seattle",
        postal_code="98122",
        latitude=47.614155,
        longitude=-122.319634,
        url="https://www.ticketmaster.com/neumos-tickets-seattle/venue/229504",
    )
    assert show.artists == ("Gravel Saints", "The Lowlands")
    assert show.url.startswith("https://www.ticketmaster.com/gravel-saints-with-the-lowlands")
    # The widest 16:9 image.
    assert show.image_url.endswith("_TABLET_LANDSCAPE_LARGE_16_9.jpg")


def test_an_event_without_attractions_lists_no_artists(items):
    assert by_id(items, "vvG11FDFFKYBTc").show.artists is None


def test_an_event_whose_time_is_to_be_announced_has_no_time(items):
    show = by_id(items, "Z7r9jZ1A76opY").show
    assert (show.day, show.start_time) == ("2027-01-16", None)


def test_reading_a_stored_payload_again_gives_the_same_show(items):
    for item in items:
        again = source.read_item(item.payload)  # as the carpenter reads it again
        assert (again.external_id, again.show) == (item.external_id, item.show)


def test_bad_items_are_named_and_the_rest_goes_on():
    entries = list(source.parse(fixture_path("ticketmaster", "bad-items.json").read_bytes()))
    assert [entry.external_id for entry in entries if isinstance(entry, Item)] == ["Z7r9jZ1A7Good"]
    assert [entry.reason for entry in entries if isinstance(entry, BadItem)] == [
        "no id",
        "no name",
        "no dates.start.localDate (the date is to be announced)",
        "dates.start.localDate '2026-02-30' does not parse",
        "dates.start.localTime '9pm-ish' does not parse",
        "no venue in _embedded.venues",
        "not an object but list",
    ]


def test_a_page_without_events_has_no_items():
    assert list(source.parse(fixture_path("ticketmaster", "empty-page.json").read_bytes())) == []


@pytest.mark.parametrize(
    "body, message",
    [
        (b"<html>gateway</html>", "not JSON"),
        (b"[]", "not a JSON object"),
        (b'{"_embedded": {"venues": []}}', "no _embedded.events list"),
        (
            fixture_path("ticketmaster", "error-429.json").read_bytes(),
            "the API answered with an error: Rate limit quota violation",
        ),
    ],
)
def test_a_response_that_does_not_parse_is_refused_whole(body, message):
    with pytest.raises(ResponseError, match=message):
        list(source.parse(body))


def test_pages_are_followed_to_the_last(fetcher_on, tm_key):
    asked = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(dict(request.url.params))
        return httpx.Response(200, content=page(int(request.url.params["page"])))

    pages = fetch(fetcher_on(handler))
    bodies = pages.bodies
    assert pages.complete
    assert [params["page"] for params in asked] == ["0", "1"]
    assert asked[0]["apikey"] == tm_key
    assert asked[0]["city"] == "Seattle" and asked[0]["classificationName"] == "music"
    assert asked[0]["size"] == "200" and asked[0]["sort"] == "date,asc"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", asked[0]["startDateTime"])
    assert asked[1]["startDateTime"] == asked[0]["startDateTime"]  # one search, two pages
    items = [entry for body in bodies for entry in source.parse(body)]
    assert [item.external_id for item in items] == [
        "vvG1wkYAcQsjcH",
        "vvG1I4LWekuHXs",
        "vvG1KnKeoo5Ofc",
        "Z7r9jZ1A7R7Pw",
        "Z7r9jZ1A76opY",
    ]


def test_paging_stops_at_the_apis_depth_limit_and_says_so(fetcher_on, tm_key):
    asked = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(int(request.url.params["page"]))
        number = int(request.url.params["page"])
        return httpx.Response(200, json={"page": {"size": 200, "totalPages": 40, "number": number}})

    pages = fetch(fetcher_on(handler))
    assert len(pages.bodies) == 5
    assert asked == [0, 1, 2, 3, 4]  # 200 * 5 = 1000 is no longer served
    assert not pages.complete
    assert pages.shortfall.startswith("more than 1,000 events from ")


def event_at(number: int, start: str) -> dict:
    return {"id": f"ev{number}", "name": f"Show {number}", "dates": {"start": {"dateTime": start}}}


def test_past_the_depth_limit_the_search_goes_on_in_date_windows(fetcher_on, tm_key, monkeypatch):
    monkeypatch.setattr(Ticketmaster, "page_size", 500)  # two pages reach the depth limit
    searches = []

    def handler(request: httpx.Request) -> httpx.Response:
        since, number = request.url.params["startDateTime"], int(request.url.params["page"])
        searches.append((since, number))
        if since.startswith("2027-03-01"):  # the second window ends within the limit
            return httpx.Response(200, json={
                "_embedded": {"events": [event_at(9, "2027-03-02T04:00:00Z")]},
                "page": {"size": 500, "totalPages": 1, "number": 0},
            })  # fmt: skip
        start = "2027-03-01T04:00:00Z" if number == 1 else "2027-01-10T04:00:00Z"
        return httpx.Response(200, json={
            "_embedded": {"events": [event_at(number, start)]},
            "page": {"size": 500, "totalPages": 7, "number": number},
        })  # fmt: skip

    pages = fetch(fetcher_on(handler))
    assert pages.complete, pages.shortfall
    assert [number for _, number in searches] == [0, 1, 0]
    assert searches[2][0] == "2027-03-01T04:00:00Z"  # from the last event read
    assert searches[0][0] == searches[1][0]  # one search for both pages of a window
    assert len(pages.bodies) == 3


def test_a_later_page_that_fails_keeps_the_pages_read_and_says_why(fetcher_on, tm_key):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params["page"] == "1":
            return httpx.Response(503)
        return httpx.Response(200, content=page(0))

    pages = fetch(fetcher_on(handler))
    assert len(pages.bodies) == 1
    assert not pages.complete
    assert pages.shortfall.startswith("page 2 from ")
    assert pages.shortfall.endswith("failed: HTTP 503 after 3 attempts")


def test_requests_are_spaced_to_five_a_second(fetcher_on, sleeps, tm_key, monkeypatch):
    monkeypatch.setattr(Ticketmaster, "page_size", 3)
    pages = 4

    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        return httpx.Response(
            200, json={"page": {"size": 3, "totalPages": pages, "number": number}}
        )

    fetch(fetcher_on(handler))
    # Recorded sleeps pass no time, so the waits add up: the requests' slots are 0.2 s apart.
    assert len(sleeps) == pages - 1
    spacing = [later - earlier for earlier, later in zip([0.0, *sleeps[:-1]], sleeps, strict=True)]
    assert spacing == pytest.approx([0.2] * (pages - 1), abs=0.02)


def test_a_refused_key_says_so(fetcher_on, tm_key):
    body = fixture_path("ticketmaster", "error-401.json").read_bytes()
    fetcher = fetcher_on(lambda request: httpx.Response(401, content=body))
    with pytest.raises(FetchError) as error:
        fetch(fetcher)
    assert str(error.value) == (
        "HTTP 401: the API key was refused (Invalid ApiKey); check TICKETMASTER_API_KEY"
    )


def test_a_spent_quota_fails_after_the_retries(fetcher_on, tm_key):
    body = fixture_path("ticketmaster", "error-429.json").read_bytes()
    fetcher = fetcher_on(lambda request: httpx.Response(429, content=body))
    with pytest.raises(FetchError, match="^HTTP 429 after 3 attempts$"):
        fetch(fetcher)


def test_the_key_never_shows_in_a_reason(fetcher_on, tm_key):
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    with pytest.raises(FetchError) as error:
        fetch(fetcher_on(handler))
    assert tm_key not in str(error.value)
    assert "apikey=***" in str(error.value)


def test_the_sample_is_one_page_of_the_real_shape():
    recorded = json.loads(sample("ticketmaster.json"))
    assert recorded["page"]["totalPages"] == 1


@pytest.mark.django_db
def test_counters_the_api_refreshes_do_not_make_an_item_changed(tmp_path):
    from ingest.ingester import ingest

    body = json.loads(sample("ticketmaster.json"))
    first = tmp_path / "first.json"
    first.write_text(json.dumps(body))
    assert ingest(["ticketmaster"], from_path=first).ok
    event = body["_embedded"]["events"][0]
    for venue in event["_embedded"]["venues"]:
        venue["upcomingEvents"] = {"_total": 999, "ticketmaster": 999}
    again = tmp_path / "again.json"
    again.write_text(json.dumps(body))
    stats = ingest(["ticketmaster"], from_path=again).log.stats["ticketmaster"]
    assert (stats.updated, stats.unchanged) == (0, len(body["_embedded"]["events"]))
    event["name"] = "A new name"
    again.write_text(json.dumps(body))
    assert ingest(["ticketmaster"], from_path=again).log.stats["ticketmaster"].updated == 1


def test_an_event_restricted_to_the_legal_age_is_21_plus(items):
    ages = {
        item.payload.get("ageRestrictions", {}).get("legalAgeEnforced"): set() for item in items
    }
    for item in items:
        ages[item.payload.get("ageRestrictions", {}).get("legalAgeEnforced")].add(
            item.show.age_limit
        )
    assert ages[True] == {"21+"}
    assert None in ages[False]  # not restricted says nothing of "all ages"
