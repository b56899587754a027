"""messages/control.py and overview.py (cancel, status, history) under seed 001's "Never Say" check."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest

import messages.control as control
import messages.overview as overview
from messages import Lang
from messages.control import CancelOutcome
from messages.overview import Outcome, Past, Phase, Running
from messages.progress import progress_bar
from providers.types import CreditUnit
from tests.messages.test_never_say import (
    LANGS,
    PROMPTS,
    assert_languages,
    assert_never_says,
    public_functions,
)


def _control(lang: Lang) -> Iterator[tuple[str, str]]:
    for outcome in CancelOutcome:
        for unit in CreditUnit:
            yield (
                "cancel_outcome",
                control.cancel_outcome(
                    lang, outcome, prompt=PROMPTS[lang] * 5, model="Wan 2.6", credits=40, unit=unit
                ),
            )
    yield "nothing_to_cancel", control.nothing_to_cancel(lang)
    yield "which_to_cancel", control.which_to_cancel(lang, [(PROMPTS[lang], "Wan 2.6"), ("x", "Kling O1")])
    yield "cancel_label", control.cancel_label(lang)
    yield "cancel_label", control.cancel_label(lang, 2)
    yield "cancelling_toast", control.cancelling_toast(lang)
    yield "queued_notice", control.queued_notice(lang, position=2, bullets=["• x"])
    yield "queue_full", control.queue_full(lang, working=2, queued=3)
    for action in ("again", "another", "vertical", "landscape"):
        yield "follow_up_label", control.follow_up_label(lang, action)
    yield "nothing_to_follow", control.nothing_to_follow(lang)


def _overview(lang: Lang) -> Iterator[tuple[str, str]]:
    running = [Running(PROMPTS[lang], "Wan 2.6", phase, 62, 75, 120, 2) for phase in Phase]
    yield "status_text", overview.status_text(lang, running)
    past = [
        Past(PROMPTS[lang], "Wan 2.6", outcome, 40, unit, "12-03 14:05", "https://cdn.example/v.mp4")
        for outcome in Outcome
        for unit in CreditUnit
    ]
    yield "history_text", overview.history_text(lang, past)
    yield "history_text", overview.history_text(lang, [])
    yield "shown_again", overview.shown_again(lang, prompt=PROMPTS[lang], model="Wan 2.6")
    yield "not_showable", overview.not_showable(lang)
    yield "no_such_video", overview.no_such_video(lang, 12)


RENDERERS = {control: _control, overview: _overview}
RENDERED = [
    (lang, name, text) for lang in LANGS for render in RENDERERS.values() for name, text in render(lang)
]


@pytest.mark.parametrize("module", RENDERERS)
def test_every_public_text_function_is_rendered(module: ModuleType) -> None:
    assert public_functions(module) == {name for name, _ in RENDERERS[module]("en")}


@pytest.mark.parametrize("lang", LANGS)
def test_never_say(lang: Lang) -> None:
    assert_never_says(RENDERED, lang)


def test_english_texts_hold_no_chinese_and_chinese_texts_are_chinese() -> None:
    assert_languages(RENDERED, set())


def test_the_progress_bar_fills_with_the_percentage() -> None:
    assert progress_bar(0) == "▱" * 10
    assert progress_bar(62) == "▰" * 6 + "▱" * 4
    assert progress_bar(95) == "▰" * 9 + "▱"
    assert progress_bar(100) == "▰" * 10
