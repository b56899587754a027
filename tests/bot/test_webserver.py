"""The shared HTTP server (bot/webserver.py): /healthz, routes added while it runs, 404/405."""

from __future__ import annotations

import httpx
from aiohttp import web

from bot.webserver import HttpSettings, WebServer


async def test_health_and_routes_added_while_running() -> None:
    server = WebServer("127.0.0.1", 0)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            assert (await client.get("/healthz")).json() == {"ok": True, "checks": {}}

            async def echo(request: web.Request) -> web.Response:
                return web.Response(text=await request.text())

            server.add_route("POST", "/hooks/echo", echo)
            assert (await client.post("/hooks/echo", content=b"hi")).text == "hi"
            assert (await client.get("/hooks/echo")).status_code == 405
            assert (await client.get("/nothing")).status_code == 404
            server.remove_route("POST", "/hooks/echo")
            assert (await client.post("/hooks/echo")).status_code == 404

            server.add_health_check("up", lambda: True)
            server.add_health_check("down", lambda: False)
            answer = await client.get("/healthz")  # serving something: 200, with each one's state
            assert answer.status_code == 200 and answer.json()["checks"] == {"up": True, "down": False}
            server.remove_health_check("up")
            assert (await client.get("/healthz")).status_code == 503  # serving nothing
    finally:
        await server.aclose()


def test_http_settings_names() -> None:
    settings = HttpSettings(_env_file=None, VIDEOBOT_HTTP_HOST="0.0.0.0", VIDEOBOT_HTTP_PORT="9000")
    assert WebServer.from_settings(settings).url == "http://0.0.0.0:9000"
