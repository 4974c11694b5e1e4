"""Benchmark: artist extraction's precision and recall on the table of show titles.

The table (tests/carpenter/title_table.py) holds every title of the recordings that
names its performers only in the title, and titles in the styles Seattle venues use.
Counted over (title, artist) pairs by slug: precision is the share of names read that
are performers, recall the share of performers read. Prints the misses by style.

    python bench/artists.py [--misses]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def score(titles, known) -> tuple[float, float, list[tuple[str, str, list[str], list[str]]]]:
    """Return precision, recall and the titles read wrong."""
    from carpenter.artists import artist_slug, extract_artists

    known_slugs = {artist_slug(name) for name in known}
    found = right = wanted = 0
    wrong = []
    for kind, title, expected in titles:
        got = extract_artists(title, known_slugs.__contains__)
        got_slugs = {artist_slug(n) for n in got}
        want_slugs = {artist_slug(n) for n in expected}
        found += len(got_slugs)
        wanted += len(want_slugs)
        right += len(got_slugs & want_slugs)
        if got_slugs != want_slugs:
            wrong.append((kind, title, expected, got))
    precision = right / found if found else 1.0
    recall = right / wanted if wanted else 1.0
    return precision, recall, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print every title read wrong")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sms_project.settings")
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    import django

    django.setup()
    from tests.carpenter.title_table import KNOWN, TITLES

    precision, recall, wrong = score(TITLES, KNOWN)
    print(f"artists from titles: {len(TITLES)} titles")
    print(f"  precision {precision:.3f}  recall {recall:.3f}  titles wrong {len(wrong)}")
    for kind, count in sorted(Counter(k for k, *_ in wrong).items()):
        print(f"  wrong in {kind}: {count}")
    if args.misses:
        for kind, title, expected, got in wrong:
            print(f"  [{kind}] {title!r}: expected {expected}, got {got}")


if __name__ == "__main__":
    main()
