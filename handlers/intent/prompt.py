"""The prompt: what is left of a message once request words, model phrases and parameters are out."""

from __future__ import annotations

import re

from handlers.intent.text import PUNCT, PUNCT_CHARS

_ZH_MEASURE = r"(?:一个|一段|一条|一部|一支|个|段|条|部|支)"
_LEADING = re.compile(
    r"^(?:"
    + "|".join(
        (
            # zh: greetings, politeness, "make a ..."
            r"你好|您好|请你?|麻烦你?|帮我|帮忙|给我|替我|我想要|我想|我要|想要",
            r"(?:能不能|可不可以|可以|能否|能)(?=帮|给|请|做|生成|制作|来|画|拍)",
            rf"(?:做|生成|制作|创作|创建|拍|画|来){_ZH_MEASURE}(?:关于)?",
            r"生成|制作|创作|关于|然后|并且|再(?=做|生成|来|画|拍|制作)",
            r"(?:视频|短片|提示词|prompt)\s*[:：,，]|(?:内容|画面)(?:是|为|[:：])",
            # en: greetings, politeness, "make a video of", "animate this"
            r"(?:hi|hello|hey)\b|please\b|pls\b|plz\b|kindly\b|help\s+me(?:\s+to)?\b",
            r"(?:can|could|would|will)\s+(?:you|u)\b(?:\s+please\b)?",
            r"i(?:'d|\s+would)\s+like(?:\s+to\s+(?:see|have|get))?\b|i\s+want(?:\s+to\s+(?:see|have|get))?\b|i\s+need\b",
            r"(?:make|generate|create|produce|render|give|show)(?:\s+me)?\s+(?:an?\s+|one\s+|the\s+)?"
            r"(?:short\s+|quick\s+|little\s+|new\s+)?(?:video|clip|animation|movie)\b"
            r"(?:\s+(?:of|about|showing|where|featuring|with|in\s+which|that\s+shows)\b)?",
            r"(?:an?\s+)?(?:video|clip)\s+(?:of|about|showing|featuring)\b",
            r"(?:video|clip)\s*:",
            r"animate\s+(?:this|it|these|the\s+(?:image|photo|picture|pic)s?)(?:\s+(?:image|photo|picture|pic)s?)?\b",
            r"(?:and|then)\b|to(?=\s+(?:make|generate|create|animate|produce|render)\b)",
        )
    )
    + rf")[{PUNCT}]*",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"(?:(?:的)?(?:短视频|小视频|视频|短片|影片)(?:吧|呀|啊|哦|嘛|哈|呢|吗|么)?"
    r"|好吗|好不好|可以吗|行吗"
    r"|谢谢|谢啦|多谢|\b(?:please|pls|thanks|thank\s+you|thx|for\s+me)"
    r"|(?<=\s)(?:and|then|with|using|via))$",
    re.IGNORECASE,
)
# "make a cat video" -> "cat"
_MAKE_X_VIDEO = re.compile(
    r"^(?:make|generate|create|produce)(?:\s+me)?\s+(?:an?\s+)?(?P<body>.+?)\s+(?:video|clip)$", re.I
)
# Nothing but "animate this" / "让这张图动起来": the handler supplies a motion prompt.
_ANIMATE_ONLY = re.compile(
    r"animate|(?:让|把|将)?(?:它|这张|这个|这幅|此)?(?:图|图片|照片|图像|画面)?"
    r"(?:动起来|(?:做成|变成|转成|生成)(?:视频|动画)?)",
    re.IGNORECASE,
)
_FILLER = re.compile(
    rf"(?:[{PUNCT}]|吧|啊|呢|哦|呀|嘛|了|啦|哈|好的|好|行|可以|一下|试试|试一试|试一下|重试|再试一次|再来一次|"
    r"那就|就|这个|模型|做|来|视频|video|model|ok|okay|please|pls|thanks|try\s+again|try|retry|instead|now"
    r"|不用了?|不要了?|算了|不|no|nope)*",
    re.IGNORECASE,
)
_MAX_PASSES = 8  # real requests need at most four; bounds degenerate input
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|（\s*）|\[\s*\]|【\s*】|「\s*」|“\s*”|\"\s*\"")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_MARK = re.compile(r"\s+([,，、.。!！?？;；:：])")
_REPEATED_SEPARATORS = re.compile(r"([,，、;；])(?:\s*[,，、;；])+")


def tidy(text: str) -> str:
    """Collapse whitespace and separators that removals left behind; strip them from both ends.
    Brackets left empty go, nested ones too, so a tidy text stays as it is: ``tidy(tidy(t)) == tidy(t)``."""
    emptied = 1
    while emptied:
        text, emptied = _EMPTY_BRACKETS.subn("", text)
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_MARK.sub(r"\1", text)
    text = _REPEATED_SEPARATORS.sub(r"\1", text)
    return text.strip(PUNCT_CHARS)


_STRIPS = ((_LEADING, ""), (_TRAILING, ""), (_MAKE_X_VIDEO, r"\g<body>"))


def clean_prompt(text: str) -> str:
    """``text`` without request words ("帮我做一个…的视频", "make a video of") and dangling punctuation."""
    text = tidy(text)
    for _ in range(_MAX_PASSES):
        stripped = text
        for pattern, replacement in _STRIPS:
            stripped, removed = pattern.subn(replacement, stripped, count=1)
            if removed:
                stripped = tidy(stripped)  # else it is tidy already
        if stripped == text:
            break
        text = stripped
    if _ANIMATE_ONLY.fullmatch(text) or _FILLER.fullmatch(text):
        return ""
    return text
