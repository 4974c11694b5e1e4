"""The admin's change form of an event or venue: its schema's fields, saved as overrides."""

import pytest

from carpenter.service import carpenter
from graph.models import Node
from ingest.ingester import ingest
from ingest.sources.base import SAMPLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    """An event the real pipeline built from the Blue Moon sample, with a lineup."""
    ingest(["blue_moon"], from_path=SAMPLES / "blue_moon.json")
    assert carpenter(["blue_moon"], since="2000-01-01").ok
    return (
        Node.objects.labelled("event")
        .where(title="Late Show: Grudge Match / Thee Pillbugs / Neon Vultures")
        .get()
    )


def form_of(node, **changes):
    """The form's fields as the page fills them, with ``changes``."""
    data = node.data
    names = {a.data["slug"]: a.data["name"] for a in node.neighbours("performs_at", "in")}
    from carpenter.events import billing

    fields = {
        "title": data["title"],
        "day": data["day"],
        "start_time": data.get("start_time") or "",
        "lineup": "\n".join(names[s] for s in billing(data)),
    }
    if data.get("hidden"):
        fields["hidden"] = "on"
    return {**fields, **changes}


def lineup(event):
    return sorted(a.data["slug"] for a in event.neighbours("performs_at", "in"))


def test_the_event_form_has_the_schemas_fields_not_json(admin_client, show):
    page = admin_client.get(f"/admin/graph/event/{show.pk}/change/").content.decode()
    assert 'type="date" name="day" value="' in page
    assert 'type="time" name="start_time" value="' in page
    assert '<textarea name="lineup"' in page and "Grudge Match\nThee Pillbugs" in page
    assert 'name="title"' in page and 'name="hidden"' in page
    assert "sms-json-edit" not in page  # no JSON text area to type into
    # Each box's help is its schema field's docstring.
    assert "Local day of the show, YYYY-MM-DD." in page
    assert "Local start time HH:MM; null for an all-day item" in page


def test_a_correction_from_the_form_survives_process_all_and_comes_off(admin_client, show):
    url = f"/admin/graph/event/{show.pk}/change/"
    form = form_of(show, title="Grudge Match (farewell)", start_time="22:30", lineup="Grudge Match")
    assert admin_client.post(url, form).status_code == 302
    run = Node.objects.labelled("carpenter_run").order_by("-created_at").first()
    assert run.data["options"]["by"] == "admin"
    (record,) = run.neighbours("has_record")
    assert "title, start_time, lineup corrected by admin" in record.data["summary"]

    assert carpenter(["blue_moon"], since="2000-01-01", process_all=True).ok
    show.refresh_from_db()
    assert (show.data["title"], show.data["start_time"]) == ("Grudge Match (farewell)", "22:30")
    assert lineup(show) == ["grudge-match"]

    page = admin_client.get(url).content.decode()
    assert "Corrected by admin" in page and 'name="restore_title"' in page
    back = {**form_of(show), "restore_title": "on", "restore_lineup": "on"}
    assert admin_client.post(url, back).status_code == 302
    show.refresh_from_db()
    assert show.data["title"] == "Late Show: Grudge Match / Thee Pillbugs / Neon Vultures"
    assert lineup(show) == ["grudge-match", "neon-vultures", "thee-pillbugs"]
    assert show.data["start_time"] == "22:30"  # still corrected: only two came off


def test_a_venue_form_corrects_name_address_and_neighbourhood(admin_client, show):
    venue = Node.objects.get_node("venue", slug="blue-moon-tavern")
    url = f"/admin/graph/venue/{venue.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert 'name="neighbourhood"' in page and "sms-json-edit" not in page
    form = {"name": "The Blue Moon", "address": "712 NE 45th St", "neighbourhood": "U District"}
    assert admin_client.post(url, form).status_code == 302
    assert carpenter(["blue_moon"], since="2000-01-01", process_all=True).ok
    venue.refresh_from_db()
    assert (venue.data["name"], venue.data["neighbourhood"]) == ("The Blue Moon", "U District")
    assert Node.objects.labelled("venue").count() == 1


def test_a_required_title_is_asked_for(admin_client, show):
    url = f"/admin/graph/event/{show.pk}/change/"
    response = admin_client.post(url, form_of(show, title=""))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    show.refresh_from_db()
    assert show.data["title"].startswith("Late Show")
