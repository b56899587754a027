"""Video parameters said in words (duration, aspect ratio, resolution), taken out of the text.

Documented choices: the first duration wins and only it is removed (a later "3秒后" may be content);
every aspect and resolution phrase is removed and the first one wins. "Ns" for a decade ("80s",
"90s") is not a duration. Orientation words that are also ordinary words ("landscape", "portrait",
"square", 方形) count only next to a format word ("landscape mode", "方形视频") or as a clause of
their own ("a cat, vertical").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from handlers.intent.gates import Gated, any_of
from handlers.intent.text import cut_spans
from providers.types import VideoParams

T = TypeVar("T", int, str)

_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_NUMBER = r"[二三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九]"
_EN_WORDS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
)  # fmt: skip
_EN_NUMBERS = {word: value for value, word in enumerate(_EN_WORDS, start=1)}
_RATIOS = {"9:16", "16:9", "1:1", "4:3", "3:4", "21:9"}
_ORIENTATION = {
    "竖屏": "9:16", "竖版": "9:16", "横屏": "16:9", "横版": "16:9", "宽屏": "16:9",
    "vertical": "9:16", "portrait": "9:16",
    "horizontal": "16:9", "landscape": "16:9", "widescreen": "16:9",
    "square": "1:1", "方形": "1:1", "正方形": "1:1",
}  # fmt: skip
_CLAUSE_EDGE = r"[\s,，、;；。.!！?？]"

_ZH_DURATION = Gated(
    re.compile(
        rf"(?:(?:时长|长度)(?:为|是|[:：])?\s*)?(?<![\d.第一二两三四五六七八九十])(?P<n>\d{{1,3}}|{_ZH_NUMBER})\s*秒钟?(?:的|长)?"
    ),
    any_of(("秒",)),
)
_EN_DURATION = Gated(
    re.compile(
        r"(?:\b(?:for|of|in|about|around|lasting|duration(?:\s+of)?)\s*[:：]?\s*)?"
        rf"(?<![A-Za-z0-9.])(?:(?P<n>\d{{1,3}})[\s-]*(?P<unit>s|secs?|seconds?)|(?P<w>{'|'.join(_EN_WORDS)})"
        r"[\s-]+(?:secs?|seconds?))(?![A-Za-z0-9])(?:\s+long)?",
        re.IGNORECASE,
    ),
    re.compile(r"\d|sec", re.IGNORECASE),  # a number, or a number word before "sec"
)
_RATIO = Gated(
    re.compile(
        r"(?:(?:(?:画面|视频)?比例|画幅|(?:aspect\s+)?ratio)\s*(?:为|是|of|[:：])?\s*|\bin\s+)?"
        r"(?<![\d.])(?P<a>\d{1,2})\s*[:：]\s*(?P<b>\d{1,2})(?![\d.])"
        r"(?:\s*(?:的|比例|画幅|format|aspect\s+ratio|ratio))?",
        re.IGNORECASE,
    ),
    any_of((":", "：")),
)
_ZH_ORIENTATION = re.compile(r"(?P<w>竖屏|竖版|横屏|横版|宽屏)(?:模式|比例|画幅|格式)?(?:的)?")
_ZH_SQUARE = Gated(
    re.compile(
        r"(?P<w>正?方形)(?:(?:比例|尺寸|画幅|格式|构图|画面)的?|的?(?=视频|短片))"
        rf"|(?:^|(?<={_CLAUSE_EDGE}))(?P<alone>正?方形)的?(?=\s*(?:{_CLAUSE_EDGE}|$))"
    ),
    any_of(("方形",)),
)
_EN_ORIENTATION = Gated(
    re.compile(
        r"(?P<pre>\bin\s+)?\b(?P<w>vertical|portrait|horizontal|landscape|widescreen|square)"
        r"(?P<fmt>[\s-]+(?:mode|format|orientation|aspect(?:\s+ratio)?|ratio|screen))?\b",
        re.IGNORECASE,
    ),
    any_of(("vertical", "portrait", "horizontal", "landscape", "widescreen", "square")),
)
_EN_VIDEO_AFTER = re.compile(r"[\s-]+(?:video|clip|shot)\b", re.IGNORECASE)
_RESOLUTION = Gated(
    re.compile(
        r"(?:(?:分辨率|清晰度|resolution)\s*(?:为|是|[:：])?\s*|\b(?:in|at)\s+)?"
        r"(?<![A-Za-z0-9])(?P<r>(?:480|540|720|768|1080)\s*p|4\s*k)(?![A-Za-z0-9])(?:\s*(?:的|分辨率|resolution))?",
        re.IGNORECASE,
    ),
    re.compile("[0-9]"),  # every resolution is written with digits
)


def _zh_number(word: str) -> int:
    if "十" not in word:
        return _ZH_DIGITS[word]
    tens, _, ones = word.partition("十")
    return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[ones] if ones else 0)


def _zh_duration(match: re.Match[str]) -> int | None:
    number = match["n"]
    seconds = int(number) if number.isdigit() else _zh_number(number)
    return seconds or None


def _en_duration(match: re.Match[str]) -> int | None:
    if match["w"]:
        return _EN_NUMBERS[match["w"].lower()]
    seconds = int(match["n"])
    is_decade = match["unit"].lower() == "s" and seconds >= 20 and seconds % 10 == 0 and seconds < 100
    return None if is_decade or not seconds else seconds


def _ratio(match: re.Match[str]) -> str | None:
    ratio = f"{int(match['a'])}:{int(match['b'])}"
    return ratio if ratio in _RATIOS else None


def _zh_orientation(match: re.Match[str]) -> str:
    return _ORIENTATION[match["w"] or match["alone"]]


def _is_alone(match: re.Match[str]) -> bool:
    text = match.string
    before, after = text[: match.start()].rstrip(), text[match.end() :].lstrip()
    return (not before or before[-1] in ",，、;；。.!！?？") and (
        not after or after[0] in ",，、;；。.!！?？"
    )


def _en_orientation(match: re.Match[str]) -> str | None:
    word = match["w"].lower()
    formatted = bool(match["fmt"]) or word == "widescreen" or _EN_VIDEO_AFTER.match(match.string, match.end())
    return _ORIENTATION[word] if formatted or _is_alone(match) else None


def _resolution(match: re.Match[str]) -> str:
    return re.sub(r"\s+", "", match["r"]).lower()


def _take(
    text: str,
    rules: list[tuple[Gated | re.Pattern[str], Callable[[re.Match[str]], T | None]]],
    remove_all: bool,
) -> tuple[T | None, str]:
    """The first value any rule reads, and the text without its phrase (or without every phrase)."""
    found: list[tuple[int, int, T]] = []
    for pattern, read in rules:
        for match in pattern.finditer(text):
            value = read(match)
            if value is not None and match.end() > match.start():
                found.append((match.start(), match.end(), value))
    kept: list[tuple[int, int, T]] = []
    for item in sorted(found, key=lambda item: item[0]):
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    if not kept:
        return None, text
    removed = kept if remove_all else kept[:1]
    return kept[0][2], cut_spans(text, [(start, end) for start, end, _ in removed])


def extract_params(text: str) -> tuple[VideoParams, str]:
    """Duration, aspect ratio and resolution said in ``text``, and the text without them."""
    duration, text = _take(
        text, [(_ZH_DURATION, _zh_duration), (_EN_DURATION, _en_duration)], remove_all=False
    )
    aspect, text = _take(
        text,
        [(_RATIO, _ratio), (_ZH_ORIENTATION, _zh_orientation), (_ZH_SQUARE, _zh_orientation),
         (_EN_ORIENTATION, _en_orientation)],
        remove_all=True,
    )  # fmt: skip
    resolution, text = _take(text, [(_RESOLUTION, _resolution)], remove_all=True)
    return VideoParams(duration=duration, aspect_ratio=aspect, resolution=resolution), text
