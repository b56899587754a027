"""Small labels shared by every message: credits, ETAs, minutes, traits and task types."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from messages.reply import Lang
from messages.text import Text
from providers.demo import strip_demo_keywords
from providers.types import CreditUnit, TaskType

FREE = Text("免费", "free")
# A paid provider that publishes no price (Media.io) quotes 0: the amount is whatever it bills.
UNPRICED = Text("按平台实际计费", "as billed by the provider")
POINTS = Text("{n} pts", "{n} pts")
CREDITS = Text("{n} 积分", "{n} credits")
ONE_CREDIT = Text("{n} 积分", "{n} credit")
SECONDS_RANGE = Text("{lo} ~ {hi} 秒", "{lo} ~ {hi} s")
SECONDS_ONE = Text("{s} 秒", "{s} s")
MINUTES_RANGE = Text("约 {lo} ~ {hi} 分钟", "about {lo} ~ {hi} min")
MINUTES_ONE = Text("约 {m} 分钟", "about {m} min")
ETA = Text("{seconds}({minutes})", "{seconds} ({minutes})")

TRAITS: dict[str, Text] = {
    "popular": Text("最受欢迎", "most popular"),
    "quality": Text("画质更高", "higher quality"),
    "budget": Text("性价比高", "budget friendly"),
    "fast": Text("速度快", "fast"),
    "audio": Text("带音效", "with audio"),
    "premium": Text("高端画质", "premium quality"),
    "cinematic": Text("电影级质感", "cinematic"),
    "stable": Text("最稳定", "most stable"),
    "general": Text("均衡全能", "well balanced"),
}

TASKS: dict[TaskType, Text] = {
    TaskType.TEXT_TO_VIDEO: Text("文生视频", "text-to-video"),
    TaskType.IMAGE_TO_VIDEO: Text("图生视频", "image-to-video"),
    TaskType.FIRST_LAST_FRAME_TO_VIDEO: Text("首尾帧视频", "first-and-last-frame video"),
    TaskType.REFERENCE_IMAGE_TO_VIDEO: Text("参考图视频", "reference-image video"),
}


def dollars(cents: int) -> str:
    """US cents as money: 23 -> ``$0.23``, 350 -> ``$3.50``."""
    return f"${Decimal(cents) / 100:.2f}"


def _amount(lang: Lang, amount: str, unit: CreditUnit, *, prose: bool) -> str:
    if unit is CreditUnit.FREE:
        return FREE(lang)
    if unit is CreditUnit.USD_CENTS:  # money, shown as money in both languages
        return "~".join(dollars(int(part)) for part in amount.split("~"))
    if unit is CreditUnit.POINTS and not prose:
        return POINTS(lang, n=amount)
    return (ONE_CREDIT if amount == "1" else CREDITS)(lang, n=amount)


def credits_text(lang: Lang, credits: int, unit: CreditUnit) -> str:
    """The cost in bullet lines: ``25 pts``, ``25 credits`` / ``25 积分``, free, or "as billed"."""
    if credits == 0 and unit is not CreditUnit.FREE:
        return UNPRICED(lang)
    return _amount(lang, str(credits), unit, prose=False)


def credits_words(lang: Lang, credits: int, unit: CreditUnit) -> str:
    """The cost in prose: ``25 积分`` / ``25 credits``, free, or "as billed"."""
    if credits == 0 and unit is not CreditUnit.FREE:
        return UNPRICED(lang)
    return _amount(lang, str(credits), unit, prose=True)


def credits_amount(lang: Lang, credits: int, unit: CreditUnit) -> str:
    """An amount of credits in prose, zero included: ``0 积分`` / ``0 credits``."""
    return _amount(lang, str(credits), unit, prose=True)


def credits_range_text(lang: Lang, lo: int, hi: int, unit: CreditUnit) -> str:
    """A price range like ``25~120 pts``; one value when both ends agree; "as billed" when unknown."""
    if hi == 0 and unit is not CreditUnit.FREE:
        return UNPRICED(lang)
    return _amount(lang, str(lo) if lo == hi else f"{lo}~{hi}", unit, prose=False)


def minutes(seconds: int | float) -> str:
    """Seconds as minutes with at most one decimal: 90 -> ``1.5``, 120 -> ``2``."""
    value = (Decimal(str(seconds)) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value:f}".removesuffix(".0")


def minutes_range_text(lang: Lang, min_s: int, max_s: int) -> str:
    """``约 1 ~ 2 分钟`` / ``about 1 ~ 2 min``."""
    if min_s == max_s:
        return MINUTES_ONE(lang, m=minutes(min_s))
    return MINUTES_RANGE(lang, lo=minutes(min_s), hi=minutes(max_s))


def eta_text(lang: Lang, min_s: int, max_s: int) -> str:
    """``60 ~ 120 秒(约 1 ~ 2 分钟)`` / ``60 ~ 120 s (about 1 ~ 2 min)``."""
    seconds = SECONDS_ONE(lang, s=min_s) if min_s == max_s else SECONDS_RANGE(lang, lo=min_s, hi=max_s)
    return ETA(lang, seconds=seconds, minutes=minutes_range_text(lang, min_s, max_s))


def trait_label(lang: Lang, trait: str) -> str:
    """A model's strength in words; an unknown trait reads as ``general``."""
    return TRAITS.get(trait, TRAITS["general"])(lang)


def task_label(lang: Lang, task_type: TaskType) -> str:
    """``文生视频`` / ``text-to-video`` and so on."""
    return TASKS[task_type](lang)


PROMPT_SHOWN_CHARS = 40
# Words that told us what to do, not what to show: which pictures are first, last or references.
_CUES = re.compile(
    r"(?:首尾帧|首帧|尾帧|参考图?|\b(?:first|last)\s+frames?\b|\bfirst\s+and\s+last\b|\breferences?\b)"
    r"(?:\s*(?:是|为|[:：]))?",
    re.IGNORECASE,
)
_LOOSE_PUNCT = re.compile(r"^[\s,，、:：;；.。…-]+|[\s,，、:：;；…-]+$")


def shown_prompt(prompt: str, limit: int = PROMPT_SHOWN_CHARS) -> str:
    """A prompt as we echo it (captions, lists, notes): without the sandbox's demo keywords and our
    frame/reference cue words, cut to ``limit`` characters."""
    text = " ".join(_CUES.sub(" ", strip_demo_keywords(prompt)).split())
    text = re.sub(r"\s*([,，、])\s*(?:[,，、]\s*)+", r"\1 ", text)
    text = _LOOSE_PUNCT.sub("", text) or " ".join(prompt.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
