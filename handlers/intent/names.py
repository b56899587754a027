"""Model names as users type them: every spec alias and family word, found with word boundaries.

Matching ignores case and spaces/hyphens/underscores between name parts ("Kling O1", "kling-o1",
"klingo1"), accepts an optional "v" before a version ("kling v2.6"), and never matches inside a
Latin word ("swan", "wander", "vidual"). A family word followed by a version we do not know
("kling 3", "可灵3.0") is not a match: it names a model we do not have.

Every name begins with its first word, so the one long pattern is tried only where one of those
words begins (:mod:`handlers.intent.gates`), not at every character of the message.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from handlers.intent.gates import starts_of
from handlers.intent.text import CJK
from handlers.intent.types import ModelMention
from providers.specs import FAMILY_ALIASES, SPECS

_TOKEN_RE = re.compile(rf"[a-z]+|\d+(?:\.\d+)*|[{CJK}]+")
_SEP = r"[\s\-_]"


@dataclass(frozen=True)
class NameMatch:
    """A model name found at ``text[start:end]``."""

    start: int
    end: int
    mention: ModelMention


def _tokens(alias: str) -> tuple[str, ...]:
    tokens = _TOKEN_RE.findall(alias.lower())
    is_version_v = [
        tok == "v" and i + 1 < len(tokens) and tokens[i + 1][0].isdigit() for i, tok in enumerate(tokens)
    ]
    return tuple(tok for tok, drop in zip(tokens, is_version_v, strict=True) if not drop)


def _pattern(tokens: tuple[str, ...], family: bool) -> str:
    parts = [re.escape(tokens[0])]
    for previous, token in itertools.pairwise(tokens):
        if token[0].isdigit():
            separator = rf"{_SEP}+" if previous[0].isdigit() else rf"{_SEP}*(?:v{_SEP}*)?"
        else:
            separator = rf"{_SEP}*"
        parts.append(separator + re.escape(token))
    head = r"(?<![A-Za-z0-9])" if tokens[0][0].isascii() else ""
    tail = r"(?![A-Za-z0-9])(?!\.\d)" if tokens[-1][-1].isascii() else ""
    if family:
        tail += rf"(?!{_SEP}*(?:v{_SEP}*)?\d)"
    return head + "".join(parts) + tail


def _table() -> list[tuple[tuple[str, ...], ModelMention]]:
    """Alias tokens -> what they name (text left empty), longest alias first."""
    table: dict[tuple[str, ...], ModelMention] = {}
    for spec in SPECS:
        for alias in (spec.key, spec.name, *spec.aliases):
            table.setdefault(_tokens(alias), ModelMention(key=spec.key, family=None, text=""))
    for family, words in FAMILY_ALIASES.items():
        for word in words:
            table.setdefault(_tokens(word), ModelMention(key=None, family=family, text=""))
    return sorted(table.items(), key=lambda item: (-len("".join(item[0])), -len(item[0])))


_TABLE = _table()
_NAMES_RE = re.compile(
    "|".join(
        f"(?P<n{index}>{_pattern(tokens, mention.key is None)})"
        for index, (tokens, mention) in enumerate(_TABLE)
    ),
    re.IGNORECASE,
)
_STARTS = starts_of(tokens[0] for tokens, _ in _TABLE)  # each alternative above begins with its first token


def find_model_names(text: str) -> list[NameMatch]:
    """Every model name in ``text``, left to right; at one place the longest name wins."""
    found: list[NameMatch] = []
    end = 0
    for start in _STARTS.finditer(text):
        match = _NAMES_RE.match(text, start.start()) if start.start() >= end else None
        if match is None:
            continue
        end = match.end()
        assert match.lastgroup is not None
        named = _TABLE[int(match.lastgroup[1:])][1]
        mention = ModelMention(key=named.key, family=named.family, text=match.group())
        found.append(NameMatch(match.start(), match.end(), mention))
    return found
