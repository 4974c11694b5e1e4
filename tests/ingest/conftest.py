"""Fixtures for the ingest tests: recorded bodies, a fetcher on a mock transport, keys."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from graph.models import Node
from ingest import fetch
from ingest.fetch import HttpFetcher, Retries
from tests.conftest import FIXTURES, SAMPLES

Handler = Callable[[httpx.Request], httpx.Response]


def sample(name: str) -> bytes:
    """Return a source's recorded response (``ingest/samples/NAME``)."""
    return (SAMPLES / name).read_bytes()


def fixture_path(source: str, name: str) -> Path:
    """Return the path of a recorded response under ``tests/fixtures/SOURCE/``."""
    return FIXTURES / source / name


def raw_items(source: str | None = None) -> dict[str, Node]:
    """Return the stored raw_data nodes, by external id."""
    nodes = Node.objects.labelled("raw_data")
    if source:
        nodes = nodes.where(source=source)
    return {node.data["external_id"]: node for node in nodes}


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry at once: no test waits for a backoff (nor reaches the network: see fetcher)."""
    monkeypatch.setattr(fetch, "RETRIES", Retries(attempts=3, backoff=0.0, max_delay=0.0))


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any request that would leave the process: tests answer with mock transports."""

    async def refuse(self, request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"a test tried to reach the network: {request.url.host}")

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", refuse)


@pytest.fixture
def sleeps() -> list[float]:
    """The waits a fetcher asked for, recorded instead of waited."""
    return []


@pytest.fixture
def fetcher_on(sleeps: list[float]) -> Callable[..., HttpFetcher]:
    """Return a fetcher on a mock transport answering with ``handler``; sleeps are recorded.

    Hosts are not paced unless a test asks (``host_pace=``, or a source's own pace).
    """

    def make(handler: Handler, **options) -> HttpFetcher:
        async def sleep(seconds: float) -> None:
            sleeps.append(seconds)

        options.setdefault("retries", Retries(attempts=3, backoff=0.5, max_delay=30.0))
        options.setdefault("host_pace", math.inf)
        return HttpFetcher(transport=httpx.MockTransport(handler), sleep=sleep, **options)

    return make


@pytest.fixture
def tm_key(settings) -> str:
    settings.TICKETMASTER_API_KEY = "test-key-123"
    return settings.TICKETMASTER_API_KEY


@pytest.fixture
def no_tm_key(settings) -> None:
    settings.TICKETMASTER_API_KEY = ""
