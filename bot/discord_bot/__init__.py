"""The Discord adapter: slash commands, DMs with photos, and buttons that survive restarts.

``videobot run`` starts it when ``DISCORD_BOT_TOKEN`` is set (:func:`run_discord`);
``videobot discord sync`` calls :func:`sync_commands`. See docs/discord.md. Importing this package is
cheap: discord.py (over a second to import) loads on a worker thread when the adapter starts, so the
event loop (and ``/healthz``) keeps serving meanwhile.
"""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from bot.discord_bot.settings import DiscordSettings, load_discord_settings

if TYPE_CHECKING:
    from bot.webserver import WebServer
    from bot.wiring import App

__all__ = ["DiscordSettings", "is_permanent", "load_discord_settings", "run_discord", "sync_commands"]


async def run_discord(app: App, settings: DiscordSettings, web: WebServer | None = None) -> None:
    """Connect and serve until cancelled (see :func:`bot.discord_bot.runner.run_discord`)."""
    runner = await asyncio.to_thread(importlib.import_module, "bot.discord_bot.runner")
    await runner.run_discord(app, settings, web)


async def sync_commands(settings: DiscordSettings, data_dir: Path, guild_id: int | None, force: bool) -> str:
    """``videobot discord sync`` (see :func:`bot.discord_bot.sync.sync_commands`)."""
    from bot.discord_bot.sync import sync_commands as sync

    return await sync(settings, data_dir, guild_id, force)


def is_permanent(error: BaseException) -> bool:
    """A failure no retry can fix: Discord refused the token."""
    import discord

    return isinstance(error, discord.LoginFailure)
