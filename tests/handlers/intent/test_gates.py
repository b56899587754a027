"""The gates change no answer: each gated pattern finds what it finds ungated, names are found where the
one long pattern finds them, and the prompt is cleaned as before (texts made of the words they look for)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.intent import names, params, preferences, prompt, providers
from handlers.intent.gates import Gated, any_of, starts_of

WORDS = (
    # model names and family words, and words they hide in
    "kling", "Kling O1", "klingo1", "kling-v2-6", "可灵", "海螺", "hailuo 02", "wan", "Wan 2.6", "万相",
    "veo3.1", "Google Veo", "sora 2 pro", "vidu q2", "pixverse v5", "seedance", "doubao", "minimax",
    "swan", "wander", "vidual", "2.6", "3", "v", "o1", "\u212a", "\u017f", "İ",
    # policies and the words around a choice
    "best", "the best model", "highest quality", "max-quality", "cheapest", "cheap", "cheaper model",
    "budget", "least expensive", "lowest price", "最好", "最好的模型", "最便宜", "便宜点", "质量最好",
    "画质", "最", "use", "with", "switch to", "always", "this time", "用", "以后都用", "换成", "模型",
    # providers
    "ima", "IMA Studio", "media.io", "mediaio", "ai video maker", "AI Media Studio", "mythiq", "myth iq",
    "aims", "on", "via", "的", "上", "在",
    # parameters
    "10s", "80s", "10 秒", "十秒", "five seconds", "9:16", "16：9", "ratio", "竖屏", "方形", "正方形",
    "square", "vertical", "landscape mode", "portrait", "1080p", "4k", "720 p", "in", "٣", "sec",
    # request words, punctuation, brackets
    "make a video of", "make a", "video", "帮我做一个", "视频", "a puppy", "please", "thanks", "吧",
    "animate this", "(", ")", "（", "）", "【", "】", "「", "」", '"', ",", "，", "。", "、", ";", " ",
    "  ", "-", "\t",
)  # fmt: skip
texts = st.lists(st.sampled_from(WORDS), max_size=14).map("".join)
GATED = [
    value
    for module in (names, params, preferences, prompt, providers)
    for value in vars(module).values()
    if isinstance(value, Gated)
]


def _spans(matches: object) -> list[tuple[int, int]]:
    return [match.span() for match in matches]  # type: ignore[attr-defined]


def test_the_gated_patterns_are_found() -> None:
    assert len(GATED) >= 7  # params' five, best and cheapest


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_a_gate_changes_no_match(text: str) -> None:
    for gated in GATED:
        ungated = gated.pattern.search(text)
        found = gated.search(text)
        assert (found and found.span()) == (ungated and ungated.span()), gated.pattern.pattern[:60]
        assert _spans(gated.finditer(text)) == _spans(gated.pattern.finditer(text))


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_names_are_found_where_the_whole_pattern_finds_them(text: str) -> None:
    found = [(name.start, name.end) for name in names.find_model_names(text)]
    assert found == _spans(names._NAMES_RE.finditer(text))


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_a_provider_is_found_as_without_the_gate(text: str) -> None:
    expected: tuple[str | None, str] = (None, text)
    for provider, pattern in providers._PATTERNS:
        if match := pattern.search(text):
            rest = f"{text[: match.start()]} {text[match.end() :]}"
            expected = (provider, re.sub(r"\s+", " ", rest).strip())
            break
    assert providers.extract_provider(text) == expected


def _clean_every_step(text: str) -> str:
    """clean_prompt as it was: every step tidied, changed or not."""
    text = prompt.tidy(text)
    for _ in range(prompt._MAX_PASSES):
        stripped = prompt._LEADING.sub("", text, count=1)
        stripped = prompt._TRAILING.sub("", prompt.tidy(stripped), count=1)
        stripped = prompt.tidy(prompt._MAKE_X_VIDEO.sub(r"\g<body>", prompt.tidy(stripped)))
        if stripped == text:
            break
        text = stripped
    if prompt._ANIMATE_ONLY.fullmatch(text) or prompt._FILLER.fullmatch(text):
        return ""
    return text


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_a_tidy_text_stays_tidy_and_the_prompt_is_cleaned_as_before(text: str) -> None:
    assert prompt.tidy(prompt.tidy(text)) == prompt.tidy(text)
    assert prompt.clean_prompt(text) == _clean_every_step(text)


@pytest.mark.parametrize(("text", "tidied"), [("a ( ( ) ) b", "a b"), ("[“”] cat", "cat"), ("【（）】", "")])
def test_nested_empty_brackets_go_at_once(text: str, tidied: str) -> None:
    assert prompt.tidy(text) == tidied


def test_a_gate_is_a_cheap_look_first() -> None:
    gated = Gated(re.compile(r"(?:very\s+)?best\b"), any_of(["best"]))
    assert gated.search("the very best") is not None
    assert gated.search("the worst") is None
    assert list(gated.finditer("no")) == []
    assert [m.start() for m in starts_of(["ab", "b"]).finditer("xabb")] == [1, 2, 3]
