"""Helpers for the Discord tests: settings aimed at the fake, a running bot, pictures, waiting for jobs."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from PIL import Image

from bot.discord_bot.client import VideoBot
from bot.discord_bot.endpoints import point_at
from bot.discord_bot.settings import DiscordSettings
from bot.wiring import App
from handlers.jobs import Job
from tests.fakes.discord import FakeDiscord, FakeInteraction, FakeMessage, Upload

StartBot = Callable[..., AbstractAsyncContextManager[VideoBot]]


def discord_settings(fake: FakeDiscord, **values: Any) -> DiscordSettings:
    fields = {
        "DISCORD_BOT_TOKEN": fake.token,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        **values,
    }
    return DiscordSettings(_env_file=None, **fields)


@asynccontextmanager
async def running_bot(
    app: App, fake: FakeDiscord, *, sync: bool = False, **values: Any
) -> AsyncIterator[VideoBot]:
    """A connected :class:`VideoBot` (``async with client: await client.start(token)``), closed after."""
    settings = discord_settings(fake, **values)
    point_at(settings)
    client = VideoBot(app, settings, sync=sync)
    fake.ready.clear()

    async def run() -> None:
        async with client:
            await client.start(settings.token)

    task = asyncio.create_task(run())
    try:
        # READY and GUILD_CREATE are on the wire; later events are handled after them. (discord.py
        # only calls on_ready after 2 quiet seconds, which the tests need not wait for.)
        await asyncio.wait_for(fake.ready.wait(), 10)
        yield client
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def png(size: tuple[int, int] = (64, 48), color: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def photo(name: str = "cat.png") -> Upload:
    return Upload(png(), name, "image/png")


async def finished_job(app: App, inbound_key: str, timeout: float = 10.0) -> Job:
    """The job made for ``inbound_key``, once it delivered or failed."""
    async with asyncio.timeout(timeout):
        while (job := await app.jobs.by_inbound(inbound_key)) is None or not job.finished:
            await asyncio.sleep(0.01)
    return job


async def answered(fake: FakeDiscord, interaction: FakeInteraction) -> FakeMessage:
    """The interaction's original response once it holds words."""
    found: FakeMessage = await fake.wait_for(
        lambda: (m := fake.messages.get(interaction.original_id or 0)) is not None and m.content and m
    )
    return found


def key(interaction: FakeInteraction) -> str:
    return f"discord:{interaction.id}"


def offline_link(content: str) -> bool:
    """The link message of a sandbox video: the offline note, never a local file path (issue 12)."""
    return content.startswith("🔗 This is an offline demo video") and "file://" not in content
