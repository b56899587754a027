"""``run_discord`` inside our loop until cancelled; the settings it reads."""

from __future__ import annotations

import asyncio
import logging

import discord
import pytest
from pydantic import ValidationError

from bot.discord_bot import DiscordSettings, load_discord_settings, run_discord
from bot.settings import SettingsError
from bot.wiring import App
from tests.bot.discord_bot.support import answered, discord_settings
from tests.fakes.discord import FakeDiscord


async def test_runs_until_cancelled_and_cleans_up(fake: FakeDiscord, app: App) -> None:
    alice = fake.person("alice")
    task = asyncio.create_task(run_discord(app, discord_settings(fake)))
    await asyncio.wait_for(fake.ready.wait(), 10)
    answer = await answered(fake, await fake.slash("help", by=alice))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert answer.content.startswith("👋")
    assert fake.calls_to("commands_put"), "the first start syncs the commands"
    await fake.wait_for(lambda: not fake.gateway.sockets, timeout=5)
    guilds, direct_messages = 1 << 0, 1 << 12  # nothing privileged (members, presences, message content)
    assert fake.gateway.identifies[0]["intents"] == guilds | direct_messages


async def test_a_wrong_token_fails_to_log_in_without_showing_it(
    fake: FakeDiscord, app: App, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = discord_settings(fake, DISCORD_BOT_TOKEN="wrong-token-123")
    with pytest.raises(discord.LoginFailure) as failure:
        await asyncio.wait_for(run_discord(app, settings), 10)
    assert "wrong-token-123" not in caplog.text + str(failure.value) + repr(settings)


def test_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISCORD_BOT_TOKEN", "DISCORD_GUILD_IDS", "DISCORD_API_BASE", "DISCORD_GATEWAY_URL"):
        monkeypatch.delenv(name, raising=False)
    default = DiscordSettings(_env_file=None)
    assert not default.configured and default.api_base == "https://discord.com/api/v10"
    assert default.guild_ids == () and default.edit_window_s == 15 * 60 - 90
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "  ")
    assert not DiscordSettings(_env_file=None).configured
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "abc.def")
    monkeypatch.setenv("DISCORD_GUILD_IDS", "123, 456")
    monkeypatch.setenv("DISCORD_API_BASE", "http://127.0.0.1:9/api/v10/")
    settings = DiscordSettings(_env_file=None)
    assert settings.configured and settings.token == "abc.def" and "abc.def" not in repr(settings)
    assert settings.guild_ids == (123, 456) and settings.api_base == "http://127.0.0.1:9/api/v10"
    for name, value in (("DISCORD_GATEWAY_URL", "http://x"), ("DISCORD_GUILD_IDS", "12,abc")):
        monkeypatch.setenv(name, value)
        with pytest.raises(ValidationError):
            DiscordSettings(_env_file=None)
        with pytest.raises(SettingsError, match=f"^invalid setting {name}: "):
            load_discord_settings()
        monkeypatch.delenv(name)
