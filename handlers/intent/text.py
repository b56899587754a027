"""Text basics: width folding, mentions, URLs, language, blanks and cutting spans out."""

from __future__ import annotations

import re
import unicodedata

from handlers.intent.types import Lang

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Separators and punctuation a removal can leave dangling (ASCII and full-width), and as a regex class body.
PUNCT_CHARS = " \t\r\n,，、.。!！?？;；:：~～…·-—"
PUNCT = re.escape(PUNCT_CHARS)

_CJK_RE = re.compile(f"[{CJK}\U00020000-\U0002ebef]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_FULL_WIDTH = [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B), 0xFF03, 0xFF0F, 0xFF20]
_FOLD = {code: code - 0xFEE0 for code in _FULL_WIDTH} | {0x3000: 0x20}
# Discord <@123>, Feishu "@_user_1", typed "@videobot"; a non-Latin name only when a space follows.
_MENTION_RE = re.compile(r"<@[!&]?\d+>|(?<!\S)@(?:[A-Za-z0-9_.\-]+|[^\s@]+(?=\s|$))")
_URL_RE = re.compile(r"https://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", re.IGNORECASE)


def fold_width(text: str) -> str:
    """Full-width letters, digits, ``#/@`` and the ideographic space to ASCII (length-preserving)."""
    return text.translate(_FOLD)


def strip_mentions(text: str) -> str:
    return _MENTION_RE.sub(" ", text)


def _trim_url(url: str) -> str:
    url = url.rstrip(".,;:!?'")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(".,;:!?'")
    return url


def extract_urls(text: str) -> tuple[tuple[str, ...], str]:
    """Every https:// URL in order, and the text without them."""
    urls: list[str] = []

    def take(match: re.Match[str]) -> str:
        url = _trim_url(match.group())
        urls.append(url)
        return " " + match.group()[len(url) :]

    rest = _URL_RE.sub(take, text)
    return tuple(urls), rest


def detect_lang(text: str) -> Lang | None:
    """``zh`` if any CJK ideograph, ``en`` if Latin letters, else ``None`` (mentions and URLs ignored)."""
    body = extract_urls(strip_mentions(fold_width(text)))[1]
    if _CJK_RE.search(body):
        return "zh"
    if _LATIN_RE.search(body):
        return "en"
    return None


def is_blank(text: str) -> bool:
    """Only whitespace, punctuation and invisible characters."""
    return all(unicodedata.category(char)[0] in "PZC" for char in text)


def _joins_words(char: str) -> bool:
    return char.isascii() and char.isalnum()


def cut(text: str, start: int, end: int) -> str:
    """``text`` without ``[start, end)``; a space keeps two Latin words apart."""
    left, right = text[:start], text[end:]
    if left and right and _joins_words(left[-1]) and _joins_words(right[0]):
        return f"{left} {right}"
    return left + right


def cut_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without every non-overlapping span."""
    for start, end in sorted(spans, reverse=True):
        text = cut(text, start, end)
    return text
