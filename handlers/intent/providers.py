"""Provider names in a message ("用 Media.io 的 Kling 2.6", "Kling 2.6 on MythIQ"): a pin for this request."""

from __future__ import annotations

import re

# Words users type for each provider, most specific first. "ima" only as a whole word.
_NAMES: dict[str, tuple[str, ...]] = {
    "ima": (r"ima\s*studio", r"(?<![a-z])ima(?![a-z])"),
    "mediaio": (r"media\.?io",),
    "aivideomaker": (r"ai\s*video\s*maker",),
    "aims": (r"ai\s*media\s*studio", r"(?<![a-z])aims(?![a-z])"),
    "mythiq": (r"myth\s*iq",),
}
_CONNECTIVE_BEFORE = r"(?:(?:on|via|from|through|at|using)\s+)?"
_CONNECTIVE_AFTER = r"(?:\s*(?:的|上的|上|家的))?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (provider, re.compile(rf"{_CONNECTIVE_BEFORE}(?:{word}){_CONNECTIVE_AFTER}", re.IGNORECASE))
    for provider, words in _NAMES.items()
    for word in words
)


def extract_provider(text: str) -> tuple[str | None, str]:
    """The provider named in ``text`` (our provider key) and the text without it."""
    for provider, pattern in _PATTERNS:
        match = pattern.search(text)
        if match:
            rest = f"{text[: match.start()]} {text[match.end() :]}"
            return provider, re.sub(r"\s+", " ", rest).strip()
    return None, text
