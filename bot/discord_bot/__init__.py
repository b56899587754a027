"""The Discord adapter: slash commands, DMs with photos, and buttons that survive restarts.

``videobot run`` starts it when ``DISCORD_BOT_TOKEN`` is set (:func:`run_discord`);
``videobot discord sync`` calls :func:`sync_commands`. See docs/discord.md.
"""

from bot.discord_bot.runner import run_discord
from bot.discord_bot.settings import DiscordSettings, load_discord_settings
from bot.discord_bot.sync import sync_commands

__all__ = ["DiscordSettings", "load_discord_settings", "run_discord", "sync_commands"]
