"""The slash commands: ``/video``, ``/cancel``, ``/status``, ``/history``, ``/show``, ``/models``,
``/prefs show|set|reset``, ``/usage``, ``/help`` and ``/admin`` (servers only, shown to members who may
manage the server; our admin list decides).

Global commands, usable in servers and in direct messages with the bot (guild installs only: the bot
must be present, so long jobs can fall back to bot-token messages). Callbacks stay thin: see ``slash``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.discord_bot.host import host_of
from bot.discord_bot.slash import (
    model_choices,
    model_key_for,
    run_private,
    run_public,
    start_video,
    video_task,
)
from bot.discord_bot.translator import described, labelled, option_text
from handlers.conversation import ConversationHandler
from handlers.inbound import ChatRef
from handlers.overview import HISTORY_SIZE
from messages import task_label
from providers.specs import LONGEST_PROMPT_CHARS
from providers.types import TaskType, VideoParams

CONTEXTS = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=False)
INSTALLS = app_commands.AppInstallationType(guild=True, user=False)
ASPECT_RATIOS = ("16:9", "9:16", "1:1", "4:3", "3:4")
TASK_CHOICES = [
    app_commands.Choice(name=labelled(task_label("en", task), task_label("zh", task)), value=task.value)
    for task in TaskType
]


def task_of(value: object) -> TaskType | None:
    """The task type a choice option names; ``None`` when absent or not one of ours."""
    try:
        return TaskType(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def add_commands(tree: app_commands.CommandTree[Any]) -> None:
    """Put every command on ``tree`` (a fresh set per tree)."""
    usage = _private("usage", ConversationHandler.show_usage)
    help_command = _private("help", lambda conversation, chat: conversation.show_help(chat, slash=True))
    status = _private("status", ConversationHandler.show_status)
    history = _private("history", ConversationHandler.show_history)
    for command in (
        _video(),
        _cancel(),
        status,
        history,
        _show(),
        _models(),
        _prefs(),
        usage,
        help_command,
        _admin(),
    ):
        tree.add_command(command)


def _video() -> app_commands.Command[Any, ..., None]:
    @app_commands.command(name="video", description=described("video"))
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    @app_commands.describe(
        prompt=option_text("video", "prompt"),
        image=option_text("video", "image"),
        last_frame=option_text("video", "last_frame"),
        model=option_text("video", "model"),
        duration=option_text("video", "duration"),
        aspect_ratio=option_text("video", "aspect_ratio"),
    )
    @app_commands.choices(aspect_ratio=[app_commands.Choice(name=r, value=r) for r in ASPECT_RATIOS])
    async def video(
        interaction: discord.Interaction[Any],
        prompt: app_commands.Range[str, 1, LONGEST_PROMPT_CHARS],
        image: discord.Attachment | None = None,
        last_frame: discord.Attachment | None = None,
        model: str | None = None,
        duration: app_commands.Range[int, 1, 60] | None = None,
        aspect_ratio: str | None = None,
    ) -> None:
        params = VideoParams(duration=duration, aspect_ratio=aspect_ratio)
        await start_video(
            interaction, prompt=prompt, image=image, last_frame=last_frame, model=model, params=params
        )

    @video.autocomplete("model")
    async def video_models(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return await model_choices(interaction, current, video_task(interaction))

    return video


def _cancel() -> app_commands.Command[Any, ..., None]:
    @app_commands.command(name="cancel", description=described("cancel"))
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def cancel(interaction: discord.Interaction[Any]) -> None:
        """The user's video in progress, or a pick with a Cancel button each when there are several."""
        conversation = host_of(interaction).app.conversation
        await run_private(interaction, lambda chat, key: conversation.cancel(chat, None, inbound_key=key))

    return cancel


def _show() -> app_commands.Command[Any, ..., None]:
    @app_commands.command(name="show", description=described("show"))
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    @app_commands.describe(number=option_text("show", "number"))
    async def show(
        interaction: discord.Interaction[Any], number: app_commands.Range[int, 1, HISTORY_SIZE] = 1
    ) -> None:
        """One of the user's videos shown again here (1 = the latest, as ``/history`` numbers them)."""
        conversation = host_of(interaction).app.conversation
        await run_public(interaction, lambda chat, _: conversation.show_again(chat, number))

    return show


def _models() -> app_commands.Command[Any, ..., None]:
    @app_commands.command(name="models", description=described("models"))
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    @app_commands.describe(task=option_text("models", "task"))
    @app_commands.choices(task=TASK_CHOICES)
    async def models(interaction: discord.Interaction[Any], task: str | None = None) -> None:
        conversation = host_of(interaction).app.conversation
        await run_private(
            interaction, lambda chat, _: conversation.show_models(chat, task_of(task), slash=True)
        )

    return models


def _prefs() -> app_commands.Group:
    prefs = app_commands.Group(
        name="prefs", description=described("prefs"), allowed_contexts=CONTEXTS, allowed_installs=INSTALLS
    )

    @prefs.command(name="show", description=described("prefs show"))
    async def show(interaction: discord.Interaction[Any]) -> None:
        conversation = host_of(interaction).app.conversation
        await run_private(interaction, lambda chat, _: conversation.show_prefs(chat))

    @prefs.command(name="set", description=described("prefs set"))
    @app_commands.describe(model=option_text("prefs set", "model"), task=option_text("prefs set", "task"))
    @app_commands.choices(task=TASK_CHOICES)
    async def set_model(interaction: discord.Interaction[Any], model: str, task: str | None = None) -> None:
        """Typed words ("kling", "Veo 3.1") resolve like ``/video``'s model option."""
        app = host_of(interaction).app

        async def save(chat: ChatRef, _: str) -> None:
            key = await model_key_for(app, model, task_of(task) or TaskType.TEXT_TO_VIDEO)
            await app.conversation.set_model(chat, key, task_of(task))

        await run_private(interaction, save)

    @set_model.autocomplete("model")
    async def set_models(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        task = getattr(interaction.namespace, "task", None)
        return await model_choices(interaction, current, task_of(task) or TaskType.TEXT_TO_VIDEO)

    @prefs.command(name="reset", description=described("prefs reset"))
    @app_commands.describe(task=option_text("prefs reset", "task"))
    @app_commands.choices(task=TASK_CHOICES)
    async def reset(interaction: discord.Interaction[Any], task: str | None = None) -> None:
        conversation = host_of(interaction).app.conversation
        await run_private(interaction, lambda chat, _: conversation.reset_prefs(chat, task_of(task)))

    return prefs


def _private(
    name: str, answer: Callable[[ConversationHandler, ChatRef], Awaitable[None]]
) -> app_commands.Command[Any, ..., None]:
    """A command without options whose answer only its user sees (``/help``, ``/usage``)."""

    @app_commands.command(name=name, description=described(name))
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def command(interaction: discord.Interaction[Any]) -> None:
        conversation = host_of(interaction).app.conversation
        await run_private(interaction, lambda chat, _: answer(conversation, chat))

    return command


def _admin() -> app_commands.Command[Any, ..., None]:
    @app_commands.command(name="admin", description=described("admin"))
    @app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(command=option_text("admin", "command"))
    async def admin(interaction: discord.Interaction[Any], command: app_commands.Range[str, 1, 300]) -> None:
        conversation = host_of(interaction).app.conversation
        await run_private(interaction, lambda chat, _: conversation.admin(chat, command))

    return admin
