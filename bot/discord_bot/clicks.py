"""Button clicks: acknowledge, check it is the asker's, then retry a job ("retry with <model>"), answer
a go-ahead question ("make it" / "cancel") or cancel a job in progress ("Cancel")."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import discord

from bot.discord_bot.chats import interaction_chat, interaction_key, locale_lang
from bot.discord_bot.host import NO_MENTIONS, host_of
from bot.discord_bot.slash import admitted
from handlers.inbound import ChatRef
from messages.platform_discord import not_your_button
from providers.types import TaskType

log = logging.getLogger(__name__)


async def retry_clicked(interaction: discord.Interaction[Any], job_id: str, model_key: str) -> None:
    """Defer (a click has 3 seconds), then retry ``job_id`` on ``model_key`` as a new job.

    The new job's messages are followups of this click; the clicked buttons are removed so one failure
    cannot start two paid retries.
    """
    chat = await _owned_click(interaction, job_id)
    if chat is not None:
        await host_of(interaction).app.conversation.retry(
            chat, job_id, model_key, interaction_key(interaction)
        )


async def go_ahead_clicked(interaction: discord.Interaction[Any], job_id: str, *, yes: bool) -> None:
    """Defer, then answer the question of ``job_id``: its buttons go, so one question makes one job."""
    chat = await _owned_click(interaction, job_id)
    if chat is not None:
        conversation = host_of(interaction).app.conversation
        await conversation.go_ahead(chat, job_id, yes=yes, inbound_key=interaction_key(interaction))


async def cancel_clicked(interaction: discord.Interaction[Any], job_id: str) -> None:
    """Defer, then cancel ``job_id``: its status message then says what that means for the money."""
    chat = await _owned_click(interaction, job_id)
    if chat is not None:
        conversation = host_of(interaction).app.conversation
        await conversation.cancel(chat, job_id, inbound_key=interaction_key(interaction))


async def follow_up_clicked(interaction: discord.Interaction[Any], job_id: str, action: str) -> None:
    """Defer, then follow the finished video up (a new request: its buttons stay for more)."""
    chat = await _owned_click(interaction, job_id, keep_buttons=True)
    if chat is not None:
        conversation = host_of(interaction).app.conversation
        await conversation.follow_up(chat, job_id, action, inbound_key=interaction_key(interaction))


async def model_picked(interaction: discord.Interaction[Any], task: str, model_key: str) -> None:
    """A model picked in ``/models``'s menu: it becomes the user's usual for that kind of video; the
    answer is private, like the menu."""
    host = host_of(interaction)
    lang = locale_lang(interaction)
    if not await admitted(interaction, lang):
        return
    try:
        await interaction.response.defer(ephemeral=True, thinking=True)
    except discord.HTTPException as exc:
        log.warning("could not acknowledge a pick: %s/%s", exc.status, exc.code)
        return
    host.live.add(interaction, ephemeral=True)
    task_type = TaskType(task) if task in TaskType._value2member_map_ else None
    await host.app.conversation.set_model(interaction_chat(interaction, lang), model_key, task_type)


async def _owned_click(
    interaction: discord.Interaction[Any], job_id: str, *, keep_buttons: bool = False
) -> ChatRef | None:
    """Acknowledge a click on ``job_id``'s buttons: the chat to answer in, or None when the clicker is
    outside the policy or not the job's asker (they get a private note; the buttons stay). The clicked
    buttons go (one answer per question, one retry per failure) unless ``keep_buttons``."""
    host = host_of(interaction)
    if not await admitted(interaction, locale_lang(interaction)):
        return None
    try:
        await interaction.response.defer()
    except discord.HTTPException as exc:
        log.warning("could not acknowledge a click: %s/%s", exc.status, exc.code)
        return None
    job = await host.app.jobs.get(job_id)
    lang = (job.chat.lang if job else None) or locale_lang(interaction)
    if job is not None and job.chat.user_id != str(interaction.user.id):
        await _quietly(
            interaction.followup.send(not_your_button(lang), ephemeral=True, allowed_mentions=NO_MENTIONS)
        )
        return None
    if job is not None and not keep_buttons:
        await _quietly(interaction.edit_original_response(view=None))
    host.live.add(interaction, original_pending=False)
    return interaction_chat(interaction, lang)


async def _quietly(call: Awaitable[Any]) -> None:
    try:
        await call
    except discord.HTTPException as exc:
        log.warning("discord refused a click answer: %s/%s", exc.status, exc.code)
