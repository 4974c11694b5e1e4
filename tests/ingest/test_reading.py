"""The helpers sources read untrusted items with."""

import json
import math

import pytest

from ingest.items import ItemError
from ingest.reading import (
    clock_time,
    coordinate,
    identifier,
    iso_day,
    long_date,
    storable,
    twelve_hour,
    web_url,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("May 6, 2024", "2024-05-06"),
        ("November 20, 2026", "2026-11-20"),
        ("jan 1 2027", "2027-01-01"),
    ],
)
def test_long_dates_read_without_the_locale(value, expected):
    assert long_date(value) == expected


@pytest.mark.parametrize("value", ["Smarch 4, 2026", "February 30, 2026", "", "2026-05-06", None])
def test_long_dates_that_do_not_parse_name_the_value(value):
    with pytest.raises(ItemError, match="does not parse"):
        long_date(value, field="startDateFormatted")


@pytest.mark.parametrize(
    "value, expected",
    [("9:00 PM", "21:00"), ("12:30 AM", "00:30"), ("12:00 PM", "12:00"), ("9pm", "21:00")],
)
def test_twelve_hour_times(value, expected):
    assert twelve_hour(value) == expected


@pytest.mark.parametrize("value, expected", [("20:00:00", "20:00"), ("07:30", "07:30")])
def test_clock_times(value, expected):
    assert clock_time(value) == expected


@pytest.mark.parametrize("value", ["24:00:00", "9pm", "", None, 2000])
def test_clock_times_that_do_not_parse(value):
    with pytest.raises(ItemError, match="does not parse"):
        clock_time(value)


def test_iso_days_refuse_impossible_dates():
    assert iso_day("2026-12-24") == "2026-12-24"
    with pytest.raises(ItemError, match="'2026-02-30' does not parse"):
        iso_day("2026-02-30")


def test_identifiers():
    assert identifier(" abc ") == "abc"
    assert identifier(42) == "42"
    for missing in (None, "", "   "):
        with pytest.raises(ItemError, match="no id"):
            identifier(missing)
    with pytest.raises(ItemError, match="not text"):
        identifier({"nested": 1})
    with pytest.raises(ItemError, match="longer than 200"):
        identifier("x" * 201)


def test_only_absolute_web_links_are_kept():
    assert web_url("https://example.org/a b") == "https://example.org/a b"
    assert web_url(" http://example.org/ ") == "http://example.org/"
    for bad in ("javascript:alert(1)", "/event-info/x", "ftp://example.org", 3, None):
        assert web_url(bad) is None


def test_coordinates_are_floats_in_range():
    assert coordinate("47.614155", limit=90) == 47.614155
    assert coordinate("123", limit=90) is None
    assert coordinate("north", limit=180) is None


def test_storable_replaces_what_databases_refuse():
    received = json.loads('{"t": "a\\u0000b", "s": "\\ud800x", "ok": "\\ud83c\\udf89", "n": NaN}')
    assert math.isnan(received["n"])
    assert storable(received) == {"t": "a\ufffdb", "s": "\ufffdx", "ok": "🎉", "n": "NaN"}
    assert storable([1, "plain", {"x": None}]) == [1, "plain", {"x": None}]


# -- helpers the platform readers share ------------------------------------------------

import datetime as dt  # noqa: E402

from ingest import reading  # noqa: E402


@pytest.mark.parametrize(
    "value, expected",
    [
        ("8:00 PM", "20:00"),
        ("8pm", "20:00"),
        ("1 p.m.", "13:00"),
        ("20:00:00", "20:00"),
        ("noon", "12:00"),
    ],
)
def test_any_time_reads_times_as_venues_write_them(value, expected):
    assert reading.any_time(value) == expected


def test_a_year_less_date_is_the_next_such_day():
    with reading.receiving(dt.date(2026, 12, 2)):
        assert reading.year_for(1, 8) == "2027-01-08"
        assert reading.year_for(11, 20) == "2026-11-20"  # within the grace of past days
        assert reading.year_for(9, 1) == "2027-09-01"
    with pytest.raises(ItemError, match="is not a day"):
        reading.year_for(2, 30)


def test_epoch_millis_in_local_time_and_out_of_range():
    # 03:00 UTC on 1 December is 7 PM on 30 November in Seattle.
    assert reading.epoch_millis(1796094000000) == ("2026-11-30", "19:00")
    with pytest.raises(ItemError, match="out of range"):
        reading.epoch_millis(10**20)


@pytest.mark.parametrize(
    "value, expected",
    [
        (21, "21+"),
        (0, "all ages"),
        ("All Ages", "all ages"),
        ("21 & Over", "21+"),
        ("18+", "18+"),
        (None, None),
    ],
)
def test_age_limits_in_one_spelling(value, expected):
    assert reading.age_limit(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("https://schema.org/EventCancelled", "cancelled"),
        ("CANCELED", "cancelled"),
        ("postponed", "postponed"),
        ("on-sale", "scheduled"),
        (None, "scheduled"),
    ],
)
def test_show_status(value, expected):
    assert reading.show_status(value) == expected


def test_prices_and_currencies():
    assert reading.prices("$15", "20.00", None, "free entry") == (15.0, 20.0)
    assert reading.price(float("nan")) is None and reading.price(-3) is None
    assert (reading.currency("usd"), reading.currency("dollars")) == ("USD", None)


def test_an_offset_that_overflows_the_calendar_is_a_bad_item():
    with pytest.raises(ItemError, match="does not parse"):
        reading.day_and_time("9999-12-31T23:59:59-12:00")


@pytest.mark.parametrize(
    ("texts", "age"),
    [
        (("Dead Bars w/ Tacocat (21+)", None), "21+"),
        (("Dead Bars", "$10 at the door. 21+"), "21+"),
        (("Dead Bars - All Ages", None), "all ages"),
        (("Dead Bars", "18 and over, ID required"), "18+"),
        (("Blink+182 tribute", "Tickets $21+ fees"), None),  # a price, not an age
        (("Dead Bars", None), None),
    ],
)
def test_an_age_limit_said_in_words(texts, age):
    from ingest.reading import age_in_text

    assert age_in_text(*texts) == age


def test_a_title_that_says_21_plus_gives_the_show_its_age_limit():
    from ingest.sources import get_source
    from tests.carpenter.conftest import blue_moon_item

    item = get_source("blue_moon").read_item(
        blue_moon_item("x1", "Dead Bars (21+)", "2026-12-12T21:00")
    )
    assert item.show.age_limit == "21+"
