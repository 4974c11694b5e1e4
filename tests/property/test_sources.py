"""Property: whatever values a source's items hold, one bad item never fails the feed.

For every source, items in its real format (its recorded response, with arbitrary values
put into some of its items: dates at the edge of the calendar, deep nesting, huge
strings, wrong types, unicode edge cases) go through the real ingester (as ``ingest
SOURCE --from FILE``) and the real carpenter. Whatever is drawn: nothing escapes as an
exception, the source fails only when the response cannot be split into items, the
good items beside the bad ones are stored as they are, every item is accounted for
(stored, unchanged or recorded as an error), and nothing stored before is altered
except through a recorded update.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from carpenter.service import carpenter
from graph.models import Node
from ingest.ingester import ingest
from ingest.reading import receiving, storable
from ingest.sources import SOURCES, get_source
from ingest.sources.base import SAMPLES_RECORDED_ON
from tests.property.strategies import as_json_string_body, values

pytestmark = pytest.mark.django_db


def _json_doc(body: bytes) -> Any | None:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside ``value`` (keys and list positions)."""
    found = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in items:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _put(doc: Any, path: tuple, value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def _item_paths(doc: Any, payloads: list[Any]) -> list[tuple]:
    """The paths of the source's items inside a JSON body."""
    found = []
    stack: list[tuple[tuple, Any]] = [((), doc)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict) and value in payloads:
            found.append(path)
            continue
        children = (
            value.items()
            if isinstance(value, dict)
            else enumerate(value)
            if isinstance(value, list)
            else ()
        )
        stack.extend(((*path, k), v) for k, v in children)
    return found


_TEXT = re.compile(rb">([^<>]{1,300})<")
_QUOTED = re.compile(rb'"([^"\\<>]{1,300})"')


def mutated(name: str, data: st.DataObject) -> bytes:
    """Return the source's recorded response with arbitrary values in some items."""
    source = get_source(name)
    body = source.sample_path.read_bytes()
    doc = _json_doc(body)
    payloads = list(source.split(body)) if doc is not None else []
    items = _item_paths(doc, payloads) if doc is not None else []
    if items:
        for _ in range(data.draw(st.integers(1, 3), label="bad items")):
            item = data.draw(st.sampled_from(items), label="item")
            inner = [p for p in _paths(_get(doc, item))] or [()]
            where = data.draw(st.sampled_from(inner), label="field")
            value = data.draw(values, label="value")
            if where:
                _put(doc, (*item, *where), value)
            else:
                _put(doc, item, value)
        return json.dumps(doc).encode()
    # Text formats (HTML pages, JSON inside them): replace some texts and strings.
    spots = [(m.start(1), m.end(1), "text") for m in _TEXT.finditer(body)]
    spots += [(m.start(1), m.end(1), "quoted") for m in _QUOTED.finditer(body)]
    chosen = data.draw(st.lists(st.sampled_from(spots), min_size=1, max_size=3, unique=True))
    for start, end, kind in sorted(chosen, reverse=True):
        value = data.draw(values, label="value")
        text = value if isinstance(value, str) else json.dumps(value)
        new = html.escape(text) if kind == "text" else as_json_string_body(value)
        body = body[:start] + new.encode("utf-8", "surrogatepass") + body[end:]
    return body


def _get(doc: Any, path: tuple) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def _split(name: str, body: bytes) -> list[Any] | None:
    """The payloads the response splits into, as stored; None if it cannot be split."""
    try:
        with receiving(SAMPLES_RECORDED_ON):
            return [storable(payload) for payload in get_source(name).split(body)]
    except Exception:
        return None


def _stored() -> dict[str, dict[str, Any]]:
    return {node.pk: node.data for node in Node.objects.labelled("raw_data")}


@pytest.fixture
def recorded(tmp_path):
    """Every source's recording stored (the state nothing may alter), by external id."""
    ingest(list(SOURCES), samples=True)
    return {
        (n.data["source"], n.data["external_id"]): n.data["payload"]
        for n in Node.objects.labelled("raw_data")
    }


@pytest.mark.parametrize("name", list(SOURCES))
@given(data=st.data())
def test_one_bad_item_never_fails_the_feed(name, data, recorded, tmp_path):
    body = mutated(name, data)
    path = tmp_path / "response"
    path.write_bytes(body)
    with transaction.atomic():
        before = _stored()
        outcome = ingest([name], from_path=path)
        stats = outcome.log.stats[name]
        after = _stored()
        payloads = _split(name, body)
        if payloads is None:
            assert stats.status == "failed" and "\n" not in (stats.error or "")
            assert after == before
        else:
            assert stats.status == "succeeded", stats.error
            assert stats.created + stats.updated + stats.unchanged + stats.errors == len(payloads)
            ids = {(d["source"], d["external_id"]): d for d in after.values()}
            for payload in payloads:
                for (source, external_id), kept in recorded.items():
                    if source == name and kept == payload:
                        assert ids[(source, external_id)]["payload"] == payload
            updated = {
                r.data["external_id"]
                for r in outcome.run.neighbours("has_record")
                if r.data["change_type"] == "update"
            }
            assert before.keys() <= after.keys()
            for pk, old in before.items():
                new = after[pk]
                if new["content_hash"] != old["content_hash"]:
                    assert old["source"] == name and old["external_id"] in updated
        built = carpenter([name], since="2000-01-01")
        assert built.log.stats[name].status != "failed", built.log.stats[name].error
        transaction.set_rollback(True)
