"""messages/spending.py, goahead.py and admin.py under seed 001's "Never Say to Users" check."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from types import ModuleType

import pytest

import messages.admin as admin
import messages.goahead as goahead
import messages.spending as spending
from messages import Lang
from messages.spending import Amount, Spent
from providers.types import CreditUnit
from tests.messages.test_never_say import (
    LANGS,
    PROMPTS,
    assert_languages,
    assert_never_says,
    public_functions,
)

WHEN = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
AMOUNTS = (
    Amount(Decimal("0.4"), 40, CreditUnit.POINTS),
    Amount(Decimal("0"), 0, CreditUnit.CREDITS),
    Amount(Decimal("1.25")),
)


def _spending(lang: Lang) -> Iterator[tuple[str, str]]:
    for amount in AMOUNTS:
        yield "amount_text", spending.amount_text(lang, amount)
        for scope, period in (("user", "day"), ("user", "month"), ("chat", "day"), ("chat", "month")):
            yield (
                "over_budget",
                spending.over_budget(
                    lang,
                    scope=scope,
                    period=period,
                    cost=amount,
                    left=amount,
                    limit=amount,
                    reset="12-04 00:00",
                ),
            )
        yield (
            "over_budget",
            spending.over_budget(
                lang, scope="user", period="job", cost=amount, left=amount, limit=amount, reset=None
            ),
        )
        for recent in (
            [],
            [Spent(WHEN, "Wan 2.6", amount, state) for state in ("charged", "reserved", "released")],
        ):
            yield "usage_text", spending.usage_text(
                lang, title=None, day=(amount, amount, amount), month=(amount, None, None),
                job_limit=amount, recent=recent,
            )  # fmt: skip
    yield "reset_time", spending.reset_time(lang, WHEN)


def _goahead(lang: Lang) -> Iterator[tuple[str, str]]:
    for unit in CreditUnit:
        yield (
            "ask_cost",
            goahead.ask_cost(
                lang, model="Veo 3.1", credits=140, unit=unit, threshold="$1.00", eta=(120, 300), minutes=5
            ),
        )
        for prompt in (PROMPTS[lang], PROMPTS[lang] * 30):
            yield (
                "ask_words",
                goahead.ask_words(
                    lang, prompt=prompt, model="Wan 2.6", credits=40, unit=unit, eta=(60, 120), minutes=5
                ),
            )
    yield "go_label", goahead.go_label(lang)
    yield "stop_label", goahead.stop_label(lang)
    for expired in (False, True):
        yield "cancelled", goahead.cancelled(lang, expired=expired)
    yield "not_waiting", goahead.not_waiting(lang)


def _admin(lang: Lang) -> Iterator[tuple[str, str]]:
    yield "admins_only", admin.admins_only(lang)
    for bad in (False, True):
        yield "admin_help", admin.admin_help(lang, not_understood=bad)
    for period in ("day", "month", "job"):
        for amount in ("$5.00", None):
            yield "budget_set", admin.budget_set(lang, "feishu:42", period, amount)
    yield "budget_reset", admin.budget_reset(lang, "feishu:42")
    for on in (True, False):
        yield "blocked", admin.blocked(lang, "discord:42", on=on)
        yield "paused", admin.paused(lang, "discord:42", on=on)
        yield "allowed", admin.allowed(lang, "role", "discord:42", on=on)
        for gate in ("open", "allowlist", "off"):
            yield "access_set", admin.access_set(lang, private=on, gate=gate)
    yield "audit_list", admin.audit_list(lang, [])
    yield "audit_list", admin.audit_list(lang, [(WHEN, "feishu:7", "block", "feishu:42", "yes")])
    yield "paused_here", admin.paused_here(lang)
    yield "blocked_you", admin.blocked_you(lang)


RENDERERS = {spending: _spending, goahead: _goahead, admin: _admin}
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
    assert_languages(RENDERED, {"amount_text"})  # "$1.25" alone
