"""User words echoed back in a chat must stay words: no mention, no disguised link, on any surface.

Our own texts use neither, so an adapter can neutralise every text it sends: a zero-width space
breaks Feishu's ``<at …>`` tag and the ``[label](url)`` form of a masked link (Feishu text, Discord),
while what people read stays the same. Mentions are off on Discord anyway (``AllowedMentions.none``).
"""

from __future__ import annotations

import re

ZERO_WIDTH_SPACE = "\u200b"
_AT_TAG = re.compile(r"<(\s*/?\s*at\b)", re.IGNORECASE)
_MASKED_LINK = re.compile(r"\](?=\s*\()")


def inert(text: str) -> str:
    """``text`` as written, with any ``<at …>`` tag and ``[label](url)`` link made plain text."""
    text = _AT_TAG.sub("<" + ZERO_WIDTH_SPACE + r"\1", text)
    return _MASKED_LINK.sub("]" + ZERO_WIDTH_SPACE, text)
