"""VenuePilot: the public GraphQL API behind the event calendars of VenuePilot venues.

``POST https://www.venuepilot.co/graphql`` with ``paginatedEvents(arguments:
{accountIds, startDate, page, limit})`` answers ``{"data": {"paginatedEvents":
{"collection": [event...], "metadata": {"currentPage", "totalPages", ...}}}}`` (or
``{"errors": [{"message"}]}``). An event has an ``id``, ``name``, ``date``
(YYYY-MM-DD), ``doorTime`` and ``startTime`` ("20:00:00", either may be null),
``endTime``, ``minimumAge`` (a number, 0 for all ages), ``status``, ``support``,
``description`` (HTML), ``ticketsUrl``, ``websiteUrl``, ``highlightedImage``,
``priceMin``/``priceMax``/``currency``, ``artists[]`` and ``announceArtists[]`` (each
with a ``name``; often empty) and its ``venue``. The query and the fields are known
from nspilman/rust-venue-scraper (its Conor Byrne reader, account 194) and
admiralbolt/sms (its VenuePilot reader), not from a published document.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from ingest.fetch import Pages, Request, Validators
from ingest.items import ItemError, ResponseError, Show
from ingest.reading import (
    age_limit,
    any_time,
    currency,
    dig,
    identifier,
    iso_day,
    json_body,
    names,
    need,
    plain,
    prices,
    received_on,
    show_status,
    text,
    web_url,
)
from ingest.sources.base import UNDOCUMENTED, Fetcher, Source

GRAPHQL_URL = "https://www.venuepilot.co/graphql"
PAGE_SIZE = 50
QUERY = """query ($accountIds: [Int!]!, $startDate: String!, $page: Int, $limit: Int) {
  paginatedEvents(arguments: {accountIds: $accountIds, startDate: $startDate,
                              page: $page, limit: $limit}) {
    collection {
      id name date doorTime startTime endTime minimumAge status support description
      ticketsUrl websiteUrl highlightedImage priceMin priceMax currency
      artists { name } announceArtists { name } venue { name }
    }
    metadata { currentPage totalPages totalCount limitValue }
  }
}"""


class VenuePilot(Source):
    """A venue whose calendar is a VenuePilot account.

    account_id: the venue's VenuePilot account (in its calendar widget's requests).
    """

    platform = "VenuePilot"
    terms = UNDOCUMENTED
    account_id: ClassVar[int]

    def url(self) -> str:
        return GRAPHQL_URL

    def request(self, page: int) -> Request:
        """Return the query of one page of the account's events from today on."""
        variables = {
            "accountIds": [self.account_id],
            "startDate": received_on().isoformat(),
            "page": page,
            "limit": PAGE_SIZE,
        }
        return Request(GRAPHQL_URL, method="POST", json={"query": QUERY, "variables": variables})

    async def fetch(self, client: Fetcher, validators: Validators | None = None) -> Pages:
        """Fetch page after page of the account's events, to the last page."""

        def next_page(body: bytes, number: int) -> Request | None:
            metadata = _answer(body).get("metadata")
            total = metadata.get("totalPages") if isinstance(metadata, dict) else None
            return self.request(number + 1) if isinstance(total, int) and number < total else None

        return await self.follow(client, self.request(1), next_page, validators=validators)

    def split(self, body: bytes) -> Iterable[Any]:
        collection = _answer(body).get("collection")
        if not isinstance(collection, list):
            raise ResponseError("no paginatedEvents.collection list in the answer")
        return collection

    def read(self, payload: Any) -> tuple[str, Show]:
        external_id = identifier(need(payload, "id"))
        title = text(need(payload, "name"), field="name")
        if not title:
            raise ItemError("no name")
        day = iso_day(need(payload, "date"), field="date")
        start = payload.get("startTime") or payload.get("doorTime")
        start_time = any_time(start, field="startTime") if start else None
        end = payload.get("endTime")
        support = payload.get("support")
        if isinstance(support, str) and text(support):
            title = f"{title} with {text(support)}"
        low, high = prices(payload.get("priceMin"), payload.get("priceMax"))
        lineup = names(payload.get("artists")) or names(payload.get("announceArtists"))
        return external_id, Show(
            title=title,
            day=day,
            start_time=start_time,
            end_time=any_time(end, field="endTime") if end and start_time else None,
            description=plain(payload.get("description"))
            if isinstance(payload.get("description"), str)
            else None,
            url=web_url(payload.get("websiteUrl")) or web_url(payload.get("ticketsUrl")),
            ticket_url=web_url(payload.get("ticketsUrl")),
            image_url=web_url(payload.get("highlightedImage")),
            artists=lineup or None,
            status=show_status(payload.get("status")),
            price_low=low,
            price_high=high,
            currency=currency(payload.get("currency")) if low is not None else None,
            age_limit=age_limit(payload.get("minimumAge")),
        )


def _answer(body: bytes) -> dict[str, Any]:
    """Return ``data.paginatedEvents`` of a GraphQL answer; raise ``ResponseError``."""
    answer = json_body(body)
    message = dig(answer, "errors", 0, "message")
    if message is not None:
        raise ResponseError(f"the API answered with an error: {text(str(message))[:200]}")
    events = dig(answer, "data", "paginatedEvents")
    if not isinstance(events, dict):
        raise ResponseError("no data.paginatedEvents in the answer")
    return events
