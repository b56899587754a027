"""What the conversation hands an adapter to show: a neutral reply, rendered per platform."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

Lang = Literal["zh", "en"]


class ReplyKind(StrEnum):
    """What a reply is, so each platform can render it with its best means."""

    TEXT = "text"  # any plain answer (help, lists, preferences, notes)
    NOTICE = "notice"  # protocol step 1: the pre-notification (becomes the job's status message)
    PROGRESS = "progress"  # protocol step 2: edits the status message where the platform can
    VIDEO = "video"  # protocol step 3.1: the playable video with its caption
    LINK = "link"  # protocol step 3.2: the link as text
    FAILURE = "failure"  # protocol step 4: the translated reason and alternatives
    QUESTION = "question"  # before step 1: a go-ahead asked, with "make it" / "cancel" buttons
    CANCELLED = "cancelled"  # the status message's last state when its user called the job off


class Selection(StrEnum):
    """Why a model was chosen; it changes the words of the pre-notification."""

    DEFAULT = "default"  # the recommended default
    PREFERENCE = "preference"  # the user's remembered model
    EXPLICIT = "explicit"  # named in the message
    BEST = "best"  # "用最好的 / best quality"
    CHEAPEST = "cheapest"  # "用便宜的 / cheapest"


class Button(BaseModel):
    """An action under a reply: retry a job with another model, open the video, answer a go-ahead
    question (``go`` / ``stop`` a job that waits for it), ``cancel`` a job in progress, or follow a
    finished video up (``again``, ``another`` model, ``vertical`` / ``landscape``), or ``use`` a model
    from now on for ``task`` (one choice of a pick list: platforms that have menus show them as one)."""

    model_config = ConfigDict(frozen=True)

    label: str
    action: Literal[
        "retry", "open", "go", "stop", "cancel", "again", "another", "vertical", "landscape", "use"
    ]
    job_id: str | None = None
    model_key: str | None = None
    url: str | None = None
    task: str | None = None  # the task type a ``use`` choice is for


class Reply(BaseModel):
    """One message to the user. ``job_id``+``kind`` let adapters edit a job's status message."""

    model_config = ConfigDict(frozen=True)

    kind: ReplyKind
    text: str
    job_id: str | None = None
    video_url: str | None = None
    cover_url: str | None = None
    duration_s: float | None = None
    buttons: tuple[Button, ...] = ()
    percent: int | None = None  # a progress update's P, for platforms that draw a bar
