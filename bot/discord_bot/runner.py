"""Running the Discord adapter inside our own event loop, next to the other adapters.

Discord gives a bot one gateway session per shard, so with several instances on one ledger
(PostgreSQL) only the holder of the ``discord-gateway`` lock connects; the others log in (REST only)
and stand by: they send their own jobs' messages through the bot token, and the first of them to get
the lock connects when the holder stops or dies. A standby instance counts as healthy.
"""

from __future__ import annotations

import asyncio
import logging

from bot.discord_bot.chats import PLATFORM
from bot.discord_bot.client import VideoBot
from bot.discord_bot.endpoints import point_at
from bot.discord_bot.settings import DiscordSettings
from bot.lifecycle import AdapterError
from bot.webserver import WebServer
from bot.wiring import App

log = logging.getLogger(__name__)
GATEWAY_LOCK = "discord-gateway"


async def run_discord(app: App, settings: DiscordSettings, web: WebServer | None = None) -> None:
    """Connect and serve until cancelled; the connection and HTTP session are closed on the way out.
    With ``web``, ``/healthz`` reports whether the gateway session is up, or stands by (``discord``).

    Raises ``discord.LoginFailure`` for a wrong token and ``discord.PrivilegedIntentsRequired`` never
    (no privileged intents are asked for); :class:`AdapterError` when the gateway lock was lost.
    """
    point_at(settings)
    client = VideoBot(app, settings)
    standing_by = asyncio.Event()
    if web is not None:
        web.add_health_check(
            PLATFORM, lambda: standing_by.is_set() or (client.is_ready() and not client.is_closed())
        )
    try:
        async with client:
            await client.login(settings.token)  # REST: this instance's jobs can be told from here on
            standing_by.set()
            async with app.jobs.hold(GATEWAY_LOCK) as lost:
                standing_by.clear()
                await _connected_until(client, lost)
    finally:
        if web is not None:
            web.add_health_check(PLATFORM, lambda: False)  # down until it starts again


async def _connected_until(client: VideoBot, lost: asyncio.Event) -> None:
    """Hold the gateway session until cancelled; the lock lost ends it (the supervisor starts again)."""
    session = asyncio.create_task(client.connect(reconnect=True), name="discord:gateway")
    losing = asyncio.create_task(lost.wait(), name="discord:lock")
    try:
        await asyncio.wait({session, losing}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        losing.cancel()
        if not session.done():
            session.cancel()
            await asyncio.wait({session})
    if lost.is_set():
        raise AdapterError("the Discord gateway lock was lost (database connection dropped)")
    session.result()  # the gateway's own failure, as before
