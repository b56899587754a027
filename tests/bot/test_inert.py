"""Echoed words stay words: no Feishu mention tag, no masked link survives a send."""

from __future__ import annotations

import pytest

from bot.inert import ZERO_WIDTH_SPACE, inert


@pytest.mark.parametrize(
    "text",
    [
        '<at user_id="all"></at>',
        '<AT user_id="ou_x">Bob</AT>',
        '< at user_id="all">',
        "[click me](https://evil.example/login)",
        "[点我] (https://evil.example)",
    ],
)
def test_mentions_and_masked_links_are_broken(text: str) -> None:
    made = inert(text)
    assert ZERO_WIDTH_SPACE in made and made.replace(ZERO_WIDTH_SPACE, "") == text
    assert "<at" not in made.lower().replace(" ", "") or "<" + ZERO_WIDTH_SPACE in made
    assert "](" not in made.replace(" ", "")


@pytest.mark.parametrize(
    "text",
    ["一只橘猫在雨夜散步", "a < b and [1] is a note", "🔗 https://cdn.example.com/v.mp4", "attach <b>"],
)
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert inert(text) == text
