"""The sandbox's demo keywords (``#fail``, ``#slow``, ...): words of a prompt that steer the offline demo,
never part of the scene. Kept apart from the sandbox so that captions can leave them out cheaply."""

from __future__ import annotations

import re

KEYWORD = re.compile(r"#(fail-policy|fail-busy|fail|slow)(?![\w-])", re.IGNORECASE)


def demo_keywords(prompt: str) -> set[str]:
    """The demo keywords in ``prompt``, lower case and without ``#``: ``{"fail", "slow"}``..."""
    return {match.lower() for match in KEYWORD.findall(prompt)}


def strip_demo_keywords(prompt: str) -> str:
    """``prompt`` without demo keywords, whitespace tidied."""
    return " ".join(KEYWORD.sub(" ", prompt).split())
