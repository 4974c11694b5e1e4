"""VenuePilot (conor_byrne): its GraphQL answer, paging, and what a bad item says."""

import json

import httpx
import pytest

from ingest.items import ResponseError
from tests.ingest.conftest import sample
from tests.ingest.platforms import bad, fetch, shows

ANSWER = json.loads(sample("conor_byrne.json"))


def answer(collection, page=1, pages=1) -> bytes:
    metadata = {"currentPage": page, "totalPages": pages, "totalCount": 99, "limitValue": 50}
    return json.dumps(
        {"data": {"paginatedEvents": {"collection": collection, "metadata": metadata}}}
    ).encode()


def test_an_event_with_support_prices_and_age():
    show = shows("conor_byrne", sample("conor_byrne.json"))["149301"]
    assert (show.title, show.day, show.start_time, show.end_time) == (
        "The Tall Grass Revival with Whiskey Widow", "2026-12-10", "20:00", "23:30"
    )  # fmt: skip
    assert (show.price_low, show.price_high, show.currency, show.age_limit) == (
        15,
        18,
        "USD",
        "21+",
    )
    assert show.ticket_url == "https://tix.venuepilot.com/events/149301"


def test_artists_when_listed_statuses_and_an_undated_time():
    found = shows("conor_byrne", sample("conor_byrne.json"))
    assert found["148955"].artists == ("Katie Ferris",)
    assert found["149301"].artists is None  # the title then names them
    assert found["150045"].status == "cancelled"
    assert found["151410"].start_time is None
    assert found["149120"].age_limit == "all ages"


def test_bad_items_are_named_and_the_rest_goes_on():
    good = ANSWER["data"]["paginatedEvents"]["collection"][0]
    items = [
        {**good, "id": None},
        {**good, "id": 1, "name": "  "},
        {**good, "id": 2, "date": "12/10/2026"},
        {**good, "id": 3, "startTime": "late"},
        "not an event",
        good,
    ]
    assert bad("conor_byrne", answer(items)) == [
        "no id",
        "no name",
        "date '12/10/2026' does not parse",
        "startTime 'late' does not parse",
        "not an object but str",
    ]


@pytest.mark.parametrize(
    "body, reason",
    [
        (
            b'{"errors": [{"message": "Field \'paginatedEvents\' is missing"}]}',
            "the API answered with an error",
        ),
        (b'{"data": {}}', "no data.paginatedEvents"),
        (b"<html>502</html>", "not JSON"),
    ],
)
def test_a_malformed_answer_is_refused(body, reason):
    with pytest.raises(ResponseError, match=reason):
        shows("conor_byrne", body)


def test_every_page_is_read_as_a_graphql_post_for_the_account(fetcher_on):
    asked = []

    def handler(request: httpx.Request) -> httpx.Response:
        query = json.loads(request.content)
        asked.append((request.method, query["variables"]["accountIds"], query["variables"]["page"]))
        page = query["variables"]["page"]
        return httpx.Response(200, content=answer([{"id": page}], page=page, pages=3))

    pages = fetch("conor_byrne", fetcher_on(handler))
    assert pages.complete and len(pages.bodies) == 3
    assert asked == [("POST", [194], 1), ("POST", [194], 2), ("POST", [194], 3)]


def test_a_page_that_fails_after_the_first_keeps_what_was_read_and_says_why(fetcher_on):
    def handler(request: httpx.Request) -> httpx.Response:
        page = json.loads(request.content)["variables"]["page"]
        if page == 2:
            return httpx.Response(500)
        return httpx.Response(200, content=answer([{"id": page}], page=page, pages=3))

    pages = fetch("conor_byrne", fetcher_on(handler))
    assert not pages.complete and len(pages.bodies) == 1
    assert pages.shortfall == "page 2 failed: HTTP 500 after 3 attempts"


@pytest.mark.django_db
def test_an_incomplete_read_stores_what_it_read_and_the_run_says_why(fetcher_on):
    from ingest.console import summary_table
    from ingest.ingester import ingest
    from tests.ingest.conftest import raw_items

    good = ANSWER["data"]["paginatedEvents"]["collection"][:2]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        page = json.loads(request.content)["variables"]["page"]
        if page == 2:
            return httpx.Response(503)
        return httpx.Response(200, content=answer(good, page=1, pages=2))

    outcome = ingest(["conor_byrne"], fetcher=fetcher_on(handler))
    assert outcome.ok
    facts = outcome.log.stats["conor_byrne"].fetch
    assert (facts.complete, facts.pages) == (False, 1)
    assert facts.shortfall == "page 2 failed: HTTP 503 after 3 attempts"
    assert len(raw_items("conor_byrne")) == 2
    assert "conor_byrne incomplete: page 2 failed: HTTP 503 after 3 attempts" in summary_table(
        outcome.run
    )
