"""The typed graph API: create, get, upsert, filter, neighbours, and their bulk forms."""

import pytest
from django.db import transaction

from graph import schemas
from graph.audit import RECORD_LABEL, RunLog
from graph.models import Artist, Edge, Event, Node, Venue
from graph.schemas import GraphDataError
from graph.store import GraphError

pytestmark = pytest.mark.django_db


def make_venue(slug="blue-moon-tavern", name="Blue Moon Tavern", **extra):
    return Node.objects.create_node("venue", {"name": name, "slug": slug, **extra})


def make_event(venue, day, start_time="21:00", title="A show"):
    event = Node.objects.create_node(
        "event", {"title": title, "venue_id": venue.pk, "day": day, "start_time": start_time}
    )
    Edge.objects.link(venue, "hosts", event)
    return event


class TestValidation:
    def test_unknown_field_names_label_and_field(self):
        with pytest.raises(
            GraphDataError, match=r"^venue: capacity: is not a field of this label$"
        ):
            make_venue(capacity=300)

    def test_missing_required_field(self):
        with pytest.raises(GraphDataError, match=r"^artist: slug: Field required$"):
            Node.objects.create_node("artist", {"name": "Dead Bars"})

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("day", "12/12/2026", "day: must be a day as YYYY-MM-DD"),
            ("day", "2026-02-30", "day: "),
            ("start_time", "9:00 PM", "start_time: must be a time as HH:MM"),
            ("title", "", "title: String should have at least 1 character"),
        ],
    )
    def test_bad_event_values(self, field, value, message):
        venue = make_venue()
        data = {"title": "Show", "venue_id": venue.pk, "day": "2026-12-12", field: value}
        with pytest.raises(GraphDataError) as error:
            Node.objects.create_node("event", data)
        assert str(error.value).startswith(f"event: {message}")

    def test_unknown_label(self):
        with pytest.raises(GraphDataError, match="^gig: unknown label"):
            Node.objects.create_node("gig", {})

    def test_save_validates_too_and_nothing_is_stored(self):
        venue = make_venue()
        venue.data["slug"] = "Not A Slug"
        with pytest.raises(GraphDataError, match="slug"):
            venue.save()
        venue.refresh_from_db()
        assert venue.data["slug"] == "blue-moon-tavern"

    def test_a_bad_item_in_a_bulk_write_stores_none_of_them(self):
        good = {"name": "Neumos", "slug": "neumos"}
        with pytest.raises(GraphDataError, match=r"^venue: slug"):
            Node.objects.bulk_create_nodes("venue", [good, {"name": "Bad", "slug": "B A D"}])
        assert not Node.objects.exists()

    def test_defaults_are_filled_in(self):
        venue = make_venue()
        assert venue.data["aliases"] == [] and venue.data["hidden"] is False


class TestReads:
    def test_get_by_natural_key(self):
        venue = make_venue()
        assert Node.objects.get_node("venue", slug="blue-moon-tavern") == venue
        event = make_event(venue, "2026-12-12", None)
        found = Node.objects.get_node("event", venue_id=venue.pk, day="2026-12-12", start_time=None)
        assert found == event

    def test_filter_by_data_fields(self):
        venue = make_venue()
        early = make_event(venue, "2026-12-01", "18:00", "Early")
        late = make_event(venue, "2026-12-01", "21:00", "Late")
        other_day = make_event(venue, "2026-12-24", None, "Closed")
        events = Node.objects.labelled("event")
        assert set(events.where(day="2026-12-01")) == {early, late}
        assert set(events.where(day__gte="2026-12-02")) == {other_day}
        assert set(events.where(start_time=None)) == {other_day}
        assert list(events.where(title="Late")) == [late]

    def test_neighbours_by_relation_and_direction(self):
        moon = make_venue()
        neumos = make_venue("neumos", "Neumos")
        show = make_event(moon, "2026-12-01")
        elsewhere = make_event(neumos, "2026-12-01")
        artist = Node.objects.create_node("artist", {"name": "Dead Bars", "slug": "dead-bars"})
        Edge.objects.link(artist, "performs_at", show)
        assert list(moon.neighbours("hosts")) == [show]
        assert list(show.neighbours("hosts", "in")) == [moon]
        assert list(show.neighbours("performs_at", "in")) == [artist]
        assert list(artist.neighbours("performs_at")) == [show]
        assert list(elsewhere.neighbours("performs_at", "in")) == []

    def test_neighbour_map_reads_many_nodes_at_once(self, django_assert_max_num_queries):
        venues = [make_venue(f"venue-{i}", f"Venue {i}") for i in range(5)]
        shows = {v.pk: [make_event(v, f"2026-12-0{d}") for d in range(1, 4)] for v in venues}
        with django_assert_max_num_queries(1):
            found = Edge.objects.neighbour_map(venues, "hosts")
        assert {k: set(v) for k, v in found.items()} == {k: set(v) for k, v in shows.items()}

    def test_proxy_models_see_only_their_label(self):
        venue = make_venue()
        make_event(venue, "2026-12-01")
        assert list(Venue.objects.all()) == [venue]
        assert Event.objects.count() == 1 and Artist.objects.count() == 0

    def test_bad_direction_is_refused(self):
        with pytest.raises(GraphError, match="direction"):
            make_venue().neighbours("hosts", "sideways")


class TestWrites:
    def test_upsert_creates_updates_and_leaves_alone(self):
        created = Node.objects.upsert("venue", {"name": "Neumos", "slug": "neumos"})
        assert created.change == "create"
        same = Node.objects.upsert("venue", {"name": "Neumos", "slug": "neumos"})
        assert same.change == "noop" and same.node.pk == created.node.pk
        changed = Node.objects.upsert("venue", {"name": "Neumos Crystal Ball", "slug": "neumos"})
        assert changed.change == "update"
        assert changed.old["name"] == "Neumos"
        assert Node.objects.get(pk=created.node.pk).data["name"] == "Neumos Crystal Ball"
        assert Node.objects.filter(label="venue").count() == 1

    def test_noop_upsert_does_not_touch_updated_at(self):
        first = Node.objects.upsert("venue", {"name": "Neumos", "slug": "neumos"}).node
        stamp = Node.objects.get(pk=first.pk).updated_at
        Node.objects.upsert("venue", {"name": "Neumos", "slug": "neumos"})
        assert Node.objects.get(pk=first.pk).updated_at == stamp

    def test_upserting_an_event_as_it_is_changes_nothing(self):
        # An event with one report is stored without the report's copies of its fields
        # (graph.schemas.compact_event) and read back whole: the same data is a no-op.
        venue = make_venue()
        report = {"source": "blue_moon", "lineup": ["dead-bars"], "title": "Dead Bars"}
        data = {
            "title": "Dead Bars",
            "venue_id": venue.pk,
            "day": "2026-12-12",
            "start_time": "21:00",
            "field_sources": {"title": "blue_moon"},
            "reports": {"r1": report},
        }
        created = Node.objects.upsert("event", data)
        again = Node.objects.upsert("event", data)
        assert again.change == "noop" and again.node.pk == created.node.pk
        assert again.node.data["reports"]["r1"]["title"] == "Dead Bars"

    def test_bulk_upsert_in_one_call(self):
        Node.objects.create_node("artist", {"name": "Dead Bars", "slug": "dead-bars"})
        results = Node.objects.bulk_upsert(
            "artist",
            [
                {"name": "Dead Bars", "slug": "dead-bars"},
                {"name": "Sleepy Stems", "slug": "sleepy-stems"},
                {"name": "Sleepy Stems!", "slug": "sleepy-stems"},  # same key again: first wins
            ],
        )
        assert [r.change for r in results] == ["noop", "create", "create"]
        assert results[1].node.pk == results[2].node.pk
        assert Node.objects.get_node("artist", slug="sleepy-stems").data["name"] == "Sleepy Stems"

    def test_bulk_writes_keep_statements_flat(self, django_assert_max_num_queries):
        items = [{"name": f"Artist {i}", "slug": f"artist-{i}"} for i in range(1200)]
        # 3 batches of 500: at most one lookup and one insert per batch, plus a re-read.
        with django_assert_max_num_queries(12):
            results = Node.objects.bulk_upsert("artist", items)
        assert len({r.node.pk for r in results}) == 1200

    def test_bulk_update_data_validates_and_writes(self):
        venue = make_venue()
        venue.data["aliases"] = ["The Moon"]
        Node.objects.bulk_update_data([venue])
        assert Node.objects.get(pk=venue.pk).data["aliases"] == ["The Moon"]
        venue.data["aliases"] = "not a list"
        with pytest.raises(GraphDataError, match="aliases"):
            Node.objects.bulk_update_data([venue])

    def test_links_follow_the_graph_rules(self):
        venue = make_venue()
        artist = Node.objects.create_node("artist", {"name": "Dead Bars", "slug": "dead-bars"})
        with pytest.raises(
            GraphError, match="a venue cannot be linked by 'performs_at' to a artist"
        ):
            Edge.objects.link(venue, "performs_at", artist)

    def test_unlink_removes_one_link(self):
        venue = make_venue()
        show = make_event(venue, "2026-12-01")
        assert Edge.objects.unlink(venue, "hosts", show) == 1
        assert Edge.objects.unlink(venue, "hosts", show) == 0
        assert not venue.neighbours("hosts").exists()

    def test_bulk_link_reports_new_links_only(self):
        venue = make_venue()
        shows = [make_event(venue, f"2026-12-{d:02d}") for d in range(1, 4)]
        artist = Node.objects.create_node("artist", {"name": "Dead Bars", "slug": "dead-bars"})
        assert Edge.objects.bulk_link([(artist, "performs_at", s) for s in shows]) == 3
        assert Edge.objects.bulk_link([(artist, "performs_at", s) for s in shows]) == 0
        assert Edge.objects.filter(relation="performs_at").count() == 3


class TestAuditRecords:
    """Records skip validation (``schemas.stored_record``): stored as validate would."""

    @pytest.mark.parametrize(
        ("run_label", "fields"),
        [
            ("ingest_run", {"external_id": "x1", "item": {"id": "x1", "deep": [[{"a": None}]]}}),
            ("ingest_run", {}),
            ("carpenter_run", {"kind": "event", "raw_data_id": "r1", "reason": "why, in a line"}),
            ("carpenter_run", {"kind": "venue"}),
        ],
    )
    def test_each_record_is_stored_as_its_schema_would_store_it(self, run_label, fields):
        log = RunLog(run_label, sources=["blue_moon"])
        log.start()
        target = make_venue() if run_label == "carpenter_run" else None
        changes = {"title": {"old": "A", "new": "B"}, "lineup.0": {"old": None, "new": "x"}}
        with transaction.atomic():
            log.add("update", "blue_moon", "Blue Moon Tavern: B", target, diff=changes, **fields)
            log.add("error", "blue_moon", "x" * 400, None, **fields)
            log.flush()
        records = Node.objects.filter(label=RECORD_LABEL[run_label])
        assert records.count() == 2
        for record in records:
            assert schemas.validate(record.label, record.data) == record.data
            assert record.data["at"].endswith("Z")
