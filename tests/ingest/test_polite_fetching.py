"""Polite fetching against httpx's MockTransport: robots.txt, 304s, pacing, redirects."""

import asyncio
import time

import httpx
import pytest

from ingest.fetch import FetchError, HttpFetcher, Request, Validators
from ingest.ingester import ingest, last_validators
from ingest.sources import get_source
from tests.ingest.conftest import raw_items, sample

pytestmark = pytest.mark.django_db

NEUMOS = "www.neumos.com"
AGENT_RULES = "User-agent: SMS-Graph\nDisallow: /events/\n\nUser-agent: *\nAllow: /\n"


def site(pages: dict[str, httpx.Response | bytes], calls: list | None = None):
    """A handler answering by path; a missing robots.txt is a 404."""

    def handler(request: httpx.Request) -> httpx.Response:
        if calls is not None:
            calls.append(request)
        answer = pages.get(request.url.path)
        if answer is None:
            return httpx.Response(404)
        return answer if isinstance(answer, httpx.Response) else httpx.Response(200, content=answer)

    return handler


def neumos_page(**headers) -> httpx.Response:
    return httpx.Response(200, content=sample("neumos.html"), headers=headers)


class TestRobots:
    def test_a_source_its_robots_txt_disallows_fails_with_that_reason(self, fetcher_on):
        calls = []
        handler = site(
            {"/robots.txt": AGENT_RULES.encode(), "/events/events_ajax/0": neumos_page()}, calls
        )
        outcome = ingest(["neumos"], fetcher=fetcher_on(handler))
        stats = outcome.log.stats["neumos"]
        assert stats.status == "failed"
        assert stats.error == (
            "robots.txt of www.neumos.com disallows /events/events_ajax/0 for our User-Agent"
        )
        assert [call.url.path for call in calls] == ["/robots.txt"]  # the page was never asked
        assert raw_items() == {}

    def test_rules_for_other_agents_do_not_stop_us(self, fetcher_on):
        rules = b"User-agent: BadBot\nDisallow: /\n"
        handler = site({"/robots.txt": rules, "/events/events_ajax/0": neumos_page()})
        assert ingest(["neumos"], fetcher=fetcher_on(handler)).ok
        assert len(raw_items("neumos")) == 10

    def test_no_robots_txt_means_no_rules(self, fetcher_on):
        handler = site({"/events/events_ajax/0": neumos_page()})
        assert ingest(["neumos"], fetcher=fetcher_on(handler)).ok

    def test_a_robots_txt_that_errors_means_the_site_is_not_crawled(self, fetcher_on):
        handler = site({"/robots.txt": httpx.Response(503), "/events/events_ajax/0": neumos_page()})
        stats = ingest(["neumos"], fetcher=fetcher_on(handler)).log.stats["neumos"]
        assert stats.status == "failed"
        assert stats.error.startswith("robots.txt answered HTTP 503 after 3 attempts")

    def test_robots_txt_is_read_once_per_host_and_run(self, fetcher_on):
        calls = []
        handler = site({"/robots.txt": b"User-agent: *\nAllow: /\n", "/a": b"1", "/b": b"2"}, calls)

        async def run():
            async with fetcher_on(handler) as fetcher:
                fetcher.configure("x")
                fetcher.configure("y")
                await asyncio.gather(
                    fetcher.get(f"https://{NEUMOS}/a", source="x"),
                    fetcher.get(f"https://{NEUMOS}/b", source="y"),
                )

        asyncio.run(run())
        assert [call.url.path for call in calls].count("/robots.txt") == 1

    def test_a_documented_api_is_governed_by_its_terms_not_robots_txt(self, fetcher_on, tm_key):
        calls = []

        def handler(request):
            calls.append(request.url.path)
            return httpx.Response(200, content=sample("ticketmaster.json"))

        assert ingest(["ticketmaster"], fetcher=fetcher_on(handler)).ok
        assert "/robots.txt" not in calls

    def test_a_crawl_delay_slows_the_host(self, fetcher_on, sleeps):
        rules = b"User-agent: *\nCrawl-delay: 4\n"
        handler = site({"/robots.txt": rules, "/a": b"1"})

        async def run():
            async with fetcher_on(handler) as fetcher:
                fetcher.configure("x")
                for _ in range(3):
                    await fetcher.get(f"https://{NEUMOS}/a", source="x")

        asyncio.run(run())
        # Recorded sleeps pass no time, so the waits add up: the slots are 4 s apart.
        assert sleeps == pytest.approx([4.0, 8.0], abs=0.1)


class TestConditionalRequests:
    def test_a_304_is_an_unchanged_complete_fetch_that_stores_nothing(self, fetcher_on):
        asked = []

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path == "/robots.txt":
                return httpx.Response(404)
            asked.append(dict(request.headers))
            if request.headers.get("If-None-Match") == '"v1"':
                return httpx.Response(304, headers={"ETag": '"v1"'})
            return neumos_page(ETag='"v1"', **{"Last-Modified": "Tue, 01 Dec 2026 10:00:00 GMT"})

        first = ingest(["neumos"], fetcher=fetcher_on(handler))
        assert first.ok
        facts = first.log.stats["neumos"].fetch
        assert (facts.etag, facts.last_modified) == ('"v1"', "Tue, 01 Dec 2026 10:00:00 GMT")
        assert "if-none-match" not in asked[0]
        before = {key: (node.data, node.updated_at) for key, node in raw_items().items()}

        second = ingest(["neumos"], fetcher=fetcher_on(handler))

        assert second.ok
        assert asked[1]["if-none-match"] == '"v1"'
        assert asked[1]["if-modified-since"] == "Tue, 01 Dec 2026 10:00:00 GMT"
        stats = second.log.stats["neumos"]
        assert stats.fetch.not_modified and stats.fetch.complete
        assert (stats.created, stats.updated, stats.errors) == (0, 0, 0)
        assert {k: (n.data, n.updated_at) for k, n in raw_items().items()} == before
        # The validators carry over, so the run after asks again.
        assert last_validators([get_source("neumos")])["neumos"].etag == '"v1"'

    def test_validators_come_only_from_a_last_run_that_succeeded(self, fetcher_on, tmp_path):
        handler = site({"/events/events_ajax/0": neumos_page(ETag='"v1"')})
        assert ingest(["neumos"], fetcher=fetcher_on(handler)).ok
        broken = tmp_path / "broken.html"
        broken.write_bytes(b"<html><body>oops, a broken page</body></html>")
        ingest(["neumos"], from_path=broken)  # failed: the next fetch must be a full one
        assert last_validators([get_source("neumos")]) == {}


class TestPacing:
    def test_one_host_is_asked_at_its_pace_and_hosts_apart_at_once(self):
        stamps: dict[str, list[float]] = {}

        def handler(request: httpx.Request) -> httpx.Response:
            stamps.setdefault(request.url.host, []).append(time.monotonic())
            return httpx.Response(200, content=b"ok")

        async def run():
            fetcher = HttpFetcher(transport=httpx.MockTransport(handler), host_pace=10.0)
            async with fetcher:
                fetcher.configure("a", robots=False)
                fetcher.configure("b", robots=False)
                await asyncio.gather(
                    *(fetcher.get(f"https://one.example/{n}", source="a") for n in range(4)),
                    *(fetcher.get(f"https://two.example/{n}", source="b") for n in range(4)),
                )

        started = time.monotonic()
        asyncio.run(run())
        took = time.monotonic() - started
        for host in ("one.example", "two.example"):
            gaps = [b - a for a, b in zip(stamps[host], stamps[host][1:], strict=False)]
            assert min(gaps) >= 0.09, (host, gaps)  # 10 a second: 0.1 s apart
        assert took < 0.6  # the two hosts were paced side by side, not one after the other

    def test_the_slowest_pace_asked_of_a_host_wins(self, fetcher_on, sleeps):
        async def run():
            async with fetcher_on(lambda r: httpx.Response(200, content=b"ok")) as fetcher:
                fetcher.configure("fast", per_second=10, robots=False)
                fetcher.configure("slow", per_second=2, robots=False)
                await fetcher.get("https://tixr.example/a", source="fast")
                await fetcher.get("https://tixr.example/b", source="slow")
                await fetcher.get("https://tixr.example/c", source="fast")

        asyncio.run(run())
        assert sleeps[-1] == pytest.approx(0.5 + 0.1, abs=0.05) or sleeps[-1] >= 0.45


class TestRedirects:
    def fetch(self, fetcher_on, handler, url="https://www.neumos.com/events", hosts=()):
        async def run():
            async with fetcher_on(handler) as fetcher:
                fetcher.configure("neumos", robots=False, hosts=hosts)
                return await fetcher.send(Request(url), source="neumos")

        return asyncio.run(run())

    def test_a_redirect_within_the_site_is_followed(self, fetcher_on):
        def handler(request):
            if request.url.host == "neumos.com":
                return httpx.Response(301, headers={"Location": "https://www.neumos.com/events"})
            return httpx.Response(200, content=b"the list")

        assert self.fetch(fetcher_on, handler, "https://neumos.com/events").body == b"the list"

    def test_a_redirect_off_the_site_fails_the_source_with_that_reason(self, fetcher_on):
        def handler(request):
            if request.url.host == "www.neumos.com":
                return httpx.Response(302, headers={"Location": "https://evil.example/feed"})
            return httpx.Response(200, content=b"someone else's items")

        with pytest.raises(
            FetchError, match=r"^redirected off the source's site, to evil\.example$"
        ):
            self.fetch(fetcher_on, handler)

    def test_a_declared_host_may_be_redirected_to(self, fetcher_on):
        def handler(request):
            if request.url.host == "www.neumos.com":
                return httpx.Response(307, headers={"Location": "https://cdn.example/list"})
            return httpx.Response(200, content=b"from the cdn")

        assert self.fetch(fetcher_on, handler, hosts=("cdn.example",)).body == b"from the cdn"

    def test_a_redirect_from_https_to_plain_http_is_refused(self, fetcher_on):
        def handler(request):
            return httpx.Response(301, headers={"Location": "http://www.neumos.com/events"})

        with pytest.raises(FetchError, match="from HTTPS to plain HTTP"):
            self.fetch(fetcher_on, handler)

    def test_endless_redirects_stop(self, fetcher_on):
        def handler(request):
            return httpx.Response(302, headers={"Location": "/events?again"})

        with pytest.raises(FetchError, match="more than 5 redirects"):
            self.fetch(fetcher_on, handler)

    def test_an_off_site_redirect_fails_the_run_of_that_source_alone(self, fetcher_on):
        def handler(request):
            if request.url.path == "/robots.txt":
                return httpx.Response(404)
            if request.url.host == "www.neumos.com":
                return httpx.Response(302, headers={"Location": "https://elsewhere.example/x"})
            if request.url.host == "www.thebarboza.com":
                return httpx.Response(200, content=sample("barboza.html"))
            return httpx.Response(200, content=sample("neumos.html"))

        outcome = ingest(["neumos", "barboza"], fetcher=fetcher_on(handler))
        assert outcome.log.stats["neumos"].error == (
            "redirected off the source's site, to elsewhere.example"
        )
        assert raw_items("neumos") == {} and len(raw_items("barboza")) == 7


def test_validators_ask_conditionally():
    assert Validators('"x"', None).headers() == {"If-None-Match": '"x"'}
    assert not Validators()
