"""The Little Red Hen: its monthly entertainment calendar, a page per month.

``http://www.littleredhen.com/pages/cal.html`` (plain HTTP: the site has no TLS) is a
table: a ``p`` "Entertainment Calendar | December 2026", a header row naming the days
(Sunday ... Saturday), then a row per week whose cells read "day", "band", "cost" on
separate lines. Bands play Thursday to Saturday at 9 PM; Sunday to Wednesday hold the
weekly open mic, line-dance lessons, bluegrass jam and karaoke, which are not shows and
are passed over. A "next month" link leads to the next month's page: this month and
the next are read. Known from admiralbolt/sms (its Little Red Hen reader).

Each item is stored as the cell shows it (its lines) with the day it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from ingest.fetch import Pages, Request, Validators
from ingest.items import ItemError, ResponseError, Show, VenueFacts
from ingest.reading import iso_day, month_number, need, price, text
from ingest.sources.base import PUBLIC_PAGE, Fetcher, Source

SITE = "http://www.littleredhen.com"
PAGE_URL = f"{SITE}/pages/cal.html"
SHOW_NIGHTS = ("thursday", "friday", "saturday")
START = "21:00"
MONTHS_READ = 2
_MONTH = re.compile(r"entertainment calendar\s*\|\s*([A-Za-z]+)\s+(\d{4})", re.I)


class LittleRedHen(Source):
    name = "little_red_hen"
    title = "The Little Red Hen"
    sample = "little_red_hen.html"
    terms = PUBLIC_PAGE
    venue = VenueFacts(
        name="Little Red Hen",
        address="7115 Woodlawn Ave NE",
        city="Seattle",
        postal_code="98115",
        latitude=47.680174,
        longitude=-122.324816,
        url=f"{SITE}/",
        aliases=("The Little Red Hen",),
    )

    def url(self) -> str:
        return PAGE_URL

    async def fetch(self, client: Fetcher, validators: Validators | None = None) -> Pages:
        """Fetch this month's page and, by its "next month" link, the next one."""

        def next_page(body: bytes, number: int) -> Request | None:
            if number >= MONTHS_READ:
                return None
            for link in LexborHTMLParser(body).css("a[href]"):
                if "next month" in (link.text() or "").lower():
                    href = link.attributes.get("href") or ""
                    return Request(f"{SITE}/pages/{href.rsplit('/', 1)[-1]}") if href else None
            return None

        return await self.follow(client, Request(PAGE_URL), next_page, validators=validators)

    def split(self, body: bytes) -> Iterable[Any]:
        tree = LexborHTMLParser(body)
        heading = next((m for p in tree.css("p") if (m := _MONTH.search(p.text() or ""))), None)
        if heading is None:
            raise ResponseError('no "Entertainment Calendar | Month Year" heading')
        month, year = month_number(heading[1]), int(heading[2])
        items, days = [], None
        for row in tree.css("tr"):
            cells = [
                [text(line) for line in cell.text(separator="\n").splitlines() if text(line)]
                for cell in row.css("td, th")
            ]
            if days is None:
                if all(any(d in " ".join(c).lower() for c in cells) for d in ("sunday", "monday")):
                    days = [" ".join(c).lower() for c in cells]
                continue
            for weekday, lines in zip(days, cells, strict=False):
                if weekday in SHOW_NIGHTS and len(lines) >= 2 and lines[0].isdigit():
                    day = f"{year:04d}-{month:02d}-{int(lines[0]):02d}"
                    items.append({"day": day, "weekday": weekday, "lines": lines[1:]})
        return items

    def read(self, payload: Any) -> tuple[str, Show]:
        day = iso_day(need(payload, "day"), field="day")
        lines = payload.get("lines")
        if not isinstance(lines, list) or not lines or not isinstance(lines[0], str):
            raise ItemError("no band named")
        band = text(lines[0])
        cost = next(
            (price(line) for line in lines[1:] if isinstance(line, str) and "$" in line), None
        )
        if any(isinstance(line, str) and "free" in line.lower() for line in lines[1:]):
            cost = 0.0
        return day, Show(
            title=band,
            day=day,
            start_time=START,
            url=PAGE_URL,
            price_low=cost,
            price_high=cost,
            currency="USD" if cost is not None else None,
        )
