"""Provider names pin a request; short names need a connecting word."""

from __future__ import annotations

import pytest

from handlers.intent import Generate, SetModel, parse
from handlers.intent.providers import extract_provider


@pytest.mark.parametrize(
    ("text", "provider", "rest"),
    [
        ("用 Media.io 的 Kling 2.6 做一个小狗的视频", "mediaio", "用 Kling 2.6 做一个小狗的视频"),
        ("make a puppy video with Kling 2.6 on MythIQ", "mythiq", "make a puppy video with Kling 2.6"),
        ("via AI Media Studio make a cat", "aims", "make a cat"),
        ("用ima的可灵做一个视频", "ima", "用 可灵做一个视频"),
        ("make a video on IMA Studio of rain", "ima", "make a video of rain"),
        ("a boat using aivideomaker", "aivideomaker", "a boat"),
    ],
)
def test_provider_named(text: str, provider: str, rest: str) -> None:
    assert extract_provider(text) == (provider, rest)


@pytest.mark.parametrize(
    "text",
    ["做一个视频 ima-fail a cat", "an animated image of aims and goals", "the cinema images", "画面 ima"],
)
def test_short_names_inside_other_words_are_not_providers(text: str) -> None:
    assert extract_provider(text)[0] is None


def test_a_pinned_request_and_a_pinned_switch() -> None:
    generate = parse("用 Media.io 的 Kling 2.6 做一个小狗的视频")
    assert isinstance(generate, Generate) and generate.provider == "mediaio"
    assert generate.model is not None and generate.model.key == "kling-2.6" and generate.prompt == "小狗"
    switch = parse("以后都用 MythIQ 的 Wan 2.6")
    assert isinstance(switch, SetModel) and switch.provider == "mythiq" and switch.remember
