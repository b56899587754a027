"""httpx over aiohttp: what goes out and comes back is httpx's, and each failure is httpx's own kind
(which decides whether a create may have happened: a connect that failed never sent it)."""

from __future__ import annotations

import asyncio
import gzip
import socket

import httpx
import pytest
from aiohttp import web

from providers.aiotransport import READ_AT_ONCE_BYTES, AiohttpTransport, Proxies
from providers.http import BoundedClient
from tests.fakes.server import serve


def app() -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        return web.json_response(
            {
                "method": request.method,
                "body": body.decode(),
                "type": request.content_type,
                "key": request.headers.get("X-Key"),
            },
            headers={"X-Seen": "yes"},
        )

    async def gzipped(_: web.Request) -> web.Response:
        return web.Response(body=gzip.compress(b"hello " * 100), headers={"Content-Encoding": "gzip"})

    async def slow(_: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.Response(text="late")

    async def cut(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": "1000"})
        await response.prepare(request)
        await response.write(b"partial")
        assert request.transport is not None
        request.transport.close()
        return response

    async def redirect(_: web.Request) -> web.Response:
        raise web.HTTPFound("/echo")

    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": "100"})
        await response.prepare(request)
        await response.write(b"0123456789")
        await asyncio.sleep(1)
        return response

    async def large(_: web.Request) -> web.Response:
        return web.Response(body=b"v" * (READ_AT_ONCE_BYTES + 1))

    application = web.Application()
    application.router.add_route("*", "/echo", echo)
    application.router.add_get("/gzip", gzipped)
    application.router.add_get("/slow", slow)
    application.router.add_get("/cut", cut)
    application.router.add_get("/redirect", redirect)
    application.router.add_get("/trickle", trickle)
    application.router.add_get("/large", large)
    return application


async def test_requests_and_answers_round_trip_as_httpx_ones() -> None:
    async with serve(app()) as url, httpx.AsyncClient(transport=AiohttpTransport(), base_url=url) as client:
        posted = await client.post("/echo", json={"a": 1}, headers={"X-Key": "k"})
        got = await client.get("/echo")
        unzipped = await client.get("/gzip")
        moved = await client.get("/redirect")
    assert posted.status_code == 200 and posted.headers["x-seen"] == "yes"
    assert posted.json() == {"method": "POST", "body": '{"a":1}', "type": "application/json", "key": "k"}
    assert got.json()["body"] == "" and got.http_version == "HTTP/1.1"
    assert unzipped.text == "hello " * 100  # decoded once, by httpx
    assert moved.status_code == 302  # redirects are the client's choice, as with httpx's own transport


async def test_a_refused_connection_is_a_connect_error() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/")


async def test_a_stalled_answer_is_a_read_timeout_and_a_cut_one_a_read_error() -> None:
    async with serve(app()) as url, httpx.AsyncClient(transport=AiohttpTransport(), base_url=url) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get("/slow", timeout=httpx.Timeout(5, read=0.1))
        with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
            await client.get("/cut")


async def test_a_head_answer_declaring_a_length_has_no_body() -> None:
    async with serve(app()) as url, httpx.AsyncClient(transport=AiohttpTransport(), base_url=url) as client:
        answer = await asyncio.wait_for(client.head("/echo"), 5)
    assert answer.status_code == 200 and int(answer.headers["content-length"]) > 0 and answer.content == b""


async def test_a_body_that_stalls_mid_way_is_a_read_timeout() -> None:
    async with serve(app()) as url, httpx.AsyncClient(transport=AiohttpTransport(), base_url=url) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get("/trickle", timeout=httpx.Timeout(5, read=0.1))


async def test_a_small_answer_frees_its_connection_at_once_and_a_large_one_streams() -> None:
    async with serve(app()) as url:
        transport = AiohttpTransport(max_connections=1)
        async with httpx.AsyncClient(transport=transport, base_url=url) as client:
            small = await client.send(client.build_request("GET", "/echo"), stream=True)  # not read yet
            after = await client.get("/echo", timeout=httpx.Timeout(5, pool=0.5))  # the one connection
            assert after.status_code == 200 and (await small.aread()) and small.json()["method"] == "GET"
            await small.aclose()
            large = await client.send(client.build_request("GET", "/large"), stream=True)
            chunks = [chunk async for chunk in large.aiter_raw()]
            await large.aclose()
    assert sum(map(len, chunks)) == READ_AT_ONCE_BYTES + 1 and len(chunks) > 1


async def test_waiting_for_a_connection_past_connect_and_pool_is_a_connect_timeout() -> None:
    """Never sent: the one connection is busy for longer than the wait allows."""
    async with serve(app()) as url:
        transport = AiohttpTransport(max_connections=1)
        async with httpx.AsyncClient(transport=transport, base_url=url) as client:
            busy = asyncio.create_task(client.get("/slow", timeout=10))
            await asyncio.sleep(0.1)
            with pytest.raises(httpx.ConnectTimeout):
                await client.get("/echo", timeout=httpx.Timeout(10, connect=0.1, pool=0.1))
            busy.cancel()


async def test_bounded_clients_send_through_aiohttp_unless_given_a_transport() -> None:
    async with serve(app()) as url, BoundedClient(base_url=url, max_in_flight=2) as client:
        assert isinstance(client._transport, AiohttpTransport)
        assert (await client.get("/echo")).status_code == 200


def test_proxies_come_from_the_environment_and_no_proxy_is_honoured() -> None:
    proxies = Proxies({"HTTPS_PROXY": "http://proxy:3128", "no_proxy": "internal.example, .corp"})
    assert proxies.for_url(httpx.URL("https://api.imastudio.com/x")) == "http://proxy:3128"
    assert proxies.for_url(httpx.URL("https://internal.example/x")) is None
    assert proxies.for_url(httpx.URL("https://a.b.corp/x")) is None
    assert proxies.for_url(httpx.URL("http://api.imastudio.com/x")) is None  # no HTTP_PROXY set
    assert Proxies({"ALL_PROXY": "http://p:1", "NO_PROXY": "*"}).for_url(httpx.URL("http://x/")) is None


async def test_a_request_goes_through_the_proxy_the_environment_names() -> None:
    async def proxy(request: web.Request) -> web.Response:
        return web.json_response({"via": "proxy", "target": str(request.url)})

    proxy_app = web.Application()
    proxy_app.router.add_route("*", "/{tail:.*}", proxy)
    async with serve(proxy_app) as proxy_url:
        transport = AiohttpTransport()
        transport._proxies = Proxies({"HTTP_PROXY": proxy_url})
        async with httpx.AsyncClient(transport=transport) as client:
            answer = await client.get("http://videos.example/tasks/1")
    assert answer.json() == {"via": "proxy", "target": "http://videos.example/tasks/1"}
