"""Discord with several instances on one PostgreSQL ledger (a real server): one gateway session, held
by whichever instance has the lock; the others stand by, healthy, and one takes over when it stops."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from bot.discord_bot import run_discord
from bot.webserver import WebServer
from bot.wiring import App, build_app
from tests.bot.discord_bot.support import answered, discord_settings
from tests.fakes.discord import FakeDiscord
from tests.support import settings_for


@asynccontextmanager
async def instance(tmp_path: Path, url: str) -> AsyncIterator[App]:
    app = build_app(settings_for(tmp_path, VIDEOBOT_LANG="en", VIDEOBOT_DATABASE_URL=url, VIDEOBOT_LEASE_S=3))
    app.start()
    try:
        yield app
    finally:
        await app.aclose()


async def until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.05)


async def healthy(web: WebServer) -> bool:
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"{web.url}/healthz")
    return answer.status_code == 200 and bool(answer.json()["checks"]["discord"])


async def all_healthy(webs: list[WebServer]) -> None:
    async with asyncio.timeout(10):  # discord.py is ready once the guilds came (or after 2 s)
        while not all([await healthy(web) for web in webs]):
            await asyncio.sleep(0.1)


async def test_one_gateway_session_among_instances_and_a_standby_takes_over(
    tmp_path: Path, postgres_url: str, fake: FakeDiscord
) -> None:
    settings = discord_settings(fake)
    alice = fake.person("alice")
    async with (
        instance(tmp_path / "a", postgres_url) as first,
        instance(tmp_path / "b", postgres_url) as second,
    ):
        webs = [WebServer(port=0), WebServer(port=0)]
        for web in webs:
            await web.start()
        holder = asyncio.create_task(run_discord(first, settings, webs[0]))
        standby = None
        try:
            await asyncio.wait_for(fake.ready.wait(), 10)
            standby = asyncio.create_task(run_discord(second, settings, webs[1]))
            await asyncio.sleep(1.5)  # it logged in and tried the lock meanwhile
            assert len(fake.gateway.identifies) == 1 and len(fake.gateway.sockets) == 1
            await all_healthy(webs)  # the standby too
            assert (await answered(fake, await fake.slash("help", by=alice))).content.startswith("👋")

            holder.cancel()  # the holder stops: its session ends and the lock is free
            with contextlib.suppress(asyncio.CancelledError):
                await holder
            await until(lambda: len(fake.gateway.identifies) == 2 and len(fake.gateway.sockets) == 1)
            assert (await answered(fake, await fake.slash("help", by=alice))).content.startswith("👋")
            await all_healthy(webs[1:])
        finally:
            for task in (holder, standby):
                if task is not None:
                    task.cancel()
            await asyncio.gather(*(t for t in (holder, standby) if t is not None), return_exceptions=True)
            for web in webs:
                await web.aclose()
