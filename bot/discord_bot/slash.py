"""What the slash commands do: acknowledge first, then hand the request to the conversation."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.discord_bot.attachments import AttachmentRefused, check, read_images, refusal_text
from bot.discord_bot.chats import PLATFORM, interaction_chat, interaction_key, interaction_who, locale_lang
from bot.discord_bot.host import NO_MENTIONS, host_of
from bot.wiring import App
from handlers.channel import DeliveryError
from handlers.choosing import likely_spec, resolve_mention
from handlers.inbound import ChatRef
from handlers.intent import detect_lang
from handlers.intent.names import find_model_names
from handlers.remembering import prefs_user
from messages import not_allowed, prompt_too_long
from messages.platform_discord import last_frame_needs_image
from messages.reply import Lang, Reply, ReplyKind
from providers.types import TaskType, VideoParams

log = logging.getLogger(__name__)

AUTOCOMPLETE_BUDGET_S = 2.0  # Discord waits 3 s for suggestions and they cannot be deferred
MAX_CHOICES = 25


async def start_video(
    interaction: discord.Interaction[Any],
    *,
    prompt: str,
    image: discord.Attachment | None,
    last_frame: discord.Attachment | None,
    model: str | None,
    params: VideoParams,
) -> None:
    """``/video``: refuse unusable pictures privately, else defer ("thinking…") and start the job.

    Everything before the defer is synchronous: the 3-second deadline is never at risk.
    """
    host = host_of(interaction)
    lang = detect_lang(prompt) or locale_lang(interaction)
    if not await admitted(interaction, lang):
        return
    max_bytes = host.settings.max_image_bytes
    pictures = [a for a in (image, last_frame) if a is not None]
    refusal = check(pictures, max_bytes)
    if last_frame is not None and image is None:
        await _answer_privately(interaction, last_frame_needs_image(lang))
        return
    if refusal is not None:
        await _answer_privately(interaction, refusal_text(lang, refusal, max_bytes))
        return
    if (too_long := await _too_long(host.app, interaction, prompt, model, len(pictures), lang)) is not None:
        await _answer_privately(interaction, too_long)  # said before the defer: nothing is spent
        return
    if not await _defer(interaction, ephemeral=False):
        return
    host.live.add(interaction)
    chat = interaction_chat(interaction, lang)
    try:
        images = await read_images(pictures, max_bytes)
    except AttachmentRefused as refused:
        text = refusal_text(lang, refused.refusal, max_bytes)
        try:
            await host.app.outbox.send(chat, Reply(kind=ReplyKind.TEXT, text=text))
        except DeliveryError:
            log.warning("could not say why a picture was refused")
        return
    model_key = await model_key_for(host.app, model, _task_for(len(images))) if model else None
    await host.app.conversation.request_video(
        chat, interaction_key(interaction), prompt=prompt, images=images, params=params, model_key=model_key
    )


async def run_private(
    interaction: discord.Interaction[Any], work: Callable[[ChatRef, str], Awaitable[None]]
) -> None:
    """``/models``, ``/prefs``, ``/help``: defer privately, then let ``work(chat, inbound_key)`` answer."""
    host = host_of(interaction)
    if not await admitted(interaction, locale_lang(interaction)):
        return
    if not await _defer(interaction, ephemeral=True):
        return
    host.live.add(interaction, ephemeral=True)
    await work(interaction_chat(interaction, locale_lang(interaction)), interaction_key(interaction))


async def run_public(
    interaction: discord.Interaction[Any], work: Callable[[ChatRef, str], Awaitable[None]]
) -> None:
    """``/show``: defer in the open ("thinking…"), then let ``work(chat, inbound_key)`` answer there."""
    host = host_of(interaction)
    if not await admitted(interaction, locale_lang(interaction)):
        return
    if not await _defer(interaction, ephemeral=False):
        return
    host.live.add(interaction)
    await work(interaction_chat(interaction, locale_lang(interaction)), interaction_key(interaction))


async def model_choices(
    interaction: discord.Interaction[Any], current: str, task_type: TaskType
) -> list[app_commands.Choice[str]]:
    """Autocomplete for a model option: each model with its price and time, filtered by what was typed."""
    conversation = host_of(interaction).app.conversation
    try:
        options = await asyncio.wait_for(
            conversation.model_options(task_type, locale_lang(interaction), current), AUTOCOMPLETE_BUDGET_S
        )
    except TimeoutError:
        log.warning("model suggestions took too long")
        return []
    return [app_commands.Choice(name=label, value=key) for key, label in options[:MAX_CHOICES]]


def video_task(interaction: discord.Interaction[Any]) -> TaskType:
    """The task ``/video`` is being filled in for, from the options given so far."""
    namespace = interaction.namespace
    if getattr(namespace, "image", None) is not None and getattr(namespace, "last_frame", None) is not None:
        return TaskType.FIRST_LAST_FRAME_TO_VIDEO
    if getattr(namespace, "image", None) is not None:
        return TaskType.IMAGE_TO_VIDEO
    return TaskType.TEXT_TO_VIDEO


async def model_key_for(app: App, typed: str, task_type: TaskType) -> str:
    """A suggestion's key as is; typed words ("kling", "Veo 3.1") resolved like a model named in chat."""
    if app.catalogue.spec(typed) is not None:
        return typed
    for found in find_model_names(typed):
        entry = await resolve_mention(app.catalogue, found.mention, task_type)
        if entry is not None:
            return entry.key
    return typed  # unknown: the conversation uses the usual model


async def _too_long(
    app: App, interaction: discord.Interaction[Any], prompt: str, model: str | None, images: int, lang: Lang
) -> str | None:
    """Why the prompt is too long for the model this request will most likely run on, or None."""
    named = _named_key(app, model) if model else None
    chat = interaction_chat(interaction, lang)
    spec = await likely_spec(app.catalogue, app.prefs, prefs_user(chat), _task_for(images), named)
    if len(prompt) <= spec.max_prompt_chars:
        return None
    return prompt_too_long(lang, max_chars=spec.max_prompt_chars, model_name=spec.name)


def _named_key(app: App, typed: str) -> str | None:
    """The key a model option names, from the model table alone (no list is asked for)."""
    if app.catalogue.spec(typed) is not None:
        return typed
    return next((found.mention.key for found in find_model_names(typed) if found.mention.key), None)


def _task_for(image_count: int) -> TaskType:
    if image_count >= 2:
        return TaskType.FIRST_LAST_FRAME_TO_VIDEO
    return TaskType.IMAGE_TO_VIDEO if image_count else TaskType.TEXT_TO_VIDEO


async def _defer(interaction: discord.Interaction[Any], *, ephemeral: bool) -> bool:
    """Acknowledge with "thinking…". A refusal (10062 too late, 40060 twice) is final: no job starts."""
    try:
        await interaction.response.defer(thinking=True, ephemeral=ephemeral)
    except discord.HTTPException as exc:
        log.warning("could not acknowledge /%s: %s/%s", _name(interaction), exc.status, exc.code)
        return False
    return True


async def admitted(interaction: discord.Interaction[Any], lang: Lang) -> bool:
    """The access policy: someone outside it gets one private note for this interaction."""
    host = host_of(interaction)
    if host.app.access.allows(PLATFORM, interaction_who(interaction)):
        return True
    log.info("discord %s in %s is outside the access policy", interaction.user.id, interaction.channel_id)
    await _answer_privately(interaction, not_allowed(lang))
    return False


async def _answer_privately(interaction: discord.Interaction[Any], text: str) -> None:
    try:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as exc:
        log.warning("could not answer /%s: %s/%s", _name(interaction), exc.status, exc.code)


def _name(interaction: discord.Interaction[Any]) -> str:
    command = interaction.command
    return command.qualified_name if command is not None else "?"
