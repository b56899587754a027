"""Every Discord-only text, rendered in zh and en, passes the same "Never Say" check as the rest."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest

import messages.platform_discord as d
from messages.reply import Lang
from tests.messages.test_never_say import CJK, LANGS, assert_never_says

DISCORD_DESCRIPTION_LIMIT = 100


def _rendered(lang: Lang) -> Iterator[tuple[str, str]]:
    for command in d.COMMANDS:
        yield "command_description", d.command_description(lang, command)
    for key in d.OPTIONS:
        command, _, option = key.rpartition(" ")
        yield "option_description", d.option_description(lang, command, option)
    yield "not_your_button", d.not_your_button(lang)
    yield "last_frame_needs_image", d.last_frame_needs_image(lang)
    yield "attachment_unreadable", d.attachment_unreadable(lang)
    for cancelled in (False, True):
        yield "status_title", d.status_title(lang, cancelled=cancelled)


RENDERED = [(lang, name, text) for lang in LANGS for name, text in _rendered(lang)]


def test_every_public_function_is_rendered() -> None:
    public = {
        name
        for name, value in vars(d).items()
        if inspect.isfunction(value) and value.__module__ == d.__name__ and not name.startswith("_")
    }
    assert public == {name for _, name, _ in RENDERED}


@pytest.mark.parametrize("lang", LANGS)
def test_never_say(lang: Lang) -> None:
    assert_never_says(RENDERED, lang)


def test_each_language_is_itself() -> None:
    for lang, name, text in RENDERED:
        assert bool(CJK.search(text)) == (lang == "zh"), f"{name}: {text!r}"


def test_descriptions_fit_discord() -> None:
    for _, name, text in RENDERED:
        if name.endswith("_description"):
            assert len(text) <= DISCORD_DESCRIPTION_LIMIT, text
