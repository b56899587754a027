"""Every provider client bounds its requests in flight: the rest wait their turn, none fails for it."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from aiohttp import web

from providers.http import BoundedClient, ParsedUrls
from tests.fakes.server import serve


class SlowServer:
    """Answers after a short wait and notes the most requests it held at once."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            await asyncio.sleep(0.02)
            return web.json_response({"ok": True})
        finally:
            self.now -= 1

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self.handle)
        return app


async def test_no_more_than_the_bound_reach_the_provider_and_every_request_is_answered() -> None:
    server = SlowServer()
    async with serve(server.app()) as url, BoundedClient(max_in_flight=4, base_url=url) as client:
        sending = [asyncio.create_task(client.get("/")) for _ in range(60)]
        await asyncio.sleep(0.01)
        assert client.in_flight == 4 and client.waiting == 56
        answers = await asyncio.gather(*sending)
    assert all(answer.status_code == 200 for answer in answers)
    assert server.most == 4
    assert client.in_flight == 0 and client.waiting == 0


async def test_a_failed_or_cancelled_request_gives_its_slot_back() -> None:
    async with BoundedClient(max_in_flight=1, base_url="http://127.0.0.1:9") as client:  # nothing listens
        with pytest.raises(httpx.ConnectError):
            await client.get("/")
        waiting = asyncio.create_task(client.get("/"))
        await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises((asyncio.CancelledError, httpx.ConnectError)):
            await waiting
        assert client.in_flight == 0 and client.waiting == 0


def test_the_bound_is_at_least_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        BoundedClient(max_in_flight=0)


async def test_no_cookie_is_kept_or_sent_back() -> None:
    seen: list[str | None] = []

    async def handle(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Cookie"))
        response = web.json_response({"ok": True})
        response.set_cookie("session", "abc")
        return response

    app = web.Application()
    app.router.add_get("/", handle)
    async with serve(app) as url, BoundedClient(base_url=url) as client:
        client.cookies = {"given": "1"}  # ignored, as every Set-Cookie is
        for _ in range(2):
            assert (await client.get("/")).status_code == 200
        assert not client.cookies
    assert seen == [None, None]


async def test_relative_and_absolute_urls_with_parameters_reach_their_endpoint() -> None:
    paths: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        paths.append(request.path_qs)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_get("/api/{tail:.*}", handle)
    async with serve(app) as url, BoundedClient(base_url=url + "/api") as client:
        await client.get("/tasks/1", params={"a": "b"})
        await client.get(url + "/api/tasks/1")
        await client.get(url + "/api/tasks/1", params={"c": "d"})
        await client.get("/tasks/2")
    assert paths == ["/api/tasks/1?a=b", "/api/tasks/1", "/api/tasks/1?c=d", "/api/tasks/2"]


def test_parsed_urls_are_kept_within_a_bound() -> None:
    urls = ParsedUrls()
    first = urls("https://example.test/tasks/0")
    assert urls("https://example.test/tasks/0") is first, "parsed once"
    for number in range(ParsedUrls.LIMIT + 10):
        assert urls(f"https://example.test/tasks/{number}").path == f"/tasks/{number}"
    assert len(urls._parsed) <= ParsedUrls.LIMIT
