"""blue_moon: reading the Wix calendar feed of the Blue Moon Tavern."""

import io
import json

import pytest

from ingest.items import BadItem, Item, ResponseError, Show
from ingest.sources import get_source
from ingest.sources.blue_moon import CALENDAR_PAGE, FEED_URL
from tests.ingest.conftest import fixture_path, sample

source = get_source("blue_moon")


@pytest.fixture(scope="module")
def items() -> list[Item]:
    return list(source.parse(sample("blue_moon.json")))


def test_the_sample_gives_every_event(items):
    assert len(items) == 59
    assert all(isinstance(item, Item) for item in items)
    assert len({item.external_id for item in items}) == 59


def test_every_event_of_a_day_is_taken_not_only_the_first(items):
    first_day = [item.show for item in items if item.show.day == "2026-11-20"]
    assert [(show.start_time, show.title) for show in first_day] == [
        ("18:00", "Early Show: The Rain City Ramblers w/ Dana Kollar, Pete Moss"),
        ("21:00", "Late Show: Grudge Match / Thee Pillbugs / Neon Vultures"),
    ]
    days = [item.show.day for item in items]
    assert max(days.count(day) for day in set(days)) == 3


def test_a_timed_event_is_read_in_local_time(items):
    assert items[0] == Item(
        "93p54u6sbg46o9aeel3loto3u0",
        items[0].payload,
        Show(
            title="Early Show: The Rain City Ramblers w/ Dana Kollar, Pete Moss",
            day="2026-11-20",
            start_time="18:00",
            end_time="20:30",
            description="Bluegrass happy hour. $5 suggested donation.",
            url=CALENDAR_PAGE,
        ),
    )


def test_the_all_day_item_has_no_time(items):
    (christmas_eve,) = [item for item in items if item.payload["allDay"]]
    assert christmas_eve.show.day == "2026-12-24"
    assert christmas_eve.show.start_time is None
    assert christmas_eve.show.end_time is None


def test_reading_a_stored_payload_again_gives_the_same_show(items):
    for item in items:
        again = source.read_item(item.payload)  # as the carpenter reads it again
        assert (again.external_id, again.show) == (item.external_id, item.show)


def test_bad_items_are_named_and_the_rest_goes_on():
    entries = list(source.parse(fixture_path("blue_moon", "bad-items.json").read_bytes()))
    good = [entry.external_id for entry in entries if isinstance(entry, Item)]
    bad = [(entry.external_id, entry.reason) for entry in entries if isinstance(entry, BadItem)]
    # The second "good-early" is a duplicate: the ingester, not the source, refuses it.
    assert good == ["good-early", "good-late", "good-early"]
    assert bad == [
        (None, "no id"),
        ("no-title", "no title"),
        ("bad-date", "startDate '12/02/2026 9pm' does not parse"),
        (None, "not an object but str"),
        (None, "not an object but int"),
    ]


@pytest.mark.parametrize(
    "name, message",
    [
        ("not-json.html", "not JSON"),
        ("empty.json", "empty response"),
        ("no-events.json", "no eventsByDates object in the response"),
    ],
)
def test_a_response_that_does_not_parse_is_refused_whole(name, message):
    with pytest.raises(ResponseError, match=message):
        list(source.parse(fixture_path("blue_moon", name).read_bytes()))


def test_a_feed_read_as_a_stream_gives_what_it_gives_read_whole():
    body = sample("blue_moon.json")
    assert list(source.split_file(io.BytesIO(body))) == list(source.split(body))


def test_a_feed_the_stream_parser_refuses_half_way_is_read_whole_each_event_once():
    # yajl refuses a number out of range that Python's JSON reads (as infinity).
    feed = {"eventsByDates": {"2027-01-01": [{"id": "a"}], "2027-01-02": [{"id": "b"}]}}
    body = json.dumps(feed).replace('"b"}', '"b", "capacity": 1e400}').encode()
    ids = [payload["id"] for payload in source.split_file(io.BytesIO(body))]
    assert ids == ["a", "b"]


def test_a_feed_cut_short_is_refused_in_json_s_own_words():
    body = json.dumps({"eventsByDates": {"2027-01-01": [{"id": "a"}]}}).encode()[:-3]
    with pytest.raises(ResponseError, match=r"not JSON: Expecting ',' delimiter: line 1"):
        list(source.split_file(io.BytesIO(body)))


def test_the_feed_address_is_configuration(settings):
    settings.BLUE_MOON_FEED_URL = ""
    assert source.url() == FEED_URL
    settings.BLUE_MOON_FEED_URL = "https://example.org/feed"
    assert source.url() == "https://example.org/feed"
