"""Running the Discord adapter inside our own event loop, next to the other adapters."""

from __future__ import annotations

from bot.discord_bot.chats import PLATFORM
from bot.discord_bot.client import VideoBot
from bot.discord_bot.endpoints import point_at
from bot.discord_bot.settings import DiscordSettings
from bot.webserver import WebServer
from bot.wiring import App


async def run_discord(app: App, settings: DiscordSettings, web: WebServer | None = None) -> None:
    """Connect and serve until cancelled; the connection and HTTP session are closed on the way out.
    With ``web``, ``/healthz`` reports whether the gateway session is up (``discord``).

    Raises ``discord.LoginFailure`` for a wrong token and ``discord.PrivilegedIntentsRequired`` never
    (no privileged intents are asked for).
    """
    point_at(settings)
    client = VideoBot(app, settings)
    if web is not None:
        web.add_health_check(PLATFORM, lambda: client.is_ready() and not client.is_closed())
    try:
        async with client:
            await client.start(settings.token)
    finally:
        if web is not None:
            web.add_health_check(PLATFORM, lambda: False)  # down until it starts again
