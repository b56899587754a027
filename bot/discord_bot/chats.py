"""Who and where on Discord, as our platform-free :class:`ChatRef`."""

from __future__ import annotations

from typing import Any

import discord

from handlers.access import Who
from handlers.inbound import ChatRef
from messages.reply import Lang

PLATFORM = "discord"


def locale_lang(interaction: discord.Interaction[Any]) -> Lang:
    """The user's Discord client language: Chinese locales read zh, every other one en."""
    return "zh" if interaction.locale.value.startswith("zh") else "en"


def interaction_chat(interaction: discord.Interaction[Any], lang: Lang | None) -> ChatRef:
    """The chat of a slash command or click; ``reply_to`` names the interaction (see ``live``)."""
    return ChatRef(
        platform=PLATFORM,
        chat_id=str(interaction.channel_id),
        user_id=str(interaction.user.id),
        reply_to=str(interaction.id),
        lang=lang,
        space=str(interaction.guild_id) if interaction.guild_id is not None else None,  # a server's budget
    )


def interaction_key(interaction: discord.Interaction[Any]) -> str:
    """The inbound key of a command or click: unique per interaction, as the adapter contract asks."""
    return f"{PLATFORM}:{interaction.id}"


def message_chat(message: discord.Message) -> ChatRef:
    """The chat of a direct message (the conversation sets ``reply_to`` to the message id)."""
    return ChatRef(platform=PLATFORM, chat_id=str(message.channel.id), user_id=str(message.author.id))


def interaction_who(interaction: discord.Interaction[Any]) -> Who:
    """A slash command's or click's sender and place, for the access policy (roles in a server)."""
    roles = frozenset(str(role.id) for role in getattr(interaction.user, "roles", ()))
    guild = interaction.guild_id
    return Who(
        private=guild is None,
        chat_id=str(interaction.channel_id),
        user_id=str(interaction.user.id),
        org_id=str(guild) if guild is not None else None,
        roles=roles,
    )


def message_who(message: discord.Message) -> Who:
    """A direct message's sender, for the access policy."""
    return Who(private=True, chat_id=str(message.channel.id), user_id=str(message.author.id))
