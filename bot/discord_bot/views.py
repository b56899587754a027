"""Buttons under a reply. "Retry with <model>" buttons carry the job and the model in their custom id,
"make it" / "cancel" under a go-ahead question the answer and the job, "Cancel" under a running job's
status message the job.

They are :class:`discord.ui.DynamicItem` buttons registered in ``setup_hook``, so a click still works
after a restart: discord.py rebuilds the button from the custom id alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Self

import discord

from bot.discord_bot.clicks import (
    cancel_clicked,
    follow_up_clicked,
    go_ahead_clicked,
    model_picked,
    retry_clicked,
)
from messages import pick_placeholder
from messages.control import cancel_label, follow_up_label
from messages.reply import Button, Lang
from providers.types import TaskType

PREFIX = "vb:retry"
TEMPLATE = re.compile(rf"{PREFIX}:(?P<job>[\w-]{{1,60}}):(?P<model>[\w.-]{{1,30}})")
ANSWER = re.compile(r"vb:(?P<answer>go|stop):(?P<job>[\w-]{1,60})")
CANCEL = re.compile(r"vb:cancel:(?P<job>[\w-]{1,60})")
USE = re.compile(r"vb:use:(?P<task>[a-z_]{1,40})")
FOLLOW_UP = re.compile(r"vb:(?P<action>again|another|vertical|landscape):(?P<job>[\w-]{1,60})")
MAX_BUTTONS = 25  # 5 rows of 5
MAX_MENUS = 2  # a menu takes a whole row; two leave room for buttons
MAX_OPTIONS = 25
MAX_LABEL = 80


class RetryButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=TEMPLATE):
    """Starts the job's request again on ``model_key``."""

    def __init__(self, job_id: str, model_key: str, label: str = "") -> None:
        super().__init__(
            _button(label or model_key, discord.ButtonStyle.primary, f"{PREFIX}:{job_id}:{model_key}")
        )
        self.job_id = job_id
        self.model_key = model_key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["job"], match["model"], _label(item))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await retry_clicked(interaction, self.job_id, self.model_key)


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=ANSWER):
    """Answers a go-ahead question: ``go`` makes the video, ``stop`` calls it off."""

    def __init__(self, answer: str, job_id: str, label: str = "") -> None:
        super().__init__(
            _button(
                label or answer,
                discord.ButtonStyle.success if answer == "go" else discord.ButtonStyle.secondary,
                f"vb:{answer}:{job_id}",
            )
        )
        self.answer = answer
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["answer"], match["job"], _label(item))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await go_ahead_clicked(interaction, self.job_id, yes=self.answer == "go")


class CancelButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=CANCEL):
    """Calls a job in progress off (its user only)."""

    def __init__(self, job_id: str, label: str = "") -> None:
        super().__init__(
            _button(label or cancel_label("en"), discord.ButtonStyle.danger, f"vb:cancel:{job_id}")
        )
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["job"], _label(item))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await cancel_clicked(interaction, self.job_id)


class FollowUpButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=FOLLOW_UP):
    """Under a finished video: make it again, in another model, vertical or landscape (its user only)."""

    def __init__(self, action: str, job_id: str, label: str = "") -> None:
        super().__init__(
            _button(
                label or follow_up_label("en", action), discord.ButtonStyle.secondary, f"vb:{action}:{job_id}"
            )
        )
        self.action = action
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["action"], match["job"], _label(item))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await follow_up_clicked(interaction, self.job_id, self.action)


class ModelMenu(discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]], template=USE):
    """A menu of models for one kind of video: the one picked becomes the user's usual."""

    def __init__(
        self, task: str, options: Sequence[discord.SelectOption] = (), placeholder: str = ""
    ) -> None:
        select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
            custom_id=f"vb:use:{task}",
            options=list(options) or [_NO_OPTION],
            placeholder=placeholder[:150] or None,
        )
        super().__init__(select)
        self.task = task

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        select = item if isinstance(item, discord.ui.Select) else None
        options = select.options if select is not None else []
        return cls(match["task"], options, (select.placeholder or "") if select is not None else "")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        values = self.item.values
        if values:
            await model_picked(interaction, self.task, values[0])


_NO_OPTION = discord.SelectOption(label="-", value="-")


def _placeholder(lang: Lang, task: str) -> str:
    return pick_placeholder(lang, TaskType(task)) if task in TaskType._value2member_map_ else ""


def _label(item: discord.ui.Item[Any]) -> str:
    """The label a rebuilt button had (a click after a restart brings only the component)."""
    return (item.label or "") if isinstance(item, discord.ui.Button) else ""


def _button(label: str, style: discord.ButtonStyle, custom_id: str) -> discord.ui.Button[discord.ui.View]:
    return discord.ui.Button(label=label[:MAX_LABEL], style=style, custom_id=custom_id)


def reply_view(buttons: Sequence[Button], lang: Lang = "en") -> discord.ui.View | None:
    """A persistent view of the reply's buttons, or ``None`` when it has none Discord can show."""
    view = discord.ui.View(timeout=None)
    menus: dict[str, list[discord.SelectOption]] = {}
    for button in buttons:
        if (
            button.action == "use"
            and button.model_key
            and button.task
            and USE.fullmatch(f"vb:use:{button.task}")
        ):
            label = button.label[:MAX_LABEL]
            menus.setdefault(button.task, []).append(
                discord.SelectOption(label=label, value=button.model_key)
            )
    for task, options in list(menus.items())[:MAX_MENUS]:
        view.add_item(ModelMenu(task, options[:MAX_OPTIONS], _placeholder(lang, task)))
    for button in [b for b in buttons if b.action != "use"][:MAX_BUTTONS]:
        item = _item(button)
        if item is not None:
            view.add_item(item)
    return view if view.children else None


def _item(button: Button) -> discord.ui.Item[Any] | None:
    if button.action == "retry" and button.job_id and button.model_key:
        custom_id = f"{PREFIX}:{button.job_id}:{button.model_key}"
        if TEMPLATE.fullmatch(custom_id) and len(custom_id) <= 100:
            return RetryButton(button.job_id, button.model_key, button.label)
    if (
        button.action in ("go", "stop")
        and button.job_id
        and ANSWER.fullmatch(f"vb:{button.action}:{button.job_id}")
    ):
        return AnswerButton(button.action, button.job_id, button.label)
    follow_up = f"vb:{button.action}:{button.job_id}"
    if button.job_id and FOLLOW_UP.fullmatch(follow_up):
        return FollowUpButton(button.action, button.job_id, button.label)
    if button.action == "cancel" and button.job_id and CANCEL.fullmatch(f"vb:cancel:{button.job_id}"):
        return CancelButton(button.job_id, button.label)
    if button.action == "open" and button.url and button.url.startswith("https://"):
        return discord.ui.Button(
            label=button.label[:MAX_LABEL], url=button.url, style=discord.ButtonStyle.link
        )
    return None
