"""The discord.py client with what commands, buttons and the channel share: the app and live tokens."""

from __future__ import annotations

from typing import Any

import discord

from bot.discord_bot.chats import PLATFORM
from bot.discord_bot.live import LiveInteractions
from bot.discord_bot.settings import DiscordSettings
from bot.wiring import App
from handlers.access import Refusals

NO_MENTIONS = discord.AllowedMentions.none()


def intents() -> discord.Intents:
    """Servers (their channels and upload limits) and direct messages; nothing privileged.

    Slash commands and button clicks arrive whatever the intents; DMs carry their text and
    attachments without the privileged message content intent.
    """
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.dm_messages = True
    return wanted


class Host(discord.Client):
    """A client that pings nobody; subclassed by :class:`VideoBot`."""

    def __init__(self, app: App, settings: DiscordSettings) -> None:
        super().__init__(intents=intents(), allowed_mentions=NO_MENTIONS)
        self.app = app
        self.settings = settings
        self.live = LiveInteractions(settings.edit_window_s)
        app.access.register(PLATFORM, settings.access)  # admins change it at run time (handlers.access)
        self.refusals = Refusals()


def host_of(interaction: discord.Interaction[Any]) -> Host:
    client = interaction.client
    if not isinstance(client, Host):
        raise TypeError("this interaction did not come through the videobot client")
    return client
