"""Every provider's HTTP client: an ``httpx.AsyncClient`` with a bound on the requests it has in flight.

Without a bound, thousands of polls queue inside httpcore's connection pool, whose bookkeeping is
linear in the queue on every request and response: the event loop starves and creates fail with pool
timeouts for purely local reasons. Here a request waits for a slot (an ``asyncio.Semaphore``, first
come first served) before it reaches the pool, and the pool holds as many connections as slots, so
the pool never queues. A request sent with ``stream=True`` gives its slot back once its headers are in.
Requests go out through aiohttp (:mod:`providers.aiotransport`), a third of httpcore's CPU per request.
For the synchronous APIs (one request per generation) the bound is also how many videos they make at once.

At hundreds of polls a second httpx's own bookkeeping shows too, so two things it does for every
request are done once: provider APIs authenticate by header, so no cookie is parsed or kept
(:class:`Cookieless`), and an endpoint's URL is parsed once (:class:`ParsedUrls`).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Final

import httpx

from providers import metering
from providers.aiotransport import AiohttpTransport

DEFAULT_MAX_IN_FLIGHT = 64  # per provider; VIDEOBOT_PROVIDER_MAX_IN_FLIGHT


class Cookieless(httpx.Cookies):
    """A cookie jar that keeps nothing: a provider's ``Set-Cookie`` is neither parsed nor sent back."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class ParsedUrls:
    """Each URL string parsed once (polls ask the same endpoint all day); bounded, for URLs with ids."""

    LIMIT: Final = 256

    def __init__(self) -> None:
        self._parsed: dict[str, httpx.URL] = {}

    def __call__(self, url: httpx.URL | str) -> httpx.URL:
        if isinstance(url, httpx.URL):
            return url
        parsed = self._parsed.get(url)
        if parsed is None:
            if len(self._parsed) >= self.LIMIT:
                self._parsed.clear()
            parsed = self._parsed[url] = httpx.URL(url)
        return parsed


class BoundedClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` (transport injection and all) that sends at most ``max_in_flight`` at once."""

    def __init__(self, *, name: str = "", max_in_flight: int = DEFAULT_MAX_IN_FLIGHT, **options: Any) -> None:
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self._urls = ParsedUrls()
        self._no_cookies = Cookieless()
        if options.get("transport") is None:  # tests may inject one; else aiohttp carries the requests
            options["transport"] = AiohttpTransport(max_connections=max_in_flight)
        super().__init__(**options)
        self.max_in_flight = max_in_flight
        self.name = name  # the provider, in /metrics (unnamed clients are not counted)
        self._slots = asyncio.Semaphore(max_in_flight)
        self._waiting = 0
        self._in_flight = 0

    @property
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        """Ignored: provider APIs use no cookies."""

    def build_request(self, method: str, url: httpx.URL | str, **options: Any) -> httpx.Request:
        return super().build_request(method, self._urls(url), **options)

    @property
    def in_flight(self) -> int:
        """Requests holding a slot now."""
        return self._in_flight

    @property
    def waiting(self) -> int:
        """Requests waiting for a slot now."""
        return self._waiting

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        self._in_flight += 1
        began = time.perf_counter()
        response: httpx.Response | None = None
        error: BaseException | None = None
        try:
            response = await super().send(request, **kwargs)
            return response
        except BaseException as exc:
            error = exc
            raise
        finally:
            self._in_flight -= 1
            self._slots.release()
            if self.name and not isinstance(error, asyncio.CancelledError):
                metering.observe(self.name, time.perf_counter() - began, response, error)
