"""The intents a chat message can carry, as frozen values."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, TypeAlias

from providers.types import ImageInput, TaskType, VideoParams

Lang = Literal["zh", "en"]


class Policy(StrEnum):
    """A model chosen by a rule instead of by name."""

    CHEAPEST = "cheapest"
    BEST = "best"


@dataclass(frozen=True)
class ModelMention:
    """A model the user named. Exactly one of ``key`` (a spec key: a specific model) and ``family``
    (a ``FAMILY_ALIASES`` key: only a family word) is set; ``text`` is the name as typed."""

    key: str | None
    family: str | None
    text: str


@dataclass(frozen=True)
class Generate:
    """Make a video. ``prompt`` may be empty (images only: the handler supplies a motion prompt)."""

    prompt: str
    task_type: TaskType
    images: tuple[ImageInput, ...] = ()
    params: VideoParams = field(default_factory=VideoParams)
    model: ModelMention | None = None
    policy: Policy | None = None
    remember: bool = False
    provider: str | None = None  # a provider named for this request ("用 Media.io 的 Kling 2.6")
    # the message asked for a video (handlers.intent.cues); else we ask first. Not part of equality.
    asked: bool = field(default=True, compare=False)


@dataclass(frozen=True)
class SetModel:
    """Switch model (by name or policy) without a video request; ``remember`` saves it as preference."""

    model: ModelMention | None = None
    policy: Policy | None = None
    remember: bool = False
    provider: str | None = None


@dataclass(frozen=True)
class UnknownModel:
    """ "用 FooBar" / "use foobar" where FooBar is no model we know."""

    name: str


@dataclass(frozen=True)
class AnotherModel:
    """换个模型 / try another model."""


@dataclass(frozen=True)
class Choice:
    """A pick from a list the bot showed; ``index`` is 1-based, as typed."""

    index: int


@dataclass(frozen=True)
class Affirm:
    """Yes / ok / retry."""


@dataclass(frozen=True)
class Deny:
    """No / never mind."""


@dataclass(frozen=True)
class CancelJob:
    """Cancel / stop (取消 / 停止): call off the video in progress (or answer a question with no)."""


@dataclass(frozen=True)
class Help:
    """Help, a greeting or thanks."""


@dataclass(frozen=True)
class ListModels:
    """Which models are there?"""


@dataclass(frozen=True)
class ShowPrefs:
    """Which model do I use now?"""


@dataclass(frozen=True)
class ResetPrefs:
    """Forget my preferences."""


@dataclass(frozen=True)
class ShowCredits:
    """How many credits are left (余额 / credits)?"""


@dataclass(frozen=True)
class ShowUsage:
    """What have I spent, what is left, my last videos (我的用量 / my usage / history)?"""


@dataclass(frozen=True)
class FollowUp:
    """Again / vertical / landscape: the last finished video made again, as it was or reshaped."""

    action: str  # "again", "vertical" or "landscape"


@dataclass(frozen=True)
class ShowHistory:
    """My last videos (我的视频 / history), to see one again."""


@dataclass(frozen=True)
class AskStatus:
    """How is my video doing (进度 / status)?"""


@dataclass(frozen=True)
class Empty:
    """Nothing but whitespace, punctuation or a mention."""


Intent: TypeAlias = (
    Generate
    | SetModel
    | UnknownModel
    | AnotherModel
    | Choice
    | Affirm
    | Deny
    | CancelJob
    | ShowHistory
    | FollowUp
    | Help
    | ListModels
    | ShowPrefs
    | ResetPrefs
    | ShowCredits
    | ShowUsage
    | AskStatus
    | Empty
)
