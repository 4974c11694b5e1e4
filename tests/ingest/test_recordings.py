"""Every source on its recorded sample: items, read-back, malformed responses, --samples."""

import pytest

from graph.models import Node
from ingest.ingester import ingest
from ingest.items import BadItem, Item, ResponseError
from ingest.reading import receiving
from ingest.sources import SOURCES
from ingest.sources.base import SAMPLES_RECORDED_ON
from tests.ingest.conftest import raw_items

# Items in each recording: what `run --all --samples` stores.
ITEMS = {
    "blue_moon": 59, "sea_monster": 21, "ticketmaster": 16, "darrells_tavern": 11, "kexp": 6,
    "barboza": 7, "neumos": 10, "conor_byrne": 9, "sunset_tavern": 7, "skylark": 7,
    "little_red_hen": 13, "royal_room": 6, "nectar_lounge": 6, "high_dive": 5, "songkick": 11,
    "bandsintown": 8, "eventbrite": 7,
}  # fmt: skip
# A body of the wrong shape for each kind of response, and the reason it fails with.
MALFORMED = [
    (b"<html><body>Service temporarily unavailable</body></html>", None),
    (b'{"unexpected": "shape"}', None),
    (b"[1, 2, 3]", None),
    (b"\x00\xff\xfe garbage", None),
]


def parse(name: str, body: bytes) -> list:
    with receiving(SAMPLES_RECORDED_ON):
        return list(SOURCES[name].parse(body))


def test_every_source_has_a_recording():
    assert set(ITEMS) == set(SOURCES)
    for source in SOURCES.values():
        assert source.sample_path.is_file(), source.name


@pytest.mark.parametrize("name", list(SOURCES))
def test_the_recording_gives_every_item_each_once(name):
    entries = parse(name, SOURCES[name].sample_path.read_bytes())
    assert [e for e in entries if isinstance(e, BadItem)] == []
    assert len(entries) == ITEMS[name]
    assert len({e.external_id for e in entries}) == len(entries)


@pytest.mark.parametrize("name", list(SOURCES))
def test_a_stored_payload_reads_alone_as_the_same_show(name):
    source = SOURCES[name]
    for item in parse(name, source.sample_path.read_bytes()):
        assert isinstance(item, Item)
        again = source.read_item(item.payload)  # as the carpenter reads it again
        assert (again.external_id, again.show) == (item.external_id, item.show)


@pytest.mark.parametrize("name", list(SOURCES))
def test_each_show_has_a_venue_a_day_and_a_title(name):
    source = SOURCES[name]
    for item in parse(name, source.sample_path.read_bytes()):
        assert (item.show.venue or source.venue) is not None
        assert item.show.title and item.show.day >= "2026-11-01"


@pytest.mark.parametrize("name", list(SOURCES))
@pytest.mark.parametrize("body", [body for body, _ in MALFORMED])
def test_a_malformed_response_is_refused_with_one_line(name, body):
    try:
        entries = parse(name, body)
    except ResponseError as error:
        reason = str(error)
        assert reason and "\n" not in reason and len(reason) <= 300
    else:  # a body some readers take for an empty listing: nothing comes of it
        assert [e for e in entries if isinstance(e, Item)] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["neumos", "conor_byrne", "songkick", "eventbrite", "nectar_lounge"]
)
def test_a_malformed_response_alters_nothing_stored(name, tmp_path):
    assert ingest([name], samples=True).ok
    before = {key: (node.data, node.updated_at) for key, node in raw_items(name).items()}
    broken = tmp_path / "broken"
    broken.write_bytes(b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>")
    outcome = ingest([name], from_path=broken)
    stats = outcome.log.stats[name]
    assert stats.status == "failed" and stats.error and "\n" not in stats.error
    assert {k: (n.data, n.updated_at) for k, n in raw_items(name).items()} == before


@pytest.mark.django_db
def test_samples_read_every_named_source_from_its_recording():
    outcome = ingest(["neumos", "ticketmaster", "songkick"], samples=True)
    assert outcome.ok, outcome.failure
    assert outcome.run.data["options"] == {"samples": True}
    for name in ("neumos", "ticketmaster", "songkick"):
        assert len(raw_items(name)) == ITEMS[name]
    assert Node.objects.labelled("raw_data").count() == 10 + 16 + 11
