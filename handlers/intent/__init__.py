"""Intent parsing for chat messages in Chinese and English: pure functions, no I/O.

``parse(text, images)`` turns one message into one :data:`Intent`; ``detect_lang`` tells which
language to answer in.
"""

from handlers.intent.parse import parse
from handlers.intent.text import detect_lang
from handlers.intent.types import (
    Affirm,
    AnotherModel,
    AskStatus,
    CancelJob,
    Choice,
    Deny,
    Empty,
    FollowUp,
    Generate,
    Help,
    Intent,
    Lang,
    ListModels,
    ModelMention,
    Policy,
    ResetPrefs,
    SetModel,
    ShowCredits,
    ShowHistory,
    ShowPrefs,
    ShowUsage,
    UnknownModel,
)

__all__ = [
    "Affirm",
    "AnotherModel",
    "AskStatus",
    "CancelJob",
    "Choice",
    "Deny",
    "Empty",
    "FollowUp",
    "Generate",
    "Help",
    "Intent",
    "Lang",
    "ListModels",
    "ModelMention",
    "Policy",
    "ResetPrefs",
    "SetModel",
    "ShowCredits",
    "ShowHistory",
    "ShowPrefs",
    "ShowUsage",
    "UnknownModel",
    "detect_lang",
    "parse",
]
