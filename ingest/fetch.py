"""Fetching as a careful scraper does: timeouts, retries with backoff, a size cap, a pace.

``HttpFetcher`` is what sources fetch with (``ingest.sources.base.Fetcher``). One
instance serves every source of a run, over one ``httpx.AsyncClient``, so the sources
are fetched concurrently. Every way a fetch can fail ends in one ``FetchError`` whose
message is a one-line reason ("timed out after 3 attempts", "HTTP 503 after 3
attempts", "response larger than 10 MB"); it never contains the URL, which may carry
a source's secret.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB
TIMEOUT = httpx.Timeout(connect=5.0, read=20.0, write=10.0, pool=5.0)
# Retried: the server's own trouble and "slow down"; any other 4xx will not get better.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Secrets that may sit in a query string or an error message (Ticketmaster's apikey).
_SECRET_PARAM = re.compile(r"(?i)\b(api_?key|key|token|secret|password)=[^&\s]+")

Sleep = Callable[[float], Awaitable[None]]
OnRetry = Callable[[str, str], None]


class FetchError(Exception):
    """A fetch that failed; ``str()`` is the one-line reason.

    status: the HTTP status of the last response, when there was one.
    detail: the start of that response's body (for sources that explain their errors).
    """

    def __init__(self, reason: str, *, status: int | None = None, detail: bytes = b"") -> None:
        super().__init__(reason)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Retries:
    """How often and how patiently to retry.

    attempts: tries in all, the first included.
    backoff: the wait before the second try, doubled before each next one (with jitter).
    max_delay: the longest single wait, a server's Retry-After included.
    deadline: the longest one attempt may take in all, however slowly the body drips.
    """

    attempts: int = 3
    backoff: float = 0.5
    max_delay: float = 30.0
    deadline: float = 60.0


RETRIES = Retries()


class RateLimit:
    """Space requests at least ``1 / per_second`` seconds apart (an async limiter)."""

    def __init__(self, per_second: float, *, sleep: Sleep = asyncio.sleep) -> None:
        self.interval = 1.0 / per_second
        self.sleep = sleep
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return when the next request may go out."""
        async with self._lock:
            now = time.monotonic()
            if self._next > now:
                await self.sleep(self._next - now)
            self._next = max(now, self._next) + self.interval


@dataclass
class SourceLimits:
    """What one source may take: its largest response, and its pace."""

    max_bytes: int = DEFAULT_MAX_BYTES
    rate: RateLimit | None = None


class HttpFetcher:
    """GET with timeouts, retries, a size cap and a per-source pace; use ``async with``.

    transport: an httpx transport (tests pass ``httpx.MockTransport``); None for the network.
    retries: the retry policy (default ``RETRIES``).
    sleep: what waiting is (tests pass a recorder so nothing really waits).
    on_retry: told ``(source, message)`` before each retry, for the progress display.
    """

    def __init__(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retries: Retries | None = None,
        timeout: httpx.Timeout = TIMEOUT,
        sleep: Sleep | None = None,
        on_retry: OnRetry | None = None,
    ) -> None:
        self.transport = transport
        self.retries = retries or RETRIES
        self.timeout = timeout
        self.sleep: Sleep = sleep or asyncio.sleep
        self.on_retry = on_retry
        self.limits: dict[str, SourceLimits] = {}
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> HttpFetcher:
        self._client = httpx.AsyncClient(
            transport=self.transport,
            timeout=self.timeout,
            headers={"User-Agent": settings.SCRAPER_USER_AGENT, "Accept": "*/*"},
            follow_redirects=True,
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def configure(
        self, source: str, *, max_bytes: int | None = None, per_second: float | None = None
    ) -> None:
        """Set one source's size cap and pace (at most ``per_second`` requests a second)."""
        rate = RateLimit(per_second, sleep=self.sleep) if per_second else None
        self.limits[source] = SourceLimits(max_bytes or DEFAULT_MAX_BYTES, rate)

    async def get(
        self, url: str, *, params: dict[str, Any] | None = None, source: str = ""
    ) -> bytes:
        """Return the body of ``GET url``; raise ``FetchError`` with a one-line reason."""
        assert self._client is not None, "use the fetcher inside `async with`"
        limits = self.limits.get(source) or SourceLimits()
        attempts = max(1, self.retries.attempts)
        for attempt in range(1, attempts + 1):
            if limits.rate is not None:
                await limits.rate.wait()
            try:
                async with asyncio.timeout(self.retries.deadline):
                    return await self._attempt(url, params, limits.max_bytes)
            except _Retryable as problem:
                if attempt == attempts:
                    tries = f" after {attempts} attempts" if attempts > 1 else ""
                    raise FetchError(f"{problem}{tries}", status=problem.status) from None
                delay = self._delay(attempt, problem.retry_after)
                if self.on_retry:
                    self.on_retry(source, f"{problem}; retrying in {delay:.1f} s")
                await self.sleep(delay)
            except TimeoutError:
                # The deadline of one attempt: a body that drips too slowly is not retried.
                raise FetchError(
                    f"timed out: no complete response within {self.retries.deadline:g} s"
                ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, asked: float | None) -> float:
        """Return the wait before the next attempt: what the server asked, else backoff."""
        if asked is None:
            # Equal jitter: between half and all of the exponential delay, so that the
            # retries of several clients do not arrive together.
            asked = self.retries.backoff * 2 ** (attempt - 1) * (0.5 + random.random() / 2)
        return min(asked, self.retries.max_delay)

    async def _attempt(self, url: str, params: dict[str, Any] | None, max_bytes: int) -> bytes:
        assert self._client is not None
        try:
            async with self._client.stream("GET", url, params=params) as response:
                status = response.status_code
                if status in RETRY_STATUSES:
                    raise _Retryable(f"HTTP {status}", status, retry_after(response.headers))
                if status >= 400:
                    detail = await _start_of(response)
                    phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
                    raise FetchError(f"HTTP {status}{phrase}", status=status, detail=detail)
                return await read_capped(response, max_bytes)
        except httpx.TimeoutException:
            raise _Retryable("timed out") from None
        except httpx.ConnectError as error:
            raise _Retryable(_connect_problem(error)) from None
        except httpx.TransportError as error:
            reason = f"connection failed: {type(error).__name__} {error}"
            raise _Retryable(one_line(reason)) from None


class _Retryable(Exception):
    """One failed attempt that another attempt may fix."""

    def __init__(self, reason: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.status = status
        self.retry_after = retry_after


async def read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """Return the (decoded) body, or raise ``FetchError`` once it exceeds ``max_bytes``."""
    too_large = FetchError(f"response larger than {human_size(max_bytes)}")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    # Decoded bytes are counted, so a small compressed body that inflates hugely stops too.
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def retry_after(headers: httpx.Headers) -> float | None:
    """Return the wait a Retry-After header asks for (seconds or an HTTP date), or None."""
    value = headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def human_size(size: int) -> str:
    """Return ``10 MB``, ``512 kB`` or ``300 bytes``."""
    if size >= MB:
        return f"{size / MB:g} MB"
    if size >= 1024:
        return f"{size / 1024:g} kB"
    return f"{size} bytes"


def one_line(message: str, limit: int = 300) -> str:
    """Return ``message`` as one line, secrets in query strings masked, at most ``limit`` long."""
    line = " ".join(str(message).split())
    line = _SECRET_PARAM.sub(lambda m: f"{m[1]}=***", line)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _connect_problem(error: httpx.ConnectError) -> str:
    text = str(error).lower()
    if "refused" in text:
        return "connection refused"
    if "name or service" in text or "nodename" in text or "resolve" in text:
        return "could not resolve the host name"
    return one_line(f"could not connect: {error}" if str(error) else "could not connect")


async def _start_of(response: httpx.Response, limit: int = 2048) -> bytes:
    """Return the first ``limit`` bytes of an error response (sources explain errors in it)."""
    start = b""
    async for chunk in response.aiter_bytes():
        start += chunk
        if len(start) >= limit:
            break
    return start[:limit]
