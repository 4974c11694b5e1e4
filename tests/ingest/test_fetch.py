"""The fetcher: timeouts, retries with backoff, Retry-After, the size cap, the pace."""

import asyncio
import datetime as dt
import email.utils

import httpx
import pytest

from ingest.fetch import TIMEOUT, FetchError, RateLimit, Retries, one_line, retry_after

URL = "https://venue.example/feed"


def get(fetcher, *, max_bytes: int | None = None) -> bytes:
    async def run():
        async with fetcher:
            fetcher.configure("test", max_bytes=max_bytes, robots=False)
            return await fetcher.get(URL, source="test")

    return asyncio.run(run())


def answers(*responses):
    """A handler giving these responses (or raising these errors) in turn; counts calls."""
    queue = list(responses)
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, type) and issubclass(answer, Exception):
            raise answer("simulated", request=request)
        if isinstance(answer, Exception):
            raise answer
        return answer

    handler.calls = calls
    return handler


class Endless(httpx.AsyncByteStream):
    """A body that never ends."""

    async def __aiter__(self):
        while True:
            yield b"x" * 65536


class Dripping(httpx.AsyncByteStream):
    """A body that arrives a byte at a time, each within the read timeout."""

    async def __aiter__(self):
        while True:
            await asyncio.sleep(0.02)
            yield b"x"


def test_a_body_is_returned_and_the_project_is_named(fetcher_on, settings):
    handler = answers(httpx.Response(200, content=b'{"ok": true}'))
    assert get(fetcher_on(handler)) == b'{"ok": true}'
    assert handler.calls[0].headers["User-Agent"] == settings.SCRAPER_USER_AGENT


def test_timeouts_are_set_for_connecting_and_reading():
    assert (TIMEOUT.connect, TIMEOUT.read) == (5.0, 20.0)


def test_a_server_error_is_retried_with_backoff(fetcher_on, sleeps):
    handler = answers(httpx.Response(503), httpx.Response(200, content=b"fine"))
    assert get(fetcher_on(handler)) == b"fine"
    assert len(handler.calls) == 2
    assert len(sleeps) == 1 and 0.25 <= sleeps[0] <= 0.5  # half to all of the first backoff


def test_backoff_doubles(fetcher_on, sleeps):
    handler = answers(httpx.Response(502))
    with pytest.raises(FetchError, match="^HTTP 502 after 4 attempts$"):
        get(fetcher_on(handler, retries=Retries(attempts=4, backoff=1.0)))
    assert len(handler.calls) == 4
    assert [0.5 <= sleeps[0] <= 1, 1 <= sleeps[1] <= 2, 2 <= sleeps[2] <= 4] == [True] * 3


def test_retry_after_in_seconds_is_honoured(fetcher_on, sleeps):
    handler = answers(
        httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, content=b"ok")
    )
    assert get(fetcher_on(handler)) == b"ok"
    assert sleeps == [7.0]


def test_retry_after_as_a_date_is_honoured_and_capped(fetcher_on, sleeps):
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=90)
    header = email.utils.format_datetime(later, usegmt=True)
    handler = answers(
        httpx.Response(503, headers={"Retry-After": header}), httpx.Response(200, content=b"ok")
    )
    get(fetcher_on(handler, retries=Retries(max_delay=60.0)))
    assert sleeps == [60.0]
    assert 85 <= retry_after(httpx.Headers({"Retry-After": header})) <= 90


def test_a_server_error_that_lasts_fails_with_one_line(fetcher_on):
    handler = answers(httpx.Response(503))
    with pytest.raises(FetchError, match="^HTTP 503 after 3 attempts$") as error:
        get(fetcher_on(handler))
    assert error.value.status == 503
    assert len(handler.calls) == 3


def test_a_client_error_fails_at_once(fetcher_on):
    handler = answers(httpx.Response(404))
    with pytest.raises(FetchError, match="^HTTP 404 Not Found$"):
        get(fetcher_on(handler))
    assert len(handler.calls) == 1


@pytest.mark.parametrize(
    "error, reason",
    [
        (httpx.ReadTimeout, "timed out after 3 attempts"),
        (httpx.ConnectTimeout, "timed out after 3 attempts"),
        (
            httpx.ConnectError("[Errno 111] Connection refused"),
            "connection refused after 3 attempts",
        ),
        (
            httpx.RemoteProtocolError,
            "connection failed: RemoteProtocolError simulated after 3 attempts",
        ),
    ],
)
def test_connection_trouble_is_retried_then_named(fetcher_on, error, reason):
    handler = answers(error)
    with pytest.raises(FetchError) as failure:
        get(fetcher_on(handler))
    assert str(failure.value) == reason
    assert len(handler.calls) == 3


def test_a_timeout_then_an_answer_succeeds(fetcher_on):
    handler = answers(httpx.ReadTimeout, httpx.Response(200, content=b"late but fine"))
    assert get(fetcher_on(handler)) == b"late but fine"


def test_an_endless_body_stops_at_the_cap(fetcher_on):
    handler = answers(httpx.Response(200, stream=Endless()))
    with pytest.raises(FetchError, match="^response larger than 1 MB$"):
        get(fetcher_on(handler), max_bytes=1024 * 1024)
    assert len(handler.calls) == 1  # too large is not retried


def test_a_declared_huge_body_is_refused_before_reading(fetcher_on):
    stream = Endless()
    handler = answers(httpx.Response(200, headers={"Content-Length": str(10**12)}, stream=stream))
    with pytest.raises(FetchError, match="^response larger than 10 MB$"):
        get(fetcher_on(handler))


def test_a_body_at_the_cap_is_accepted(fetcher_on):
    handler = answers(httpx.Response(200, content=b"x" * 2048))
    assert len(get(fetcher_on(handler), max_bytes=2048)) == 2048


def test_a_dripping_body_stops_at_the_deadline(fetcher_on):
    handler = answers(httpx.Response(200, stream=Dripping()))
    with pytest.raises(FetchError, match=r"^timed out: no complete response within 0.2 s$"):
        get(fetcher_on(handler, retries=Retries(deadline=0.2)))


def test_the_rate_limit_spaces_requests():
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def run():
        limit = RateLimit(5, sleep=sleep)
        for _ in range(3):
            await limit.wait()

    asyncio.run(run())
    assert waits == pytest.approx([0.2, 0.4], abs=0.02)


def test_reasons_are_one_line_without_secrets():
    reason = one_line("HTTP 500\n  from  https://x.example/?apikey=abc&size=3")
    assert reason == "HTTP 500 from https://x.example/?apikey=***&size=3"
    assert len(one_line("x" * 1000)) == 300
