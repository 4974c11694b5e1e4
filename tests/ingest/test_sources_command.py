"""``manage.py sources``: each source, whether it can run here, and its last run."""

import io

import pytest
from django.core.management import call_command

from graph.audit import RunLog, close_abandoned_runs
from tests.conftest import SAMPLES

pytestmark = pytest.mark.django_db


def sources_command() -> dict[str, str]:
    out = io.StringIO()
    call_command("sources", stdout=out)
    return {line.split()[0]: line for line in out.getvalue().splitlines()[2:]}


SEVENTEEN = [
    "blue_moon", "sea_monster", "ticketmaster", "darrells_tavern", "kexp", "barboza", "neumos",
    "conor_byrne", "sunset_tavern", "skylark", "little_red_hen", "royal_room", "nectar_lounge",
    "high_dive", "songkick", "bandsintown", "eventbrite",
]  # fmt: skip


def test_every_source_is_listed_with_whether_it_can_run(no_tm_key, settings):
    settings.DICE_API_KEY = ""
    rows = sources_command()
    assert list(rows) == SEVENTEEN
    assert "Blue Moon Tavern" in rows["blue_moon"] and " yes " in rows["blue_moon"]
    assert "no: TICKETMASTER_API_KEY is not set" in rows["ticketmaster"]
    assert "no: DICE_API_KEY is not set" in rows["sunset_tavern"]
    assert all("never" in row for row in rows.values())


@pytest.mark.parametrize(
    "name, platform, terms",
    [
        ("conor_byrne", "VenuePilot", "undocumented endpoint"),
        ("sunset_tavern", "DICE", "documented API, key"),
        ("nectar_lounge", "Tixr", "undocumented endpoint"),
        ("neumos", "events_ajax (Carbonhouse)", "undocumented endpoint"),
        ("sea_monster", "Wix Events", "public page"),
        ("songkick", "schema.org JSON-LD", "public feed"),
        ("ticketmaster", "Ticketmaster Discovery API", "documented API, key"),
        ("kexp", "own site", "public page"),
    ],
)
def test_each_source_shows_its_platform_and_terms(name, platform, terms):
    row = sources_command()[name]
    assert platform in row and terms in row


def test_a_source_switched_off_says_so(settings):
    settings.SOURCES_DISABLED = ["kexp"]
    assert "no: switched off by SOURCES_DISABLED" in sources_command()["kexp"]


def test_with_its_key_ticketmaster_can_run(tm_key):
    assert " yes " in sources_command()["ticketmaster"]


def test_the_last_run_of_each_source_is_shown():
    call_command("ingest", "blue_moon", "--from", SAMPLES / "blue_moon.json", stdout=io.StringIO())
    call_command("ingest", "blue_moon", "--from", SAMPLES / "blue_moon.json", stdout=io.StringIO())
    rows = sources_command()
    assert rows["blue_moon"].split()[-5:] == ["succeeded", "0", "0", "59", "0"]
    assert "never" in rows["sea_monster"]


def test_a_run_still_going_says_so():
    run = RunLog("ingest_run", sources=["sea_monster"]).start()
    assert f"({run.pk[:8]})" in sources_command()["sea_monster"]
    assert "running" in sources_command()["sea_monster"]


@pytest.mark.django_db(transaction=True)
def test_help(manage):
    result = manage("sources", "--help")
    assert result.returncode == 0
    assert "whether it can run" in result.stdout


def test_a_killed_run_shows_as_interrupted():
    RunLog("ingest_run", sources=["sea_monster"]).start()
    close_abandoned_runs("ingest_run", ["sea_monster"])
    assert " interrupted " in sources_command()["sea_monster"]
