"""/healthz: 200 with the last successful run per source, 503 when the database fails."""

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_healthy_database_answers_200_with_last_successes(client, graph):
    graph.run(kind="ingest", sources=["blue_moon"])
    carpenter = graph.run(kind="carpenter", sources=["blue_moon", "sea_monster"])
    graph.run(kind="carpenter", sources=["sea_monster"], failed_source=("sea_monster", "HTTP 503"))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    blue_moon = body["last_success"]["blue_moon"]
    assert blue_moon["ingest"] is not None
    assert blue_moon["carpenter"] == carpenter.data["finished_at"].replace("Z", "+00:00")
    # The later failed run does not count: its last success is the earlier run.
    assert body["last_success"]["sea_monster"]["carpenter"] == blue_moon["carpenter"]
    assert body["last_success"]["sea_monster"]["ingest"] is None
    assert response["Cache-Control"].startswith("max-age=0")


def test_no_login_needed(client):
    assert client.get("/healthz").status_code == 200


def test_a_failing_database_answers_503(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError('connection to server at "10.0.0.5", port 5432 failed: user "sms"')

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "unreachable"
    # Anyone may ask: the details (host, user) stay in the server's log.
    assert "10.0.0.5" not in response.content.decode() and "sms" not in response.content.decode()
