"""Who plays: artist names read from a show's title, and each artist's identity.

Sources that list performers (Ticketmaster's attractions) are taken at their word;
for the others the title is all there is: "Early Show: The Foo w/ Bar Baz, Qux". The
rules here split such titles into names and drop the framing around them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.utils.text import slugify

# Framing before a colon: "Early Show:", "Late Show: Ugly Sweater Punk Night:". The
# performers follow the last ": " of the title.
_FRAMING = re.compile(r"^.*:\s+")
# Between names: "w/", "with", "feat.", "ft.", "featuring", "/", "+", ",", "|", ";".
_SEPARATORS = re.compile(
    r"\s+(?:w/|with|feat\.?|ft\.?|featuring|special guests?|support from)\s+"
    r"|\s*w/\s*|\s*[/+|;,]\s*",
    re.IGNORECASE,
)
# Words that are about the evening, not a performer's name.
_NOT_A_NAME = re.compile(
    r"^(?:and\s+|&\s*)?(?:more|many more|others|friends|guests|special guests?|tba|tbd|"
    r"to be announced|and more|host\s.*|hosted by\s.*|doors?\b.*|\$\d.*|free|no cover|"
    r"21\+|all ages)$",
    re.IGNORECASE,
)
# Trailing framing on a name: "Dog Park Dissidents and guests", "X (album release)".
_TRAILING = re.compile(
    r"\s+(?:and|&)\s+(?:more|many more|friends|guests|special guests)$"
    r"|\s*\((?:[^)]*release[^)]*|[^)]*tour[^)]*|[^)]*show[^)]*|[^)]*night[^)]*)\)$",
    re.IGNORECASE,
)
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
# A part that names the event itself: "Sunday Jazz Jam", "Midnight Toast", "Happy Hour".
# Narrow on purpose: "Ouija Party" and "Pearl Jam" are bands.
_EVENT_NAME = re.compile(
    rf"^{_WEEKDAY}\b|\b{_WEEKDAY}$|\b(?:jazz|blues|bluegrass|funk|soul|open)\s+jam$"
    r"|\bjam session$|\b(?:afterparty|after party|happy hour|matinee|toast|showcase|festival|"
    r"benefit|fundraiser|celebration|brawl|revue|dance party|listening party|release party)$"
    r"|\b(?:karaoke|open mic|trivia|tribute)\b",
    re.IGNORECASE,
)
# "A & B", "A and B": one name unless both sides are known artists.
_JOINED = re.compile(r"\s+(?:&|and)\s+", re.IGNORECASE)
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def extract_artists(title: str, is_known: Callable[[str], bool] = lambda slug: False) -> list[str]:
    """Return the performers a show's title names, in order, without repeats.

    ``is_known(slug)`` tells whether an artist already exists: "A & B" is split into
    "A" and "B" only when both are known, since "Kate & the Dreamers" is one band.
    """
    core = _FRAMING.sub("", title.translate(_QUOTES)).strip()
    names: list[str] = []
    for part in _SEPARATORS.split(core):
        part = _TRAILING.sub("", part.strip(" .-–—")).strip(" .-–—")
        if not part or _NOT_A_NAME.match(part) or _EVENT_NAME.search(part):
            continue
        pieces = _JOINED.split(part)
        if len(pieces) > 1 and all(is_known(artist_slug(p)) for p in pieces):
            names.extend(pieces)
        else:
            names.append(part)
    return _unique(n for n in names if artist_slug(n))


@lru_cache(maxsize=65_536)  # a run asks for the same names again and again
def artist_slug(name: str) -> str:
    """Return an artist's identity: the slug of the name, without a leading "The".

    "The Moss Piglets" and "Moss Piglets" are one band; accents fold to ASCII
    ("Señor Wolf" is "senor-wolf").
    """
    normal = re.sub(r"^the\s+(?=\S)", "", name.strip(), flags=re.IGNORECASE)
    slug = slugify(normal.replace("&", " and ").replace("_", " "))
    return re.sub(r"-{2,}", "-", slug).strip("-")


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(artist_slug(name), name)
    return list(seen.values())
