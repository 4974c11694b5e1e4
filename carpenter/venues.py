"""Which venue a source means: one node per place, however sources spell it.

A source names a venue ("Showbox at the Market", "Neumo's", "The Crocodile"); the
index matches it against the venues we have, in order of confidence:

1. slug of the name,
2. the name or an alias, normalised ("The", "&", case and punctuation do not count),
3. a fuzzy name match (a typo, "Theatre"/"Theater"), unless the two are far apart,
4. coordinates within a few tens of metres, when the names share something: Neumos
   and Barboza share a building and are two venues.

Only when nothing matches is a venue created.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.utils.text import slugify
from rapidfuzz import fuzz, process

from graph.models import Node
from ingest.items import VenueFacts

# Names Seattle venues go by, beyond their own: configuration, kept here in one place.
# Keys are the name a new venue is given when any of its names is first seen.
KNOWN_ALIASES: dict[str, tuple[str, ...]] = {
    "The Showbox": ("Showbox at the Market", "Showbox Market", "The Showbox at the Market"),
    "Showbox SoDo": ("Showbox SODO", "Showbox South of Downtown"),
    "Neumos": ("Neumo's", "Neumos Crystal Ball Reading Room"),
    "The Crocodile": ("Crocodile", "The Crocodile Cafe", "Crocodile Cafe"),
    "Paramount Theatre": ("The Paramount", "Paramount Theater"),
    "Moore Theatre": ("The Moore", "Moore Theater", "The Moore Theatre"),
    "Blue Moon Tavern": ("The Blue Moon", "Blue Moon", "The Blue Moon Tavern"),
    "Sea Monster Lounge": ("Sea Monster", "The Sea Monster Lounge"),
    "Tractor Tavern": ("The Tractor", "The Tractor Tavern"),
}

# The table of known venues' neighbourhoods, for fans to filter by: the one place it
# is kept. A venue takes its neighbourhood from here when it has none; an operator
# corrects one in the admin (an override, carpenter.overrides), which stands.
NEIGHBOURHOODS: dict[str, str] = {
    "Barboza": "Capitol Hill",
    "Neumos": "Capitol Hill",
    "Blue Moon Tavern": "University District",
    "Conor Byrne Pub": "Ballard",
    "Sunset Tavern": "Ballard",
    "Tractor Tavern": "Ballard",
    "Darrell's Tavern": "Shoreline",
    "High Dive": "Fremont",
    "Nectar Lounge": "Fremont",
    "KEXP Gathering Space": "Seattle Center",
    "Little Red Hen": "Green Lake",
    "Sea Monster Lounge": "Wallingford",
    "Skylark Cafe": "West Seattle",
    "The Royal Room": "Columbia City",
    "The Crocodile": "Belltown",
    "The Showbox": "Downtown",
    "Showbox SoDo": "SoDo",
    "Paramount Theatre": "Downtown",
    "Moore Theatre": "Belltown",
}


def neighbourhood(names: Iterable[str]) -> str | None:
    """Return the neighbourhood of the known venue any of ``names`` is, or None."""
    wanted = {normalise(n) for n in names}
    for venue, place in NEIGHBOURHOODS.items():
        known = {normalise(venue), *(normalise(a) for a in KNOWN_ALIASES.get(venue, ()))}
        if wanted & known:
            return place
    return None


# Where a venue is and how to reach it: filled from sources when missing.
PLACE_FIELDS = ("address", "city", "postal_code", "latitude", "longitude", "url")
FUZZY_SCORE = 90  # token_sort_ratio, 0-100: "moore theatre" ~ "moore theater" is 92
FUZZY_MAX_KM = 1.0  # a fuzzy name match farther apart than this is another place
NEAR_METRES = 60.0  # "the same spot": GPS and geocoders disagree by tens of metres
NEAR_NAME_SCORE = 50  # partial_ratio the names must reach for a spot match


@lru_cache(maxsize=16_384)
def normalise(name: str) -> str:
    """Return a venue name reduced to what identifies it: "The Crocodile" -> "crocodile"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    if not any(c.isalnum() for c in ascii_name):  # no Latin letters: keep its own
        ascii_name = name
    lowered = ascii_name.casefold().replace("&", " and ")
    lowered = re.sub(r"['’`]", "", lowered)  # "Neumo's" -> "neumos"
    lowered = re.sub(r",\s*the\s*$", "", lowered)  # "Crocodile, The" -> "crocodile"
    words = re.sub(r"[\W_]+", " ", lowered).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def venue_slug(name: str) -> str:
    """Return a venue's identity: the slug of its normalised name."""
    return slugify(normalise(name), allow_unicode=True)


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _where(data: dict) -> tuple[float, float] | None:
    if data.get("latitude") is None or data.get("longitude") is None:
        return None
    return (float(data["latitude"]), float(data["longitude"]))


@dataclass(frozen=True)
class Match:
    """A venue the index found, and how (slug, name, fuzzy, coordinates)."""

    venue: Node
    how: str


class VenueIndex:
    """The venues we have, indexed every way a source's name can match them."""

    def __init__(self, venues: Iterable[Node] = ()) -> None:
        self.by_slug: dict[str, Node] = {}
        self.by_name: dict[str, Node] = {}
        self.by_id: dict[str, Node] = {}
        for venue in venues:
            self.add(venue)

    @classmethod
    def load(cls) -> VenueIndex:
        """Index every venue in the graph (one query)."""
        return cls(Node.objects.labelled("venue").order_by("created_at"))

    def add(self, venue: Node) -> None:
        """Index a venue, new or changed (its aliases, its place)."""
        self.by_id[venue.pk] = venue
        self.by_slug[venue.data["slug"]] = venue
        for name in (venue.data["name"], *venue.data.get("aliases", ())):
            self.by_name.setdefault(normalise(name), venue)

    def match(self, facts: VenueFacts) -> Match | None:
        """Return the venue ``facts`` describe, or None if it is not one we have."""
        slug = venue_slug(facts.name)
        if slug in self.by_slug:
            return Match(self.by_slug[slug], "slug")
        for name in (facts.name, *facts.aliases):
            if (venue := self.by_name.get(normalise(name))) is not None:
                return Match(venue, "name")
        where = (
            (facts.latitude, facts.longitude)
            if facts.latitude is not None and facts.longitude is not None
            else None
        )
        fuzzy = self._fuzzy(normalise(facts.name), where)
        if fuzzy is not None:
            return Match(fuzzy, "fuzzy")
        if where is not None:
            near = self._near(normalise(facts.name), where)
            if near is not None:
                return Match(near, "coordinates")
        return None

    def _fuzzy(self, name: str, where: tuple[float, float] | None) -> Node | None:
        if not name or not self.by_name:
            return None
        choices = list(self.by_name)
        found = process.extractOne(
            name, choices, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_SCORE
        )
        if found is None:
            return None
        venue = self.by_name[found[0]]
        there = _where(venue.data)
        if where and there and metres_between(where, there) > FUZZY_MAX_KM * 1000:
            return None
        return venue

    def _near(self, name: str, where: tuple[float, float]) -> Node | None:
        best: tuple[float, Node] | None = None
        for venue in self.by_id.values():
            there = _where(venue.data)
            if there is None:
                continue
            distance = metres_between(where, there)
            if distance > NEAR_METRES:
                continue
            names = (venue.data["name"], *venue.data.get("aliases", ()))
            if max(fuzz.partial_ratio(name, normalise(n)) for n in names) < NEAR_NAME_SCORE:
                continue
            if best is None or distance < best[0]:
                best = (distance, venue)
        return best[1] if best else None


def new_venue_data(facts: VenueFacts) -> dict:
    """Return the data of a venue first seen as ``facts``, with its known aliases."""
    name, aliases = facts.name, list(facts.aliases)
    for canonical, known in KNOWN_ALIASES.items():
        names = {normalise(canonical), *(normalise(a) for a in known)}
        if normalise(facts.name) in names:
            name = canonical
            aliases = [*known, *aliases, facts.name]
            break
    unique = {normalise(name)}
    kept = []
    for alias in aliases:
        if normalise(alias) not in unique:
            unique.add(normalise(alias))
            kept.append(alias)
    return {
        "name": name,
        "slug": venue_slug(name),
        "aliases": kept,
        "address": facts.address,
        "city": facts.city,
        "postal_code": facts.postal_code,
        "latitude": facts.latitude,
        "longitude": facts.longitude,
        "url": facts.url,
        "neighbourhood": neighbourhood([name, *kept]),
    }


def learn(venue: Node, facts: VenueFacts) -> dict:
    """Return the venue's data with what ``facts`` adds: a new alias, missing fields.

    What the venue already states is kept: operators correct venues in the admin.
    """
    data = {**venue.data, "aliases": list(venue.data.get("aliases", []))}
    known = {normalise(data["name"]), *(normalise(a) for a in data["aliases"])}
    for name in (facts.name, *facts.aliases):
        if normalise(name) not in known:
            data["aliases"].append(name)
            known.add(normalise(name))
    for field in PLACE_FIELDS:
        if data.get(field) in (None, "") and getattr(facts, field) not in (None, ""):
            data[field] = getattr(facts, field)
    if not data.get("neighbourhood"):
        place = neighbourhood([data["name"], *data["aliases"]])
        if place:
            data["neighbourhood"] = place
    return data
