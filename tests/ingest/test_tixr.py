"""Tixr (nectar_lounge, high_dive): a group's events, in milliseconds since 1970."""

import json

import pytest

from ingest.items import ResponseError
from ingest.sources import get_source
from tests.ingest.conftest import sample
from tests.ingest.platforms import bad, shows


def test_an_event_in_local_time_with_its_acts():
    show = shows("nectar_lounge", sample("nectar_lounge.json"))["154290"]
    assert (show.title, show.day, show.start_time) == (
        "Dub Architects with Roots Radar",
        "2026-12-12",
        "20:00",
    )
    assert show.artists == ("Dub Architects", "Roots Radar")
    assert show.description == "Reggae and dub. 21+."
    assert show.image_url.startswith("https://cdn.tixr.com/")


def test_each_venue_asks_for_its_own_group():
    assert (
        get_source("nectar_lounge").url()
        == "https://www.tixr.com/v1/groups/748/events?cpk=MTU1OQ=="
    )
    assert get_source("high_dive").url() == "https://www.tixr.com/v1/groups/749/events?cpk=MTU1OA=="


def test_bad_items_are_named():
    good = json.loads(sample("high_dive.json"))[0]
    body = json.dumps(
        [
            {**good, "id": None},
            {**good, "start_date": "tomorrow"},
            {**good, "start_date": 10**20},
            good,
        ]
    ).encode()
    assert bad("high_dive", body) == [
        "no id",
        "start_date is not a number of milliseconds",
        "start_date 100000000000000000000 is out of range",
    ]


@pytest.mark.parametrize(
    "body, reason", [(b'{"error": "bad cpk"}', "not a JSON list"), (b"<html>", "not JSON")]
)
def test_a_malformed_answer_is_refused(body, reason):
    with pytest.raises(ResponseError, match=reason):
        shows("high_dive", body)
