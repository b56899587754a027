"""Fixtures: the fake Discord on 127.0.0.1, the app on the offline sandbox, and a way to start the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import discord.gateway
import discord.http
import pytest

from bot.discord_bot.client import VideoBot
from bot.wiring import App, build_app
from tests.bot.discord_bot.support import StartBot, running_bot
from tests.fakes.discord import FakeDiscord
from tests.support import settings_for


@pytest.fixture(autouse=True)
def discord_endpoints() -> Iterator[None]:
    """Put discord.py's class-level REST base and gateway back after each test."""
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    discord_fake = FakeDiscord()
    async with discord_fake.running():
        yield discord_fake


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = build_app(settings_for(tmp_path, VIDEOBOT_LANG="en"))
    application.start()
    try:
        yield application
    finally:
        await application.aclose()


@pytest.fixture
def start_bot(app: App, fake: FakeDiscord) -> StartBot:
    def start(**values: Any) -> AbstractAsyncContextManager[VideoBot]:
        return running_bot(app, fake, **values)

    return start
