"""`manage.py demo` (the whole city from the recordings) and the sources' system checks."""

import io

import pytest
from django.core.management import call_command

from carpenter.management.commands import demo
from graph import schemas
from graph.models import Node
from ingest.checks import sources_disabled_names_known_sources
from tests.conftest import SAMPLES


@pytest.mark.django_db
def test_the_demo_builds_the_city_and_names_its_port(monkeypatch, tmp_path):
    monkeypatch.setattr(demo, "LOGIN_FILE", tmp_path / "demo-admin.txt")
    out = io.StringIO()
    call_command("demo", "--port", "8123", stdout=out)
    assert "Open http://127.0.0.1:8123/" in out.getvalue()
    sources = {raw.data["source"] for raw in Node.objects.labelled("raw_data")}
    assert len(sources) == 17
    assert Node.objects.labelled("event").count() > 150
    # The audit's records skip validation (schemas.stored_record): each is stored exactly
    # as its schema would have stored it.
    records = Node.objects.filter(label__in=["ingest_record", "carpenter_record"])
    assert {r.data["change_type"] for r in records} >= {"create", "skip"}
    for record in records:
        assert schemas.validate(record.label, record.data) == record.data, record.data


def test_an_unknown_name_in_sources_disabled_is_warned_of(settings):
    settings.SOURCES_DISABLED = ["kexp", "kepx"]
    (warning,) = sources_disabled_names_known_sources()
    assert warning.id == "ingest.W001" and "'kepx'" in warning.msg
    settings.SOURCES_DISABLED = ["kexp"]
    assert sources_disabled_names_known_sources() == []


@pytest.mark.django_db(transaction=True)
def test_a_run_still_warns_of_an_unknown_name_in_sources_disabled(manage):
    # A run skips only the URLconf's checks (their import is the GraphQL schema).
    result = manage(
        "run",
        "blue_moon",
        "--from",
        str(SAMPLES / "blue_moon.json"),
        "--since",
        "2000-01-01",
        env={"SOURCES_DISABLED": "kepx"},
    )
    assert result.returncode == 0, result.stderr
    assert "ingest.W001" in result.stderr and "'kepx'" in result.stderr
