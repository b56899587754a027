"""Running the Discord adapter inside our own event loop, next to the other adapters."""

from __future__ import annotations

from bot.discord_bot.client import VideoBot
from bot.discord_bot.endpoints import point_at
from bot.discord_bot.settings import DiscordSettings
from bot.wiring import App


async def run_discord(app: App, settings: DiscordSettings) -> None:
    """Connect and serve until cancelled; the connection and HTTP session are closed on the way out.

    Raises ``discord.LoginFailure`` for a wrong token and ``discord.PrivilegedIntentsRequired`` never
    (no privileged intents are asked for).
    """
    point_at(settings)
    client = VideoBot(app, settings)
    async with client:
        await client.start(settings.token)
