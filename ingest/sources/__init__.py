"""The sources, by name. Adding one: a module beside these, and a line here."""

from __future__ import annotations

from ingest.sources.bandsintown import Bandsintown
from ingest.sources.barboza import Barboza
from ingest.sources.base import Source
from ingest.sources.blue_moon import BlueMoon
from ingest.sources.conor_byrne import ConorByrne
from ingest.sources.darrells_tavern import DarrellsTavern
from ingest.sources.eventbrite import SeattleEventbrite
from ingest.sources.high_dive import HighDive
from ingest.sources.kexp import Kexp
from ingest.sources.little_red_hen import LittleRedHen
from ingest.sources.nectar_lounge import NectarLounge
from ingest.sources.neumos import Neumos
from ingest.sources.royal_room import RoyalRoom
from ingest.sources.sea_monster import SeaMonster
from ingest.sources.skylark import Skylark
from ingest.sources.songkick import Songkick
from ingest.sources.sunset_tavern import SunsetTavern
from ingest.sources.ticketmaster import Ticketmaster

SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        BlueMoon(),
        SeaMonster(),
        Ticketmaster(),
        DarrellsTavern(),
        Kexp(),
        Barboza(),
        Neumos(),
        ConorByrne(),
        SunsetTavern(),
        Skylark(),
        LittleRedHen(),
        RoyalRoom(),
        NectarLounge(),
        HighDive(),
        Songkick(),
        Bandsintown(),
        SeattleEventbrite(),
    )
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
