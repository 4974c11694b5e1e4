"""A response body read more than once: bytes, or a file read a chunk at a time."""

from __future__ import annotations

import re

import pytest

from ingest import body as body_module
from ingest.body import Body

PATTERN = re.compile(rb"NaN|Infinity")


@pytest.fixture
def file_body(tmp_path):
    opened = []

    def open_body(content: bytes) -> Body:
        path = tmp_path / f"body-{len(opened)}.json"
        path.write_bytes(content)
        opened.append(Body(file=path.open("rb")))
        return opened[-1]

    yield open_body
    for body in opened:
        body.close()


@pytest.mark.parametrize("where", [0, 10, 14, 15, 16, 20])
def test_a_pattern_across_two_chunks_is_found(file_body, monkeypatch, where):
    monkeypatch.setattr(body_module, "CHUNK", 16)
    content = b" " * where + b"Infinity" + b" " * 40
    assert file_body(content).contains(PATTERN)
    assert Body(content).contains(PATTERN)


def test_a_file_of_whitespace_is_blank_and_one_that_is_not_is_not(file_body, monkeypatch):
    monkeypatch.setattr(body_module, "CHUNK", 16)
    assert file_body(b" \n\t" * 30).blank()
    assert not file_body(b" " * 40 + b"{}").blank()
    assert not file_body(b" " * 40 + b"{}").contains(PATTERN)


def test_a_file_body_reads_the_same_each_time(file_body):
    body = file_body(b'{"eventsByDates": {}}')
    assert body.stream().read() == body.read() == b'{"eventsByDates": {}}'
    assert body.size == 21
