"""messages/web.py under seed 001's "Never Say" check: what a person reads in the web chat (the page's
labels, the greeting, the answers to a photo we cannot take or a missing access link). The lines for
operators (the address printed at start, the console's own labels) name settings on purpose."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import messages.web as web
from messages import Lang, help_text
from tests.messages.test_never_say import LANGS, assert_languages, assert_never_says, public_functions

FOR_OPERATORS = {"web_started", "console_at", "console_locked", "console_strings"}


def _web(lang: Lang) -> Iterator[tuple[str, str]]:
    for name, label in web.page_strings(lang, max_photo_mb=20).items():
        yield f"page_strings.{name}", label
    for offline in (True, False):
        yield "web_welcome", web.web_welcome(lang, help_text(lang), offline=offline)
    yield "needs_link", web.needs_link(lang)
    yield "not_a_picture", web.not_a_picture(lang)


RENDERED = [(lang, name, text) for lang in LANGS for name, text in _web(lang)]


def test_every_public_text_function_is_rendered_or_for_operators() -> None:
    rendered = {name.split(".")[0] for _, name, _ in RENDERED}
    assert public_functions(web) == rendered | FOR_OPERATORS


@pytest.mark.parametrize("lang", LANGS)
def test_never_say(lang: Lang) -> None:
    assert_never_says(RENDERED, lang)


def test_english_texts_hold_no_chinese_and_chinese_texts_are_chinese() -> None:
    assert_languages(RENDERED, {"page_strings.bot"})  # "videobot" in both
