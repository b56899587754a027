"""Command texts in English (Discord's default) with a Chinese localisation, all from ``messages``."""

from __future__ import annotations

import discord
from discord import app_commands

from messages.platform_discord import command_description, option_description

CHINESE = frozenset({discord.Locale.chinese, discord.Locale.taiwan_chinese})


def described(command: str) -> app_commands.locale_str:
    """A command's description, English by default, carrying its Chinese text for the translator."""
    return app_commands.locale_str(command_description("en", command), zh=command_description("zh", command))


def option_text(command: str, option: str) -> app_commands.locale_str:
    return app_commands.locale_str(
        option_description("en", command, option), zh=option_description("zh", command, option)
    )


def labelled(en: str, zh: str) -> app_commands.locale_str:
    return app_commands.locale_str(en, zh=zh)


class MessagesTranslator(app_commands.Translator):
    """Gives Discord the Chinese text of every string built with :func:`described` and friends."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale in CHINESE:
            zh = string.extras.get("zh")
            return zh if isinstance(zh, str) else None
        return None
