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
_HOLIDAY = (
    r"(?:christmas|xmas|new year'?s|nye|boxing day|halloween|thanksgiving|valentine'?s|"
    r"st\.? patrick'?s|mardi gras|cinco de mayo|holiday)\b"
)
_GENRE = r"(?:jazz|blues|soul|funk|folk|rock|punk|metal|hip-hop|bluegrass|country|cuban|latin)"

# A title is cut into segments at ": " and at a spaced dash (" - ", " – "); a segment
# that frames the evening ("Early Show", "Ugly Sweater Punk Night", "Album Release
# Show", "21+") is dropped, the others hold the names.
_SEGMENTS = re.compile(r":\s+|\s+[-–—]+\s+")
_FRAMING = re.compile(
    rf"^{_WEEKDAY}\b|\b(?:show|night|party|brawl|matinee|fest|festival|presents|series|"
    r"hour|revue|tour|celebration|benefit|release|showcase|residency|bash|kickoff|"
    r"spectacular|edition|anniversary|birthday|reunion|finale|homecoming|weekend|"
    r"(?:night|show)\s+(?:one|two|three|\d+))$"
    r"|\b(?:farewell|anniversary|reunion|tribute|songs of|music of|live on kexp|"
    r"in concert|sold out|all ages|gathering|\d+\+)\b"
    rf"|^{_HOLIDAY}|^{_GENRE}\s+(?:in|at|on|under)\b"
    r"|\b(?:theat(?:er|re)|tavern|lounge|hall|abbey|ballroom)$",
    re.IGNORECASE,
)
# The last segment names the night, not a band, only when it says so plainly ("Dead
# Bars - Farewell Show", "Neon Harbor: The Afterglow Tour"): "... / Ouija Party" ends
# in a band, so "party" alone is not enough there.
_FRAMING_LAST = re.compile(
    r"\b(?:show|night|tour|release|anniversary|celebration|kickoff|spectacular|edition|"
    r"birthday|bash|residency|finale|homecoming|(?:release|listening|dance|birthday|launch|"
    r"holiday)\s+party|(?:night|show)\s+(?:one|two|three|\d+))$"
    r"|\b(?:farewell|anniversary|reunion|tribute|songs of|music of)\b|^\d+\+$"
    r"|\b(?:last|final|first)\s+show\b"
    rf"|^{_HOLIDAY}|\bchristmas$",
    re.IGNORECASE,
)
# Framing said before the names without a colon: "An Evening with X", "KEXP presents X".
_PREFIX = re.compile(
    r"^(?:an?\s+(?:evening|night|afternoon)\s+with|(?:[\w'.&]+\s+){0,4}presents?:?"
    r"|live on kexp|in concert)\s+",
    re.IGNORECASE,
)
# Aggregators append the venue: "Lila Moth at Neumos", "Static Bloom @ High Dive".
_AT_WORDS = re.compile(
    r"(?:tavern|lounge|hall|theat(?:er|re)|club|room|ballroom|crocodile|neumo'?s|barboza|"
    r"hen|dive|byrne|moon|monster|skylark|showbox|paramount|moore|cafe|bar)$",
    re.IGNORECASE,
)
# Notes in brackets say how or why they play, never who: "(DJ set)", "(acoustic)",
# "(full band)", "(album release)", "[SOLD OUT]", "(of The Shins)".
_BRACKETED = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\]|\*[^*]+\*)")
# Between names: "w/", "with", "feat.", "ft.", "featuring", and "/", "+", ",", "|", ";",
# and the short guest markers after them ("w/ s.g.", "with special guests").
# "/" and "+" need a space on one side at least: "AC/DC" and "Blink+182" are names.
_GUEST = r"(?:(?:very\s+)?special\s+guests?|s\.\s?g\.?|sg)\s*:?"
_SEPARATORS = re.compile(
    rf"\s+(?:(?:w/|with|and)\s*{_GUEST}|w/|with|feat\.?|ft\.?|featuring|{_GUEST}|"
    r"support from|supported by|opening|openers?:?)\s+"
    r"|\s*w/\s*|\s+[/+]\s*|\s*[/+]\s+|\s*,\s*(?:&|and)\s+|\s*[|;,]\s*",
    re.IGNORECASE,
)
# Words that are about the evening, not part of a name; a part made only of them is
# not a performer ("and more", "special guests", "more TBA").
_FILLER_WORDS = frozenset(
    "and & more many others other friends guest guests special surprise very plus tba tbd "
    "to be announced s.g. sg".split()
)
_NOT_A_NAME = re.compile(
    r"^(?:host\s.*|hosted by\s.*|doors?\b.*|\$\d.*|free|no cover|\d+\+|all ages|sold out|"
    r"cancell?ed|postponed|closed|open\s+\d.*)$",
    re.IGNORECASE,
)
# Trailing framing on a name: "Dead Bars and guests", "X (album release)", "X 21+".
_TRAILING = re.compile(
    r"\s+(?:and|&)\s+(?:more|many more|friends|guests|special guests)$"
    r"|\s+(?:nye|new year'?s eve)(?:\s+\d{4})?$"
    r"|\s+(?:\d+\+|all ages)$",
    re.IGNORECASE,
)
_LEADING = re.compile(
    r"^(?:(?:and|&|w/|with|feat\.?|ft\.?|featuring|(?:very\s+)?special\s+guests?:?|sg:?)\s+"
    r"|s\.\s?g\.:?\s*)+",
    re.IGNORECASE,
)
# A part that names the event itself: "Sunday Jazz Jam", "Midnight Toast", "Happy Hour".
# Narrow on purpose: "Ouija Party" and "Pearl Jam" are bands.
_EVENT_NAME = re.compile(
    rf"^{_WEEKDAY}\b|\b{_WEEKDAY}$|\b(?:jazz|blues|bluegrass|funk|soul|open)\s+jam$"
    r"|\bjam session$|\b(?:afterparty|after party|happy hour|matinee|toast|showcase|festival|"
    r"benefit|fundraiser|celebration|brawl|revue|dance party|listening party|release party|"
    r"release show|farewell show|anniversary show|tour kickoff|(?:night|show)\s+(?:one|two|"
    r"three|\d+))$"
    rf"|\b{_GENRE}\s+(?:show|night)$"
    r"|\b(?:session|brunch|swap|hoedown|hootenanny|edition|bash|nite|night|tour)$"
    rf"|^{_HOLIDAY}|\b(?:karaoke|open mic|trivia|tribute|farewell|anniversary|comedy)\b"
    r"|^(?:the\s+)?(?:songs|music)\s+of\b|^a\s+tribute\b",
    re.IGNORECASE,
)
# "A & B", "A and B": one name unless both sides are known artists.
_JOINED = re.compile(r"\s+(?:&|and)\s+", re.IGNORECASE)
_THE = re.compile(r"^the\s", re.IGNORECASE)
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})

Known = Callable[[str], bool]


def extract_artists(
    title: str, is_known: Known = lambda slug: False, is_one: Known | None = None
) -> list[str]:
    """Return the performers a show's title names, in order, without repeats.

    ``is_known(slug)`` tells whether an artist already exists, ``is_one(slug)``
    (default: the same) whether a joined name ("Simon & Garfunkel") is one known
    artist. "A & B" stays whole when it is one known artist; else it is split into
    "A" and "B" when both are known, or when it ends a comma list ("X, A & B": the
    "&" joins the list), since "Kate & the Dreamers" alone is one band.
    """
    is_one = is_one or is_known
    names: list[str] = []
    for part, event_name, list_tail in _parts(title):
        # A known artist is never framing: "Three Dog Night" is a band.
        if event_name and not is_one(artist_slug(part)):
            continue
        names.extend(_split_joined(part, is_known, is_one, list_tail=list_tail))
    return _unique(n for n in (_clean(n) for n in names) if artist_slug(n))


# The carpenter reads each title twice a batch (once noting what to look up, once
# deciding with what is known): the reading that needs no knowledge is done once.
# Bounded: a few batches' worth of titles.
@lru_cache(maxsize=4096)
def _parts(title: str) -> tuple[tuple[str, bool, bool], ...]:
    """Return a title's candidate parts: (part, reads as an event's name, ends a list)."""
    lineup = _lineup(_without_venue(_BRACKETED.sub("", title.translate(_QUOTES)).strip()))
    parts = _SEPARATORS.split(lineup)
    tail = _list_tail(lineup, parts)
    found = []
    for index, raw in enumerate(parts):
        part = _clean(raw)
        if not part or _is_filler(part):
            continue
        found.append((part, bool(_EVENT_NAME.search(part)), index == tail))
    return tuple(found)


def _without_venue(title: str) -> str:
    """Drop the venue an aggregator appends ("Lila Moth at Neumos")."""
    at = title.find(" @ ")
    if at > 0:
        return title[:at]
    words = title.split(" at ")
    if len(words) > 1 and _AT_WORDS.search(words[-1].strip()):
        return " at ".join(words[:-1])
    return title


def _clean(part: str) -> str:
    part = part.strip(" .-–—")
    part = _LEADING.sub("", _TRAILING.sub("", part).strip(" .-–—"))
    return part.strip(" .-–—")


def _list_tail(lineup: str, parts: list[str]) -> int | None:
    """Return the index of the part that ends a comma list ("X, A & B"), if any."""
    if len(parts) < 2:
        return None
    # The last part of a list: its "&" is the list's own "and".
    for index in range(len(parts) - 1, -1, -1):
        if parts[index] and parts[index].strip():
            return index
    return None


def _split_joined(part: str, is_known: Known, is_one: Known, *, list_tail: bool) -> list[str]:
    joined = _joints(part)
    if joined is None:
        return [part]
    pieces, sides = joined
    # Ask about every candidate (no short cut): a caller may be noting what to look up.
    whole = is_one(artist_slug(part))
    known = [is_known(artist_slug(p)) for p in pieces]
    known_sides = [(is_known(artist_slug(a)), is_known(artist_slug(b))) for a, b in sides]
    if whole:
        return [part]
    if all(known):
        return list(pieces)
    for (left, right), (left_known, right_known) in zip(sides, known_sides, strict=True):
        if left_known and right_known:
            return [left, right]
    if list_tail:
        # "Mudhoney, Hazel & The Pearls & Tacocat": the list's "&" is the last one
        # not followed by "The ..." ("X & the Ys" is how bands are named).
        for left, right in reversed(sides):
            if not _THE.match(right):
                return [left, right]
        if len(sides) > 1:  # "Bobby Ray & the Stetsons & The Moss Piglets"
            return list(sides[-1])
    return [part]


@lru_cache(maxsize=4096)  # as _parts: the same parts are asked about twice a batch
def _joints(part: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]] | None:
    """Return a part's pieces around each "&"/"and", and its two sides at each (None: none)."""
    joints = list(_JOINED.finditer(part))
    if not joints:
        return None
    sides = tuple((part[: j.start()], part[j.end() :]) for j in joints)
    return tuple(_JOINED.split(part)), sides


def _lineup(title: str) -> str:
    """Return the part of a title that names performers, framing segments dropped.

    The last segment stays unless it plainly frames the night ("- Farewell Show"):
    it usually is the lineup, and "... / Ouija Party" ends in a band.
    """
    segments = [s.strip() for s in _SEGMENTS.split(title.strip()) if s.strip()]
    kept = [s for s in segments[:-1] if not (_FRAMING.search(s) or _is_filler(s))]
    last = segments[-1:]
    if kept and last and _FRAMING_LAST.search(last[0]) and not _SEPARATORS.search(last[0]):
        last = []
    return _PREFIX.sub("", " / ".join([*kept, *last]))


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
