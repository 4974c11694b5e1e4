"""Fetching as a careful scraper does: timeouts, retries with backoff, a size cap, a pace.

``HttpFetcher`` is what sources fetch with (``ingest.sources.base.Fetcher``). One
instance serves every source of a run, over one ``httpx.AsyncClient``, so the sources
are fetched concurrently, while each host is asked at its own pace (one request a
second unless its sources allow more; slower when its robots.txt sets a Crawl-delay).
Before the first request to a host its robots.txt is read (once per run, with protego)
and honoured for our User-Agent; redirects are followed only within the source's site
(or the hosts it declares); a request may be conditional (ETag, Last-Modified), and a
304 then costs one small response.

Every way a fetch can fail ends in one ``FetchError`` whose message is a one-line
reason ("timed out after 3 attempts", "HTTP 503 after 3 attempts", "response larger
than 10 MB", "robots.txt of example.org disallows /events for our User-Agent"); it
never contains the URL's query, which may carry a source's secret.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import random
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings
from protego import Protego

from graph.bounds import MAX_RESPONSE_BYTES

MB = 1024 * 1024
TIMEOUT = httpx.Timeout(connect=5.0, read=20.0, write=10.0, pool=5.0)
# Retried: the server's own trouble and "slow down"; any other 4xx will not get better.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
# A host is asked at most this often unless its sources say otherwise: one request a
# second is what careful crawlers default to; APIs that allow more declare it.
HOST_PACE = 1.0
MAX_CRAWL_DELAY = 30.0  # a robots.txt Crawl-delay beyond this is taken as this
ROBOTS_MAX_BYTES = 500 * 1024  # what RFC 9309 asks crawlers to read at least
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
    """Space requests at least ``interval`` seconds apart (an async limiter)."""

    def __init__(self, per_second: float, *, sleep: Sleep = asyncio.sleep) -> None:
        self.interval = 1.0 / per_second
        self.sleep = sleep
        self._next = 0.0
        self._lock = asyncio.Lock()

    def slow_to(self, per_second: float) -> None:
        """Never go faster than ``per_second`` from now on (the slowest pace asked wins)."""
        self.interval = max(self.interval, 1.0 / per_second)

    async def wait(self) -> None:
        """Return when the next request may go out."""
        async with self._lock:
            now = time.monotonic()
            if self._next > now:
                await self.sleep(self._next - now)
            self._next = max(now, self._next) + self.interval


@dataclass(frozen=True)
class Request:
    """One request a source makes: a GET by default, or a POST with a JSON or form body.

    headers: extra headers (an API key); never shown in a reason.
    """

    url: str
    method: str = "GET"
    params: dict[str, Any] | None = None
    json: Any = None
    data: dict[str, Any] | None = None
    headers: dict[str, str] | None = None


@dataclass(frozen=True)
class Validators:
    """What a response said about its version, to ask next time whether it changed.

    etag: its ``ETag`` header; last_modified: its ``Last-Modified`` header.
    """

    etag: str | None = None
    last_modified: str | None = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)

    def headers(self) -> dict[str, str]:
        """Return the conditional request headers these validators call for."""
        asked = {}
        if self.etag:
            asked["If-None-Match"] = self.etag
        if self.last_modified:
            asked["If-Modified-Since"] = self.last_modified
        return asked


@dataclass(frozen=True)
class Reply:
    """A response: its status (200, or 304 "not modified"), body and validators."""

    status: int
    body: bytes
    validators: Validators


@dataclass
class Pages:
    """What one source's fetch gave: its bodies, and whether they are all there is.

    bodies: the response bodies, in order (pages of a paged source).
    complete: True when every page of the window the source covers was read.
    shortfall: why not, in one line ("page 3 of 5 failed: HTTP 503 after 3 attempts").
    not_modified: True when the server answered 304: nothing changed since last run.
    validators: the response's ETag and Last-Modified, to send next run.
    """

    bodies: list[bytes] = field(default_factory=list)
    complete: bool = True
    shortfall: str | None = None
    not_modified: bool = False
    validators: Validators | None = None

    def stop(self, shortfall: str) -> Pages:
        """Mark the read as stopped short (a later page failed, a limit was hit)."""
        self.complete = False
        self.shortfall = one_line(shortfall)
        return self


@dataclass
class SourcePolicy:
    """What one source may take and how: its largest response, its pace, its hosts.

    max_bytes: the largest response body accepted.
    per_second: the most requests a second it asks of a host (None: the default pace).
    hosts: hosts beyond its own site that its requests may be redirected to.
    robots: whether robots.txt governs it (not for documented APIs, whose terms do).
    """

    max_bytes: int = MAX_RESPONSE_BYTES
    per_second: float | None = None
    hosts: frozenset[str] = frozenset()
    robots: bool = True


class HttpFetcher:
    """GET and POST politely: timeouts, retries, a size cap, a pace per host, robots.txt,
    conditional requests and redirects kept to the source's site; use ``async with``.

    transport: an httpx transport (tests pass ``httpx.MockTransport``); None for the network.
    retries: the retry policy (default ``RETRIES``).
    sleep: what waiting is (tests pass a recorder so nothing really waits).
    on_retry: told ``(source, message)`` before each retry, for the progress display.
    host_pace: requests a second to any one host when no source asks for another pace.
    """

    def __init__(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retries: Retries | None = None,
        timeout: httpx.Timeout = TIMEOUT,
        sleep: Sleep | None = None,
        on_retry: OnRetry | None = None,
        host_pace: float | None = None,
    ) -> None:
        self.transport = transport
        self.retries = retries or RETRIES
        self.timeout = timeout
        self.sleep: Sleep = sleep or asyncio.sleep
        self.on_retry = on_retry
        self.host_pace = host_pace or HOST_PACE
        self.policies: dict[str, SourcePolicy] = {}
        self.paces: dict[str, RateLimit] = {}
        self._robots: dict[str, asyncio.Future[Protego | None]] = {}
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> HttpFetcher:
        self._client = httpx.AsyncClient(
            transport=self.transport,
            timeout=self.timeout,
            headers={"User-Agent": settings.SCRAPER_USER_AGENT, "Accept": "*/*"},
            # Redirects are followed here, one hop at a time, so that each is checked.
            follow_redirects=False,
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def configure(
        self,
        source: str,
        *,
        max_bytes: int | None = None,
        per_second: float | None = None,
        hosts: Iterable[str] = (),
        robots: bool = True,
    ) -> None:
        """Set one source's size cap, pace (requests a second), extra hosts and robots rule."""
        self.policies[source] = SourcePolicy(
            max_bytes or MAX_RESPONSE_BYTES,
            per_second,
            frozenset(host.lower() for host in hosts),
            robots,
        )

    async def get(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        source: str = "",
        headers: dict[str, str] | None = None,
    ) -> bytes:
        """Return the body of ``GET url``; raise ``FetchError`` with a one-line reason."""
        reply = await self.send(Request(url, params=params, headers=headers), source=source)
        return reply.body

    async def post(
        self,
        url: str,
        *,
        json: Any = None,
        data: dict[str, Any] | None = None,
        source: str = "",
        headers: dict[str, str] | None = None,
    ) -> bytes:
        """Return the body of ``POST url`` (a JSON or form body); raise ``FetchError``."""
        request = Request(url, method="POST", json=json, data=data, headers=headers)
        return (await self.send(request, source=source)).body

    async def send(
        self, request: Request, *, source: str = "", validators: Validators | None = None
    ) -> Reply:
        """Send ``request`` for ``source`` and return the reply; raise ``FetchError``.

        With ``validators`` the request is conditional: a 304 reply has an empty body.
        """
        assert self._client is not None, "use the fetcher inside `async with`"
        policy = self.policies.get(source) or SourcePolicy()
        url = httpx.URL(request.url)
        if url.scheme not in ("http", "https") or not url.host:
            raise FetchError(f"not a web address: {one_line(request.url, 80)}")
        if policy.robots:
            await self._obey_robots(url, policy, source)
        extra = {**(request.headers or {}), **(validators.headers() if validators else {})}
        return await self._with_retries(request, extra, policy, source)

    async def _with_retries(
        self, request: Request, headers: dict[str, str], policy: SourcePolicy, source: str
    ) -> Reply:
        pace = self._pace(httpx.URL(request.url).host, policy)
        attempts = max(1, self.retries.attempts)
        for attempt in range(1, attempts + 1):
            await pace.wait()
            try:
                async with asyncio.timeout(self.retries.deadline):
                    return await self._attempt(request, headers, policy)
            except _Retryable as problem:
                if attempt == attempts:
                    tries = f" after {attempts} attempts" if attempts > 1 else ""
                    raise FetchError(f"{problem}{tries}", status=problem.status) from None
                delay = self._delay(attempt, problem.retry_after)
                if self.on_retry:
                    self.on_retry(
                        source,
                        f"retrying in {delay:.1f} s (attempt {attempt + 1} of {attempts})",
                    )
                await self.sleep(delay)
            except TimeoutError:
                # The deadline of one attempt: a body that drips too slowly is not retried.
                raise FetchError(
                    f"timed out: no complete response within {self.retries.deadline:g} s"
                ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _pace(self, host: str, policy: SourcePolicy) -> RateLimit:
        """Return the limiter of ``host``: the slowest pace any of its sources asked for."""
        per_second = policy.per_second or self.host_pace
        pace = self.paces.get(host)
        if pace is None:
            pace = self.paces[host] = RateLimit(per_second, sleep=self.sleep)
        else:
            pace.slow_to(per_second)
        return pace

    async def _obey_robots(self, url: httpx.URL, policy: SourcePolicy, source: str) -> None:
        """Raise ``FetchError`` when the host's robots.txt disallows ``url`` for us."""
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        if origin not in self._robots:
            # The first source to reach a host reads its robots.txt; the others wait for it.
            future: asyncio.Future[Protego | None] = asyncio.get_running_loop().create_future()
            self._robots[origin] = future
            try:
                future.set_result(await self._read_robots(origin, policy, source))
            except FetchError as error:
                future.set_exception(error)
        rules = await self._robots[origin]
        if rules is None:
            return
        agent = settings.SCRAPER_USER_AGENT
        if not rules.can_fetch(str(url), agent):
            raise FetchError(f"robots.txt of {url.host} disallows {url.path} for our User-Agent")
        delay = rules.crawl_delay(agent)
        if delay:
            self._pace(url.host, policy).slow_to(1.0 / min(float(delay), MAX_CRAWL_DELAY))

    async def _read_robots(self, origin: str, policy: SourcePolicy, source: str) -> Protego | None:
        """Return the rules of ``origin``'s robots.txt; None when it has none (RFC 9309).

        A 4xx means "no rules"; a server error or no answer means "crawl nothing".
        """
        robots = SourcePolicy(ROBOTS_MAX_BYTES, policy.per_second, policy.hosts, robots=False)
        try:
            reply = await self._with_retries(Request(f"{origin}/robots.txt"), {}, robots, source)
        except FetchError as error:
            if error.status is None:
                raise  # the site does not answer at all: that is the reason
            if error.status < 500:
                return None
            raise FetchError(
                f"robots.txt answered {error}: a site whose rules cannot be read is not crawled",
                status=error.status,
            ) from None
        return Protego.parse(reply.body.decode("utf-8", "replace"))

    def _delay(self, attempt: int, asked: float | None) -> float:
        """Return the wait before the next attempt: what the server asked, else backoff."""
        if asked is None:
            # Equal jitter: between half and all of the exponential delay, so that the
            # retries of several clients do not arrive together.
            asked = self.retries.backoff * 2 ** (attempt - 1) * (0.5 + random.random() / 2)
        return min(asked, self.retries.max_delay)

    async def _attempt(
        self, request: Request, headers: dict[str, str], policy: SourcePolicy
    ) -> Reply:
        assert self._client is not None
        url, method = request.url, request.method
        body = {"json": request.json, "data": request.data} if method == "POST" else {}
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                async with self._client.stream(
                    method, url, params=request.params, headers=headers, **body
                ) as response:
                    status = response.status_code
                    if status in REDIRECT_STATUSES and "Location" in response.headers:
                        url = _redirect_target(response, policy)
                        if status == 303 or (status in (301, 302) and method == "POST"):
                            method, body = "GET", {}
                        request = Request(str(url), method=method)
                        continue
                    return await _reply(response, policy.max_bytes)
            raise FetchError(f"more than {MAX_REDIRECTS} redirects")
        except httpx.TimeoutException:
            raise _Retryable("timed out") from None
        except httpx.ConnectError as error:
            raise _Retryable(_connect_problem(error)) from None
        except httpx.TransportError as error:
            reason = f"connection failed: {type(error).__name__} {error}"
            raise _Retryable(one_line(reason)) from None


async def _reply(response: httpx.Response, max_bytes: int) -> Reply:
    """Return a final (non-redirect) response as a ``Reply``, or raise for an error."""
    status = response.status_code
    if status in RETRY_STATUSES:
        raise _Retryable(f"HTTP {status}", status, retry_after(response.headers))
    if status >= 400:
        detail = await _start_of(response)
        phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
        raise FetchError(f"HTTP {status}{phrase}", status=status, detail=detail)
    headers = response.headers
    validators = Validators(
        _short(headers.get("ETag"), 1000), _short(headers.get("Last-Modified"), 100)
    )
    if status == 304:
        return Reply(304, b"", validators)
    return Reply(status, await read_capped(response, max_bytes), validators)


def _short(value: str | None, limit: int) -> str | None:
    """Return a header value worth keeping: an absurdly long one is dropped."""
    return value if value and len(value) <= limit else None


def same_site(host: str, other: str) -> bool:
    """Return whether two hosts are one site: equal, or one a subdomain of the other
    ("www." aside): www.neumos.com, neumos.com and tickets.neumos.com are one site."""
    a, b = host.lower().removeprefix("www."), other.lower().removeprefix("www.")
    return a == b or a.endswith(f".{b}") or b.endswith(f".{a}")


def _redirect_target(response: httpx.Response, policy: SourcePolicy) -> httpx.URL:
    """Return where a redirect leads, if it stays on the source's site; raise otherwise."""
    here = response.url
    try:
        target = here.join(response.headers["Location"])
    except (httpx.InvalidURL, UnicodeError):
        raise FetchError("redirected to an address that does not parse") from None
    host = target.host.lower()
    if target.scheme not in ("http", "https") or not host:
        raise FetchError("redirected to an address that is not a web page")
    if here.scheme == "https" and target.scheme == "http":
        raise FetchError(f"redirected from HTTPS to plain HTTP ({host})")
    if not same_site(host, here.host) and host not in policy.hosts:
        raise FetchError(f"redirected off the source's site, to {host}")
    return target


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
