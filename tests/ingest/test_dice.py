"""DICE (sunset_tavern): the partners API's events, its key, its pages."""

import json

import httpx
import pytest

from ingest.ingester import ingest
from ingest.items import ResponseError
from tests.ingest.conftest import sample
from tests.ingest.platforms import bad, fetch, shows

EVENTS = json.loads(sample("sunset_tavern.json"))["data"]


def test_an_event_in_local_time_with_its_lineup_prices_and_genres():
    show = shows("sunset_tavern", sample("sunset_tavern.json"))["6a1f0c2e9b7d4a0012c3e403"]
    assert (show.title, show.day, show.start_time, show.end_time) == (
        "Hollow Pines", "2026-12-11", "21:00", "23:59"
    )  # fmt: skip
    assert show.artists == ("Hollow Pines", "Cedar & Smoke", "Little Raven")
    assert (show.price_low, show.price_high, show.currency) == (15.0, 15.0, "USD")
    assert (show.age_limit, show.genres) == ("21+", ("folk",))
    assert show.url.startswith("https://link.dice.fm/")


def test_a_late_show_ending_after_midnight_has_no_end_time():
    show = shows("sunset_tavern", sample("sunset_tavern.json"))["6a1f0c2e9b7d4a0012c3e402"]
    assert (show.day, show.start_time, show.end_time) == ("2026-12-05", "21:00", None)


def test_bad_items_are_named():
    good = EVENTS[0]
    overflowing = "9999-12-31T23:59:59-12:00"
    items = [{**good, "id": ""}, {**good, "date": "soon"}, {**good, "date": overflowing}, good]
    body = json.dumps({"data": items}).encode()
    reasons = bad("sunset_tavern", body)
    assert reasons[:2] == ["no id", "date 'soon' does not parse"]
    assert reasons[2] == "date '9999-12-31T23:59:59-12:00' does not parse"


@pytest.mark.parametrize(
    "body, reason", [(b'{"errors": "nope"}', "no data list"), (b"[]", "not a JSON object")]
)
def test_a_malformed_answer_is_refused(body, reason):
    with pytest.raises(ResponseError, match=reason):
        shows("sunset_tavern", body)


def test_the_key_is_sent_and_next_links_followed(fetcher_on, settings):
    settings.DICE_API_KEY = "dice-key"
    asked = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        number = int(request.url.params.get("page[number]", "1"))
        following = f"https://partners-endpoint.dice.fm/api/v2/events?page[number]={number + 1}"
        return httpx.Response(
            200, json={"data": [], "links": {"next": following if number < 2 else None}}
        )

    pages = fetch("sunset_tavern", fetcher_on(handler))
    assert pages.complete and len(pages.bodies) == 2
    assert all(request.headers["x-api-key"] == "dice-key" for request in asked)
    assert asked[0].url.params["filter[venues][]"] == "Sunset Tavern"


@pytest.mark.django_db
def test_without_a_key_it_is_skipped_saying_so(settings):
    settings.DICE_API_KEY = ""
    stats = ingest(["sunset_tavern"]).log.stats
    assert (stats["sunset_tavern"].status, stats["sunset_tavern"].error) == (
        "skipped", "DICE_API_KEY is not set"
    )  # fmt: skip
