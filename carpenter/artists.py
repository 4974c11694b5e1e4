"""Who plays: artist names read from a show's title, and each artist's identity.

Sources that list performers (Ticketmaster's attractions) are taken at their word;
for the others the title is all there is: "Early Show: The Foo w/ Bar Baz, Qux". The
rules here cut such titles into names and drop the framing around them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.utils.text import slugify

_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"

# A title is cut into segments at ": " and at a spaced dash (" - ", " – "); a segment
# that frames the evening ("Early Show", "Ugly Sweater Punk Night", "Album Release
# Show", "21+") is dropped, the others hold the names.
_SEGMENTS = re.compile(r":\s+|\s+[-–—]\s+")
_FRAMING = re.compile(
    rf"^{_WEEKDAY}\b|\b(?:show|night|party|brawl|matinee|fest|festival|presents|series|"
    r"hour|revue|tour|celebration|benefit|release|showcase|residency)$",
    re.IGNORECASE,
)
# Between names: "w/", "with", "feat.", "ft.", "featuring", and "/", "+", ",", "|", ";".
# "/" and "+" need a space on one side at least: "AC/DC" and "Blink+182" are names.
_SEPARATORS = re.compile(
    r"\s+(?:w/|with|feat\.?|ft\.?|featuring|special guests?|support from)\s+"
    r"|\s*w/\s*|\s+[/+]\s*|\s*[/+]\s+|\s*[|;,]\s*",
    re.IGNORECASE,
)
# Words that are about the evening, not part of a name; a part made only of them is
# not a performer ("and more", "special guests", "more TBA").
_FILLER_WORDS = frozenset(
    "and & more many others other friends guest guests special surprise very plus tba tbd "
    "to be announced".split()
)
_NOT_A_NAME = re.compile(
    r"^(?:host\s.*|hosted by\s.*|doors?\b.*|\$\d.*|free|no cover|\d+\+|all ages|sold out|"
    r"cancell?ed|postponed)$",
    re.IGNORECASE,
)
# Trailing framing on a name: "Dead Bars and guests", "X (album release)", "X (21+)".
_TRAILING = re.compile(
    r"\s+(?:and|&)\s+(?:more|many more|friends|guests|special guests)$"
    r"|\s*\((?:[^)]*(?:release|tour|show|night|21\+|all ages|sold out|cancell?ed)[^)]*)\)$",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^(?:and|&)\s+", re.IGNORECASE)
# A part that names the event itself: "Sunday Jazz Jam", "Midnight Toast", "Happy Hour".
# Narrow on purpose: "Ouija Party" and "Pearl Jam" are bands.
_EVENT_NAME = re.compile(
    rf"^{_WEEKDAY}\b|\b{_WEEKDAY}$|\b(?:jazz|blues|bluegrass|funk|soul|open)\s+jam$"
    r"|\bjam session$|\b(?:afterparty|after party|happy hour|matinee|toast|showcase|festival|"
    r"benefit|fundraiser|celebration|brawl|revue|dance party|listening party|release party|"
    r"release show)$"
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
    names: list[str] = []
    for part in _SEPARATORS.split(_lineup(title.translate(_QUOTES))):
        part = _LEADING.sub("", _TRAILING.sub("", part.strip(" .-–—")).strip(" .-–—"))
        if not part or _is_filler(part) or _EVENT_NAME.search(part):
            continue
        pieces = _JOINED.split(part)
        # Ask about every piece (no short cut): a caller may be noting what to look up.
        known = [is_known(artist_slug(p)) for p in pieces]
        if len(pieces) > 1 and all(known):
            names.extend(pieces)
        else:
            names.append(part)
    return _unique(n for n in names if artist_slug(n))


def _lineup(title: str) -> str:
    """Return the part of a title that names performers, framing segments dropped.

    The last segment always stays (its parts are sifted one by one): it usually is
    the lineup, and "... / Ouija Party" ends in a band, not in framing.
    """
    segments = [s.strip() for s in _SEGMENTS.split(title.strip()) if s.strip()]
    kept = [s for s in segments[:-1] if not (_FRAMING.search(s) or _is_filler(s))]
    return " / ".join([*kept, *segments[-1:]])


def _is_filler(text: str) -> bool:
    words = text.lower().replace(".", "").split()
    return bool(_NOT_A_NAME.match(text)) or all(w in _FILLER_WORDS for w in words)


@lru_cache(maxsize=65_536)  # a run asks for the same names again and again
def artist_slug(name: str) -> str:
    """Return an artist's identity: the slug of the name, without a leading "The".

    "The Moss Piglets" and "Moss Piglets" are one band; accents fold to ASCII
    ("Señor Wolf" is "senor-wolf"); a name with no Latin letters keeps its own
    ("坂本龍一").
    """
    normal = re.sub(r"^the\s+(?=\S)", "", name.strip(), flags=re.IGNORECASE)
    normal = normal.replace("&", " and ").replace("_", " ")
    slug = slugify(normal) or slugify(normal, allow_unicode=True)
    return re.sub(r"-{2,}", "-", slug.replace("_", "-")).strip("-")


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(artist_slug(name), name)
    return list(seen.values())
