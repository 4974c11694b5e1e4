"""Matching what a source calls a venue to the venue we have."""

import pytest

from carpenter.venues import VenueIndex, learn, metres_between, new_venue_data, normalise
from graph.models import Node
from ingest.items import VenueFacts

pytestmark = pytest.mark.django_db

SHOWBOX = VenueFacts("The Showbox", "1426 1st Ave", "Seattle", "98101", 47.608489, -122.339331)
NEUMOS = VenueFacts("Neumos", "925 E Pike St", "Seattle", "98122", 47.614155, -122.319634)
MOORE = VenueFacts("Moore Theatre", "1932 2nd Ave", "Seattle", "98101", 47.611711, -122.341899)


@pytest.fixture
def index():
    for facts in (SHOWBOX, NEUMOS, MOORE):
        Node.objects.create_node("venue", new_venue_data(facts))
    return VenueIndex.load()


def matched(index, **facts):
    found = index.match(VenueFacts(**facts))
    return (found.venue.data["name"], found.how) if found else None


def test_exact_by_slug(index):
    assert matched(index, name="The Showbox") == ("The Showbox", "slug")
    assert matched(index, name="Showbox") == ("The Showbox", "slug")  # "The" does not count


def test_by_alias(index):
    # Known aliases come with the venue: "Showbox at the Market" is The Showbox.
    assert matched(index, name="Showbox at the Market") == ("The Showbox", "name")
    assert matched(index, name="Neumos Crystal Ball Reading Room") == ("Neumos", "name")
    assert matched(index, name="NEUMO'S") == ("Neumos", "slug")  # case and punctuation


def test_fuzzy_name(index):
    assert matched(index, name="Moore Theatr") == ("Moore Theatre", "fuzzy")
    assert matched(index, name="The Mooore Theatre") == ("Moore Theatre", "fuzzy")
    assert matched(index, name="Moore Theatre, The") == ("Moore Theatre", "slug")


def test_coordinates(index):
    # A name we do not know, at the Showbox's door (20 m away).
    found = matched(
        index, name="The Showbox Seattle Downtown", latitude=47.60865, longitude=-122.33945
    )
    assert found == ("The Showbox", "coordinates")


def test_near_misses_do_not_match(index):
    # Same words, another place 2.3 km south.
    assert matched(index, name="Showbox SoDo", latitude=47.587856, longitude=-122.334221) is None
    # Same building as Neumos, another venue.
    assert matched(index, name="Barboza", latitude=47.614155, longitude=-122.319634) is None
    # A similar name far away is not a typo of ours.
    assert matched(index, name="Moore Theatr", latitude=47.2, longitude=-122.4) is None


def test_a_new_venue_gets_its_known_name_and_aliases():
    data = new_venue_data(VenueFacts("Showbox at the Market"))
    assert data["name"] == "The Showbox" and data["slug"] == "showbox"
    assert "Showbox at the Market" in data["aliases"]


def test_learning_adds_aliases_and_fills_gaps_but_keeps_what_is_there(index):
    neumos = index.match(VenueFacts("Neumos")).venue
    learnt = learn(
        neumos, VenueFacts("Neumos Seattle", address="elsewhere", url="https://neumos.com")
    )
    assert "Neumos Seattle" in learnt["aliases"]
    assert learnt["address"] == "925 E Pike St"  # kept
    assert learnt["url"] == "https://neumos.com"  # filled


def test_normalise_and_distance():
    assert normalise("The Crocodile") == normalise("crocodile") == "crocodile"
    assert normalise("Kate & Co.") == "kate and co"
    assert 2200 < metres_between((47.608489, -122.339331), (47.587856, -122.334221)) < 2400


def test_known_venues_carry_their_neighbourhood_from_the_one_table(db):
    """Every venue of the recordings is in the table, so fans can filter by it."""
    from carpenter.service import carpenter
    from graph.models import Node
    from ingest.ingester import ingest
    from ingest.sources import SOURCES

    ingest([name for name, s in SOURCES.items() if s.venue], samples=True)
    assert carpenter([name for name, s in SOURCES.items() if s.venue], since="2000-01-01").ok
    places = {v.data["name"]: v.data["neighbourhood"] for v in Node.objects.labelled("venue")}
    assert places["Blue Moon Tavern"] == "University District"
    assert places["Neumos"] == "Capitol Hill"
    assert None not in places.values(), places
