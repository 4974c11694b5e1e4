"""sea_monster: reading the Wix Events warmup data inside Sea Monster Lounge's page."""

import pytest

from ingest.items import BadItem, Item, ResponseError, Show
from ingest.sources import get_source
from tests.ingest.conftest import fixture_path, sample

source = get_source("sea_monster")


@pytest.fixture(scope="module")
def items() -> list[Item]:
    return list(source.parse(sample("sea_monster.html")))


def test_the_sample_gives_every_event(items):
    assert len(items) == 21
    assert all(isinstance(item, Item) for item in items)


def test_ids_are_the_wix_event_ids_not_the_repeating_slugs(items):
    ids = [item.external_id for item in items]
    assert len(set(ids)) == 21
    assert ids[0] == "b810cc86-84a8-4c8d-a08e-8b6016055666"
    titles = [item.show.title for item in items]
    assert titles.count("Funky 2 Death") == 6  # a weekly residency: one title, many events


def test_an_event_is_read_from_the_local_wall_clock_fields(items):
    assert items[0].show == Show(
        title="Jazz Happy Hour w/ The Tarik Monroe Trio",
        day="2026-11-20",
        start_time="18:00",
        end_time="20:00",
        description="Straight-ahead jazz to start your weekend. No cover before 8.",
        url="https://www.seamonsterlounge.com/event-info/jazz-happy-hour-w-the-tarik-monroe-trio",
        image_url=(
            "https://static.wixstatic.com/media/f53b7e_88c453c9ebf2b6fdbabb37e4d1a531d6~mv2.jpg"
        ),
    )


def test_entities_are_decoded_and_titles_stripped(items):
    by_id = {item.external_id[:8]: item for item in items}
    assert by_id["43f76412"].show.title == "Marmalade & Friends"
    assert by_id["43f76412"].payload["title"] == "Marmalade &amp; Friends"  # stored as received
    assert by_id["c40f6c85"].show.title == "Funky 2 Death"
    assert by_id["c40f6c85"].payload["title"] == "Funky 2 Death "


def test_a_late_show_is_on_its_local_day(items):
    marmalade = next(item for item in items if item.external_id.startswith("43f76412"))
    assert (marmalade.show.day, marmalade.show.start_time) == ("2026-11-21", "21:30")


def test_reading_a_stored_payload_again_gives_the_same_show(items):
    for item in items:
        again = source.read_item(item.payload)  # as the carpenter reads it again
        assert (again.external_id, again.show) == (item.external_id, item.show)


def test_bad_items_are_named_and_the_rest_goes_on():
    entries = list(source.parse(fixture_path("sea_monster", "bad-items.html").read_bytes()))
    good = [entry for entry in entries if isinstance(entry, Item)]
    assert [(item.show.title, item.show.url) for item in good] == [
        ("Good Show & Friends", "https://www.seamonsterlounge.com/event-info/good-show-friends")
    ]
    reasons = [entry.reason for entry in entries if isinstance(entry, BadItem)]
    assert reasons == [
        "no id",
        "no title",
        "startDateFormatted 'Smarch 41, 2026' does not parse",
        "startTimeFormatted '25:00 PM' does not parse",
        "no date: the schedule is to be decided",
        "not an object but str",
    ]


@pytest.mark.parametrize(
    "name, message",
    [
        ("no-warmup.html", "no wix-warmup-data script in the page"),
        ("warmup-not-json.html", "the wix-warmup-data script is not JSON"),
        ("no-events-widget.html", "no events list in the page's wix-warmup-data"),
    ],
)
def test_a_page_without_readable_events_is_refused_whole(name, message):
    with pytest.raises(ResponseError, match=message):
        list(source.parse(fixture_path("sea_monster", name).read_bytes()))


def test_an_empty_page_is_refused():
    with pytest.raises(ResponseError, match="empty response"):
        list(source.parse(b"  \n"))
