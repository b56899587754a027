"""messages/platform_feishu.py under seed 001's "Never Say to Users" check, in both languages."""

from __future__ import annotations

import inspect

import pytest

import messages.platform_feishu as feishu
from messages import Lang
from tests.messages.test_never_say import CJK, FORBIDDEN, LANGS


def rendered(lang: Lang) -> dict[str, str]:
    """Every public text function of the module, rendered."""
    return {
        name: function(lang)
        for name, function in inspect.getmembers(feishu, inspect.isfunction)
        if function.__module__ == feishu.__name__ and not name.startswith("_")
    }


def test_every_function_is_rendered() -> None:
    assert len(rendered("zh")) == 13


@pytest.mark.parametrize("lang", LANGS)
def test_never_say(lang: Lang) -> None:
    for name, text in rendered(lang).items():
        assert text.strip(), name
        for pattern in FORBIDDEN:
            found = pattern.search(text)
            assert found is None, f"{name} says {found.group()!r}: {text!r}"
        assert bool(CJK.search(text)) == (lang == "zh"), f"{name}: {text!r}"
