"""What every source is: a name, where to fetch, how to split and read a response.

A new source is one small module with a subclass of ``Source`` (see ``blue_moon.py``),
added to ``ingest.sources.SOURCES``; a venue on a platform we read already is a few
lines of configuration on that platform's class (``ingest.platforms``). A source only
fetches and reads; storing, recording and everything after belong to the ingester and
the carpenter.
"""

from __future__ import annotations

import dataclasses
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, Protocol

from django.conf import settings

from graph import bounds
from ingest.body import Body
from ingest.fetch import FetchError, Pages, Reply, Request, Validators, one_line
from ingest.items import BadItem, Item, ItemError, ResponseError, Show, VenueFacts, bounded
from ingest.reading import age_in_text, storable

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLES_RECORDED_ON = "2026-12-02"
"""The day the recorded samples stand for: year-less dates in them are read against it."""
MAX_PAGES = 50
"""The most pages one fetch of a paged source reads; a read that needs more stops short."""

# How a source's data may be used, as ``manage.py sources`` shows it.
PUBLIC_PAGE = "public page"
"""The venue's own web page, read as a visitor's browser reads it."""
PUBLIC_FEED = "public feed"
"""A feed the site publishes for anyone (a calendar feed, schema.org data)."""
DOCUMENTED_API = "documented API, key"
"""An API with published terms, used with our own key."""
UNDOCUMENTED = "undocumented endpoint"
"""The endpoint a site's own pages call; no published terms: read gently, may change."""


class Fetcher(Protocol):
    """What a source fetches with (``ingest.fetch.HttpFetcher``)."""

    async def get(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        source: str = "",
        headers: dict[str, str] | None = None,
    ) -> bytes: ...

    async def post(
        self,
        url: str,
        *,
        json: Any = None,
        data: dict[str, Any] | None = None,
        source: str = "",
        headers: dict[str, str] | None = None,
    ) -> bytes: ...

    async def send(
        self, request: Request, *, source: str = "", validators: Validators | None = None
    ) -> Reply: ...


NextPage = Callable[[bytes, int], Request | None]
"""Given a page's body and its number (1 for the first), the request of the next page."""


class Source(ABC):
    """A place shows come from."""

    name: ClassVar[str]
    """Identifier used on the command line and in the graph (``blue_moon``)."""
    title: ClassVar[str]
    """Human name (``Blue Moon Tavern``)."""
    venue: ClassVar[VenueFacts | None] = None
    """The venue of a single-venue source; None when items name their venues."""
    secret: ClassVar[str | None] = None
    """Name of the setting the source cannot run without (``TICKETMASTER_API_KEY``)."""
    sample: ClassVar[str]
    """File name of the recorded response under ``ingest/samples/``."""
    max_bytes: ClassVar[int] = 10 * 1024 * 1024
    """The largest response body accepted; a larger one fails the source."""
    requests_per_second: ClassVar[float | None] = None
    """The most requests a second the source allows (None: no pacing beyond one GET)."""
    whole_window: ClassVar[bool] = True
    """True when a complete fetch lists every show of the days it covers, so an item
    missing from it has gone; False for sources that list only some (a "top 20")."""
    platform: ClassVar[str] = "own site"
    """What publishes the source's data ("VenuePilot", "DICE", "its own page")."""
    terms: ClassVar[str] = PUBLIC_PAGE
    """How its data may be used: PUBLIC_PAGE, PUBLIC_FEED, DOCUMENTED_API or UNDOCUMENTED."""
    hosts: ClassVar[tuple[str, ...]] = ()
    """Hosts beyond its own site that its requests may be redirected to."""
    category: ClassVar[str] = "venue_site"
    """What the source is: "venue_site" (a venue's own pages) or "aggregator" (a
    ticketing API or listing of many venues); the scheduler's default schedule keys on it."""

    @property
    def sample_path(self) -> Path:
        return SAMPLES / self.sample

    @property
    def obeys_robots(self) -> bool:
        """Whether robots.txt governs the source: a documented API's own terms do instead."""
        return self.terms != DOCUMENTED_API

    def missing_secret(self) -> str | None:
        """Return why the source cannot run (its secret is not set), or None."""
        if self.secret and not getattr(settings, self.secret, ""):
            return f"{self.secret} is not set"
        return None

    def switched_off(self) -> str | None:
        """Return why the source is off here (named in ``SOURCES_DISABLED``), or None."""
        if self.name in getattr(settings, "SOURCES_DISABLED", ()):
            return "switched off by SOURCES_DISABLED"
        return None

    def problem(self) -> str | None:
        """Return why the source cannot run here (off, or its secret missing), or None."""
        return self.switched_off() or self.missing_secret()

    @abstractmethod
    def url(self) -> str:
        """The address of the source's (first) response."""

    async def fetch(self, client: Fetcher, validators: Validators | None = None) -> Pages:
        """Fetch the response bodies of one run: one conditional GET by default.

        With ``validators`` from the last run, a 304 answer means nothing changed.
        Paged sources override this (see ``follow``).
        """
        return await self.follow(client, Request(self.url()), _one_page, validators=validators)

    async def follow(
        self,
        client: Fetcher,
        first: Request,
        next_page: NextPage,
        *,
        validators: Validators | None = None,
        limit: int = MAX_PAGES,
    ) -> Pages:
        """Read page after page from ``first`` until ``next_page`` says there is no more.

        A failing first page fails the source; a failing later page ends the read
        short (the pages read are kept, and the run says why it is incomplete). The
        first request is conditional on ``validators``; they are kept for the next run
        only when one page was all there was, so a 304 then means nothing changed.
        """
        pages = Pages()
        request: Request | None = first
        number = 0
        while request is not None:
            number += 1
            if number > limit:
                return pages.stop(f"stopped after {limit} pages, the most one fetch reads")
            try:
                asked = validators if number == 1 else None
                reply = await client.send(request, source=self.name, validators=asked)
            except FetchError as error:
                if not pages.bodies:
                    raise
                return pages.stop(f"page {number} failed: {error}")
            if reply.status == 304 and number == 1:
                return Pages(not_modified=True, validators=validators)
            if number == 1:
                pages.validators = reply.validators or None
            pages.bodies.append(reply.body)
            request = next_page(reply.body, number)
        if len(pages.bodies) > 1:
            pages.validators = None
        return pages

    def fingerprint(self, payload: Any) -> Any:
        """Return the part of an item its content hash covers: by default, all of it.

        A source whose items carry counters that change without the show changing
        leaves them out here, so those items are not "updated" on every run.
        """
        return payload

    @abstractmethod
    def split(self, body: bytes) -> Iterable[Any]:
        """Return the item payloads in a body; raise ``ResponseError`` if it does not parse."""

    def split_file(self, file: BinaryIO) -> Iterable[Any]:
        """Return the item payloads in a body read from ``file``, as ``split`` does.

        By default the body is read whole and split. A source whose responses can be
        large (a whole season of a city's shows) reads them a piece at a time instead,
        so the memory a run takes does not grow with its response (``blue_moon``).
        """
        return self.split(file.read())

    @abstractmethod
    def read(self, payload: Any) -> tuple[str, Show]:
        """Return an item's external id and the show it describes; raise ``ItemError``."""

    def read_item(self, payload: Any) -> Item:
        """Return an item read from its payload, within ``graph.bounds``; raise ``ItemError``.

        The one way an item is read, by the ingester (``parse``) and by the carpenter
        (reading a stored item again), so both see the same show and the same failure:
        whatever goes wrong reading one item (a shape the reader did not foresee, a date
        at the edge of the calendar) is that item's error, in one line.
        """
        if bounds.deeper_than(payload):
            raise ItemError(f"nested more than {bounds.MAX_DEPTH} levels deep")
        try:
            external_id, show = self.read(payload)
        except ItemError:
            raise
        except Exception as error:  # one item's surprise must not end the response
            reason = one_line(f"could not be read ({type(error).__name__}: {error})")
            raise ItemError(reason) from None
        if show.age_limit is None:  # no field for it: the title or blurb may say it
            stated = age_in_text(show.title, show.description)
            show = dataclasses.replace(show, age_limit=stated) if stated else show
        show, cuts = bounded(show)
        return Item(external_id, payload, show, cuts)

    def parse(self, body: bytes | Body) -> Iterator[Item | BadItem]:
        """Yield each item of a body, or a ``BadItem`` naming what is wrong with it.

        Payloads are made storable first (``reading.storable``), so what ``read`` sees
        here is exactly what the ingester stores and the carpenter reads again.
        """
        body = Body.of(body)
        unusual = self._unusual(body)
        clean = storable if unusual else _as_received
        for received in self._payloads(body, unusual):
            try:
                payload = clean(received)
            except RecursionError:
                yield BadItem(f"nested more than {bounds.MAX_DEPTH} levels deep", None)
                continue
            try:
                yield self.read_item(payload)
            except ItemError as error:
                yield BadItem(str(error), bounds.clipped(payload), _id_of(payload))

    def payloads(self, body: bytes | Body) -> Iterator[Any]:
        """Yield the payloads of a body as received, unread; raise ``ResponseError``.

        What ``parse`` splits, without reading the items: the ingester's check that a
        response parses, and its count, before anything of it is stored.
        """
        body = Body.of(body)
        yield from self._payloads(body, self._unusual(body))

    def _unusual(self, body: Body) -> bool:
        if body.blank():
            raise ResponseError("empty response")
        return body.contains(_MAYBE_UNSTORABLE)

    def _payloads(self, body: Body, unusual: bool) -> Iterable[Any]:
        # A body holding what ``storable`` replaces is split whole, as received: a
        # streaming reader may decode those characters its own way (yajl turns a lone
        # surrogate into "?"), and such bodies are rare.
        return self.split(body.read()) if unusual else self.split_file(body.stream())


def _one_page(body: bytes, number: int) -> None:
    """The next page of a source that has one: none."""
    return None


# What can make a payload unstorable, as it shows in a body: NUL (raw or escaped), an
# escaped surrogate, or JSON's NaN and Infinity. A body with none of them (nearly all)
# skips the walk through every payload, and may be read as a stream.
_MAYBE_UNSTORABLE = re.compile(rb"\x00|\\u0000|\\u[dD][89a-fA-F]|NaN|Infinity")


def _as_received(payload: Any) -> Any:
    return payload


def _id_of(payload: Any) -> str | None:
    if isinstance(payload, dict) and isinstance(payload.get("id"), (str, int)):
        return str(payload["id"])
    return None
