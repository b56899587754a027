"""The videobot Discord client: commands, persistent buttons, DMs and the channel, set up once."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discord_bot.channel import DiscordChannel
from bot.discord_bot.chats import PLATFORM
from bot.discord_bot.commands import add_commands
from bot.discord_bot.dms import on_direct_message
from bot.discord_bot.host import Host
from bot.discord_bot.settings import DiscordSettings
from bot.discord_bot.sync import state_file, sync_on_start
from bot.discord_bot.translator import MessagesTranslator
from bot.discord_bot.views import AnswerButton, CancelButton, FollowUpButton, ModelMenu, RetryButton
from bot.wiring import App


class VideoBot(Host):
    """A ``discord.Client`` wired to the app; ``sync`` lets tests and operators skip the start-up sync."""

    def __init__(self, app: App, settings: DiscordSettings, *, sync: bool = True) -> None:
        super().__init__(app, settings)
        self.tree: app_commands.CommandTree[VideoBot] = app_commands.CommandTree(self)
        add_commands(self.tree)
        self.channel = DiscordChannel(self)
        self._sync = sync

    async def setup_hook(self) -> None:
        """Runs after login, before the gateway connects: buttons, translations, the channel, sync, and
        the Discord jobs a restart cut off (their later messages go through the bot token)."""
        self.add_dynamic_items(RetryButton, AnswerButton, CancelButton, FollowUpButton, ModelMenu)
        await self.tree.set_translator(MessagesTranslator())
        self.app.outbox.register(PLATFORM, self.channel)
        if self._sync:
            await sync_on_start(self.tree, state_file(self.app.settings.data_dir), self.settings.guild_ids)
        await self.app.resume({PLATFORM})

    async def on_message(self, message: discord.Message) -> None:
        await on_direct_message(self, message)
