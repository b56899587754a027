"""Provider names in a message ("用 Media.io 的 Kling 2.6", "Kling 2.6 on MythIQ"): a pin for this request.

Distinctive names count anywhere. Short ones that also occur inside other words or demo keywords
("ima", "aims") count only with a connecting word: "on/via/from/through/using ima", "ima 的", "在 ima 上".
"""

from __future__ import annotations

import re

from handlers.intent.gates import any_of

_DISTINCT: dict[str, str] = {
    "ima": r"ima\s*studio",
    "mediaio": r"media\.?io",
    "aivideomaker": r"ai\s*video\s*maker",
    "aims": r"ai\s*media\s*studio",
    "mythiq": r"myth\s*iq",
}
_SHORT: dict[str, str] = {"ima": "ima", "aims": "aims"}
_BEFORE_EN = r"(?:(?:on|via|from|through|using|at)\s+)"  # consumed with the name
_BEFORE_ZH = r"(?:(?<=用)|(?<=在)|(?<=走)|(?<=用 )|(?<=在 )|(?<=走 ))"  # kept: "用" belongs to "以后都用 X"
_AFTER = r"(?:\s*(?:的|上的|上|家的))"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    *(
        (provider, re.compile(rf"{_BEFORE_EN}?(?<![a-z])(?:{word})(?![a-z]){_AFTER}?", re.IGNORECASE))
        for provider, word in _DISTINCT.items()
    ),
    *(
        (provider, re.compile(rf"(?:{_BEFORE_EN}|{_BEFORE_ZH})(?<![a-z]){word}(?![a-z\-]){_AFTER}?", re.I))
        for provider, word in _SHORT.items()
    ),
    *(
        (provider, re.compile(rf"(?<![a-z\-]){word}{_AFTER}", re.IGNORECASE))
        for provider, word in _SHORT.items()
    ),
)
_GATE = any_of(("ima", "media", "maker", "myth", "aims"))  # every pattern above needs one of these words


def extract_provider(text: str) -> tuple[str | None, str]:
    """The provider named in ``text`` (our provider key) and the text without it."""
    for provider, pattern in _PATTERNS if _GATE.search(text) else ():
        match = pattern.search(text)
        if match:
            rest = f"{text[: match.start()]} {text[match.end() :]}"
            return provider, re.sub(r"\s+", " ", rest).strip()
    return None, text
