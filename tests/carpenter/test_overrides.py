"""Corrections that stick: operators' overrides survive re-processing, and come off."""

import pytest

from carpenter import overrides
from carpenter.service import carpenter
from graph.models import Node
from graph.store import GraphError
from tests.carpenter.conftest import blue_moon_item, events

pytestmark = pytest.mark.django_db


def run(**options):
    return carpenter(["blue_moon"], since="2000-01-01", **options)


def lineup(event):
    return sorted(a.data["slug"] for a in event.neighbours("performs_at", "in"))


@pytest.fixture
def show(store_raw):
    store_raw("blue_moon", [blue_moon_item("a1", "Dead Bars w/ Tacocat", "2026-12-12T21:00")])
    assert run().ok
    (event,) = events()
    return event


def records_of(run_node):
    return list(run_node.neighbours("has_record"))


def test_a_corrected_title_time_and_lineup_survive_process_all(show):
    overrides.set_fields(
        [show],
        {
            "title": "Dead Bars (farewell)",
            "start_time": "21:30",
            "lineup": ["Dead Bars", "Mudhoney"],
        },
        by="operator",
    )
    assert run(process_all=True).ok
    (event,) = events()
    assert event.pk == show.pk
    assert (event.data["title"], event.data["start_time"]) == ("Dead Bars (farewell)", "21:30")
    assert lineup(event) == ["dead-bars", "mudhoney"]
    corrected = event.data["overrides"]["title"]
    assert (corrected["by"], corrected["was"]) == ("operator", "Dead Bars w/ Tacocat")
    assert event.data["field_sources"]["title"] == "override"


def test_the_correction_is_in_the_audit_trail(show):
    overrides.set_fields([show], {"title": "Dead Bars"}, by="operator")
    run_node = Node.objects.labelled("carpenter_run").order_by("-created_at").first()
    assert run_node.data["options"] == {"action": "override", "by": "operator", "trigger": "admin"}
    (record,) = records_of(run_node)
    assert record.data["summary"].endswith("title corrected by operator")
    assert record.data["diff"]["title"] == {"old": "Dead Bars w/ Tacocat", "new": "Dead Bars"}


def test_removing_an_override_goes_back_to_the_sources(show):
    overrides.set_fields([show], {"title": "Wrong", "lineup": ["Mudhoney"]}, by="operator")
    assert run(process_all=True).ok
    overrides.remove(events(), ["title", "lineup"], by="operator")
    (event,) = events()
    assert event.data["title"] == "Dead Bars w/ Tacocat"
    assert not event.data.get("overrides")
    assert lineup(event) == ["dead-bars", "tacocat"]
    assert run(process_all=True).ok
    assert events()[0].data["title"] == "Dead Bars w/ Tacocat"


def test_a_source_change_under_an_override_shows_when_it_comes_off(show, store_raw):
    overrides.set_fields([show], {"title": "Corrected"}, by="operator")
    store_raw(
        "blue_moon", [blue_moon_item("a1", "Dead Bars w/ Tacocat, Mudhoney", "2026-12-12T21:00")]
    )
    assert run().ok
    assert events()[0].data["title"] == "Corrected"
    overrides.remove(events(), ["title"], by="operator")
    assert events()[0].data["title"] == "Dead Bars w/ Tacocat, Mudhoney"


def test_hiding_is_an_override_that_process_all_keeps(show):
    from web.api.hiding import set_hidden

    set_hidden([show.pk], True, by="operator")
    assert run(process_all=True).ok
    (event,) = events()
    assert event.data["hidden"] is True
    assert event.data["overrides"]["hidden"]["by"] == "operator"
    set_hidden([show.pk], False, by="operator")
    (event,) = events()
    assert event.data["hidden"] is False and not event.data.get("overrides")


def test_a_venue_correction_survives_the_next_run(show, store_raw):
    venue = Node.objects.get_node("venue", slug="blue-moon-tavern")
    overrides.set_fields(
        [venue], {"name": "The Blue Moon", "neighbourhood": "U District"}, by="operator"
    )
    store_raw("blue_moon", [blue_moon_item("a2", "Mudhoney", "2026-12-13T21:00")])
    assert run(process_all=True).ok
    venue.refresh_from_db()
    assert (venue.data["name"], venue.data["neighbourhood"]) == ("The Blue Moon", "U District")
    assert Node.objects.labelled("venue").count() == 1


def test_only_the_fields_of_the_label_can_be_corrected(show):
    with pytest.raises(GraphError, match="venue_id cannot be corrected"):
        overrides.set_fields([show], {"venue_id": "elsewhere"}, by="operator")
