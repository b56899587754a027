"""CPU per provider request: httpx over httpcore (its own transport), httpx over aiohttp, and the
providers' own client (``BoundedClient``: aiohttp, no cookie jar, each URL parsed once), full URLs
as the provider clients send them.

2,000 requests at once from one httpx client to a local aiohttp server in the same process (a JSON
create-sized body each way), after a warm-up; the CPU figure includes the server's share, the same
for both. Prints figures; asserts nothing. Run: ``.venv/bin/python bench/http_transport.py``.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import httpx
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from providers.aiotransport import AiohttpTransport
from providers.http import BoundedClient
from tests.fakes.server import serve

REQUESTS = 2000
ROUNDS = 3


async def answer(request: web.Request) -> web.Response:
    await request.read()
    return web.json_response({"code": 0, "data": {"id": "task-" + "x" * 20, "credit": 40}})


async def cpu_per_request(url: str, client: httpx.AsyncClient) -> float:
    async with client:
        for _ in range(50):
            await client.post(url + "/create", json={"warm": True})
        began = time.process_time()
        body = {"model": "wan-2.6", "prompt": "a puppy running on a beach " * 4, "credit": 40}
        await asyncio.gather(*(client.post(url + "/create", json=body) for _ in range(REQUESTS)))
        return (time.process_time() - began) / REQUESTS * 1000


async def main() -> None:
    app = web.Application()
    app.router.add_post("/create", answer)
    async with serve(app) as url:
        figures: dict[str, list[float]] = {
            "httpx over httpcore": [],
            "httpx over aiohttp": [],
            "BoundedClient (ours)": [],
        }
        for _ in range(ROUNDS):
            clients = {
                "httpx over httpcore": httpx.AsyncClient(transport=httpx.AsyncHTTPTransport()),
                "httpx over aiohttp": httpx.AsyncClient(transport=AiohttpTransport()),
                "BoundedClient (ours)": BoundedClient(max_in_flight=100),  # as many connections
            }
            for name, client in clients.items():
                figures[name].append(await cpu_per_request(url, client))
    print(f"CPU per request, {REQUESTS} at once, best of {ROUNDS} (server's share included):")
    for name, values in figures.items():
        print(f"  {name}: {min(values):.2f} ms")


if __name__ == "__main__":
    asyncio.run(main())
