"""The sources, by name. Adding one: a module beside these, and a line here."""

from __future__ import annotations

from ingest.sources.base import Source
from ingest.sources.blue_moon import BlueMoon
from ingest.sources.sea_monster import SeaMonster
from ingest.sources.ticketmaster import Ticketmaster

SOURCES: dict[str, Source] = {
    source.name: source for source in (BlueMoon(), SeaMonster(), Ticketmaster())
}


class UnknownSource(KeyError):
    """A source name that is not in ``SOURCES``."""

    def __str__(self) -> str:
        return f"unknown source {self.args[0]!r} (known: {', '.join(SOURCES)})"


def get_source(name: str) -> Source:
    """Return the source called ``name``; raise ``UnknownSource`` otherwise."""
    try:
        return SOURCES[name]
    except KeyError:
        raise UnknownSource(name) from None
