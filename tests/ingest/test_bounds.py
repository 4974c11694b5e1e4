"""One bad item is that item's error; bounds cut what is too big, and say so."""

import json

import pytest

from carpenter.service import carpenter
from graph import bounds
from graph.models import Node
from graph.schemas import GraphDataError, validate
from ingest import ingester
from ingest.ingester import ingest
from tests.ingest.conftest import raw_items, sample

pytestmark = pytest.mark.django_db


def feed_with(tmp_path, *extra, replace_first=None):
    """The Blue Moon recording with ``extra`` items put first on its first day."""
    feed = json.loads(sample("blue_moon.json"))
    day = next(iter(feed["eventsByDates"]))
    first = feed["eventsByDates"][day][0]
    items = [dict(first, **item) for item in extra]
    if replace_first is not None:
        feed["eventsByDates"][day][0] = dict(first, **replace_first)
    feed["eventsByDates"][day][:0] = items
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))
    return path


def errors(outcome):
    return {
        r.data.get("external_id"): r.data["reason"]
        for r in outcome.run.neighbours("has_record")
        if r.data["change_type"] == "error"
    }


def deep(levels):
    value = "bottom"
    for _ in range(levels):
        value = [value]
    return value


class TestOneBadItem:
    @pytest.mark.parametrize("start", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
    def test_a_start_past_the_calendar_is_that_items_error(self, tmp_path, start):
        outcome = ingest(
            ["blue_moon"], from_path=feed_with(tmp_path, {"id": "edge", "startDate": start})
        )
        assert outcome.ok
        assert "does not parse" in errors(outcome)["edge"]
        assert len(raw_items("blue_moon")) == 59

    def test_an_item_nested_hundreds_deep_is_its_error_and_the_rest_is_stored(self, tmp_path):
        path = feed_with(tmp_path, {"id": "deep", "extra": deep(400)})
        outcome = ingest(["blue_moon"], from_path=path)
        assert outcome.ok
        assert errors(outcome)["deep"] == f"nested more than {bounds.MAX_DEPTH} levels deep"
        assert len(raw_items("blue_moon")) == 59
        (record,) = [
            r for r in outcome.run.neighbours("has_record") if r.data["external_id"] == "deep"
        ]
        assert bounds.CLIPPED in json.dumps(record.data["item"], ensure_ascii=False)

    def test_validate_refuses_what_cannot_be_serialised_as_graph_data_error(self):
        data = {
            "source": "s",
            "summary": "x",
            "change_type": "error",
            "at": "2026-12-02T00:00:00Z",
            "item": deep(400),
        }
        with pytest.raises(GraphDataError, match="cannot be stored as JSON"):
            validate("ingest_record", data)

    def test_an_item_the_store_refuses_is_its_error_and_the_batch_is_kept(
        self, tmp_path, monkeypatch
    ):
        facts = ingester._facts

        def refusing(source, item):
            data = facts(source, item)
            if item.external_id == "refused":
                data["day"] = "not a day"  # what the schema refuses at write time
            return data

        monkeypatch.setattr(ingester, "_facts", refusing)
        outcome = ingest(["blue_moon"], from_path=feed_with(tmp_path, {"id": "refused"}))
        assert outcome.ok
        assert "could not be stored" in errors(outcome)["refused"]
        assert "day" in errors(outcome)["refused"]
        assert len(raw_items("blue_moon")) == 59

    def test_the_carpenter_reads_a_stored_item_that_now_fails_as_its_error(self, tmp_path):
        ingest(["blue_moon"], from_path=feed_with(tmp_path))
        raw = raw_items("blue_moon")["93p54u6sbg46o9aeel3loto3u0"]
        raw.data["payload"]["startDate"] = "9999-12-31T23:59:59-12:00"
        Node.objects.bulk_update_data([raw])
        outcome = carpenter(["blue_moon"], since="2000-01-01")
        assert outcome.log.stats["blue_moon"].status == "succeeded"
        reasons = [
            r.data.get("reason") or ""
            for r in outcome.run.neighbours("has_record")
            if r.data["change_type"] == "error"
        ]
        assert any("does not parse" in reason for reason in reasons)
        assert Node.objects.labelled("event").count() > 0


class TestBounds:
    def test_a_huge_title_is_cut_and_the_cut_recorded(self, tmp_path):
        title = ", ".join(f"Band {n}" for n in range(50_000))
        outcome = ingest(
            ["blue_moon"],
            from_path=feed_with(
                tmp_path, {"id": "huge", "title": title, "startDate": "2026-11-20T23:30:00-08:00"}
            ),
        )
        assert outcome.ok
        (record,) = [
            r for r in outcome.run.neighbours("has_record") if r.data["external_id"] == "huge"
        ]
        assert record.data["change_type"] == "create"
        assert record.data["reason"] == f"title cut to 300 characters (of {len(title)})"
        assert raw_items("blue_moon")["huge"].data["payload"]["title"] == title  # as received
        carpenter(["blue_moon"], since="2000-01-01")
        artists = Node.objects.labelled("artist").count()
        assert artists < 150  # not 50,000
        event = next(
            e for e in Node.objects.labelled("event") if e.data["title"].startswith("Band 0")
        )
        assert len(event.data["title"]) <= bounds.MAX_TITLE
        assert len(list(event.neighbours("performs_at", "in"))) <= bounds.MAX_LINEUP

    def test_a_huge_description_is_cut_and_recorded(self, tmp_path):
        outcome = ingest(
            ["blue_moon"],
            from_path=feed_with(
                tmp_path, {"id": "long", "description": "la " * 20_000, "summary": "la " * 20_000}
            ),
        )
        (record,) = [
            r for r in outcome.run.neighbours("has_record") if r.data["external_id"] == "long"
        ]
        assert record.data["reason"].startswith(
            f"description cut to {bounds.MAX_DESCRIPTION} characters"
        )

    def test_items_past_the_bound_of_a_response_are_not_read_and_the_fetch_is_incomplete(
        self, tmp_path, monkeypatch
    ):
        monkeypatch.setattr(ingester, "MAX_ITEMS_PER_RESPONSE", 10)
        outcome = ingest(["blue_moon"], from_path=feed_with(tmp_path))
        stats = outcome.log.stats["blue_moon"]
        assert stats.created == 10
        assert stats.fetch.complete is False
        assert (
            stats.fetch.shortfall == "response 1 lists more than 10 items; the first 10 were read"
        )


class TestBoundsModule:
    def test_depth_is_measured_without_recursion(self):
        assert bounds.deeper_than(deep(5000), 32)
        assert not bounds.deeper_than(deep(32), 32)
        assert bounds.deeper_than(deep(33), 32)

    def test_clipped_keeps_what_is_within_the_bound(self):
        assert bounds.clipped({"a": [1, 2]}) == {"a": [1, 2]}
        assert bounds.clipped(deep(3), 2) == [[bounds.CLIPPED]]
