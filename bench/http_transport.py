"""CPU per provider request: httpx over httpcore (its own transport) against httpx over aiohttp (ours).

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
from tests.fakes.server import serve

REQUESTS = 2000
ROUNDS = 3


async def answer(request: web.Request) -> web.Response:
    await request.read()
    return web.json_response({"code": 0, "data": {"id": "task-" + "x" * 20, "credit": 40}})


async def cpu_per_request(url: str, transport: httpx.AsyncBaseTransport) -> float:
    async with httpx.AsyncClient(transport=transport, base_url=url) as client:
        for _ in range(50):
            await client.post("/create", json={"warm": True})
        began = time.process_time()
        body = {"model": "wan-2.6", "prompt": "a puppy running on a beach " * 4, "credit": 40}
        await asyncio.gather(*(client.post("/create", json=body) for _ in range(REQUESTS)))
        return (time.process_time() - began) / REQUESTS * 1000


async def main() -> None:
    app = web.Application()
    app.router.add_post("/create", answer)
    async with serve(app) as url:
        figures: dict[str, list[float]] = {"httpcore": [], "aiohttp": []}
        for _ in range(ROUNDS):
            figures["httpcore"].append(await cpu_per_request(url, httpx.AsyncHTTPTransport()))
            figures["aiohttp"].append(await cpu_per_request(url, AiohttpTransport()))
    print(f"CPU per request, {REQUESTS} at once, best of {ROUNDS} (server's share included):")
    for name, values in figures.items():
        print(f"  httpx over {name}: {min(values):.2f} ms")


if __name__ == "__main__":
    asyncio.run(main())
