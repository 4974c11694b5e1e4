"""What every source is: a name, where to fetch, how to split and read a response.

A new source is one small module with a subclass of ``Source`` (see ``blue_moon.py``),
added to ``ingest.sources.SOURCES``. It only fetches and reads; storing, recording and
everything after belong to the ingester and the carpenter.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, Protocol

from django.conf import settings

from ingest.items import BadItem, Item, ItemError, Show, VenueFacts

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


class Fetcher(Protocol):
    """What a source fetches with (``ingest.fetch``): GETs with retries and a size cap."""

    async def get(
        self, url: str, *, params: dict[str, Any] | None = None, source: str = ""
    ) -> bytes: ...


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

    @property
    def sample_path(self) -> Path:
        return SAMPLES / self.sample

    def missing_secret(self) -> str | None:
        """Return why the source cannot run (its secret is not set), or None."""
        if self.secret and not getattr(settings, self.secret, ""):
            return f"{self.secret} is not set"
        return None

    @abstractmethod
    def url(self) -> str:
        """The address of the source's (first) response."""

    async def fetch(self, client: Fetcher) -> list[bytes]:
        """Fetch the response bodies of one run (one GET; paged sources override this)."""
        return [await client.get(self.url(), source=self.name)]

    @abstractmethod
    def split(self, body: bytes) -> Iterable[Any]:
        """Return the item payloads in a body; raise ``ResponseError`` if it does not parse."""

    @abstractmethod
    def read(self, payload: Any) -> tuple[str, Show]:
        """Return an item's external id and the show it describes; raise ``ItemError``."""

    def parse(self, body: bytes) -> Iterator[Item | BadItem]:
        """Yield each item of a body, or a ``BadItem`` naming what is wrong with it."""
        for payload in self.split(body):
            try:
                external_id, show = self.read(payload)
            except ItemError as error:
                yield BadItem(str(error), payload, _id_of(payload))
            else:
                yield Item(external_id, payload, show)


def _id_of(payload: Any) -> str | None:
    if isinstance(payload, dict) and isinstance(payload.get("id"), (str, int)):
        return str(payload["id"])
    return None
