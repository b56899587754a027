"""A "retry with <model>" click: acknowledge, check it is the asker's, then start the job again."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import discord

from bot.discord_bot.chats import interaction_chat, interaction_key, locale_lang
from bot.discord_bot.host import NO_MENTIONS, host_of
from bot.discord_bot.slash import admitted
from messages.platform_discord import not_your_button

log = logging.getLogger(__name__)


async def retry_clicked(interaction: discord.Interaction[Any], job_id: str, model_key: str) -> None:
    """Defer (a click has 3 seconds), then retry ``job_id`` on ``model_key`` as a new job.

    The new job's messages are followups of this click; the clicked buttons are removed so one failure
    cannot start two paid retries.
    """
    host = host_of(interaction)
    if not await admitted(interaction, locale_lang(interaction)):
        return
    try:
        await interaction.response.defer()
    except discord.HTTPException as exc:
        log.warning("could not acknowledge a retry click: %s/%s", exc.status, exc.code)
        return
    job = await host.app.jobs.get(job_id)
    lang = (job.chat.lang if job else None) or locale_lang(interaction)
    if job is not None and job.chat.user_id != str(interaction.user.id):
        await _quietly(
            interaction.followup.send(not_your_button(lang), ephemeral=True, allowed_mentions=NO_MENTIONS)
        )
        return
    if job is not None:
        await _quietly(interaction.edit_original_response(view=None))
    host.live.add(interaction, original_pending=False)
    chat = interaction_chat(interaction, lang)
    await host.app.conversation.retry(chat, job_id, model_key, interaction_key(interaction))


async def _quietly(call: Awaitable[Any]) -> None:
    try:
        await call
    except discord.HTTPException as exc:
        log.warning("discord refused a click answer: %s/%s", exc.status, exc.code)
