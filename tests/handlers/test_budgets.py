"""Budgets: the accounting unit, the calendar of days and months, and which limit a charge breaks."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.budgets import (
    Budget,
    Calendar,
    Charge,
    Limits,
    Period,
    Scope,
    credits_millicents,
    judge,
    usd_to_millicents,
)
from providers.types import CreditUnit

NOON = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("provider", "unit", "credits", "expected"),
    [
        ("ima", CreditUnit.POINTS, 25, 25_000),  # 1 point = 1 US cent
        ("aims", CreditUnit.CREDITS, 90, 45_000),  # 1 credit = half a cent
        ("aivideomaker", CreditUnit.CREDITS, 5, 5_000),
        ("sandbox", CreditUnit.FREE, 0, 0),
        ("mediaio", CreditUnit.CREDITS, 0, 777),  # no published price: the per-job maximum
    ],
)
def test_credits_in_one_unit(provider: str, unit: CreditUnit, credits: int, expected: int) -> None:
    assert credits_millicents(provider, unit, credits, unpriced=777) == expected


def test_dollars_in_millicents() -> None:
    assert usd_to_millicents(3.0) == 300_000
    assert usd_to_millicents(0.015) == 1_500
    assert usd_to_millicents(None) is None


def test_days_and_months_start_at_midnight_in_the_budget_zone() -> None:
    utc, shanghai = Calendar(), Calendar(ZoneInfo("Asia/Shanghai"))
    assert utc.start(Period.DAY, NOON) == datetime(2026, 12, 3, tzinfo=UTC)
    assert utc.next_start(Period.DAY, NOON) == datetime(2026, 12, 4, tzinfo=UTC)
    assert utc.start(Period.MONTH, NOON) == datetime(2026, 12, 1, tzinfo=UTC)
    assert utc.next_start(Period.MONTH, NOON) == datetime(2027, 1, 1, tzinfo=UTC)
    # 12:00 UTC is 20:00 in Shanghai: its day began at 16:00 UTC the day before
    assert shanghai.start(Period.DAY, NOON) == datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
    assert shanghai.next_start(Period.DAY, NOON) == datetime(2026, 12, 3, 16, 0, tzinfo=UTC)


def test_a_day_with_a_clock_change_is_still_one_day() -> None:
    berlin = Calendar(ZoneInfo("Europe/Berlin"))
    before_change = datetime(2026, 10, 25, 8, 0, tzinfo=UTC)  # clocks go back at 01:00 UTC
    start, end = berlin.start(Period.DAY, before_change), berlin.next_start(Period.DAY, before_change)
    assert (end - start).total_seconds() == 25 * 3600
    assert end.astimezone(berlin.tz).hour == 0


def _charge(millicents: int, *, chat: str | None = "feishu:oc_team") -> Charge:
    limits = Limits(user_day=300, user_month=1000, chat_day=500, chat_month=None, job=200)
    return Charge(user="feishu:ou_a", chat=chat, millicents=millicents, at=NOON, budget=Budget(limits))


def _limits(charge: Charge) -> dict[tuple[Scope, Period], int | None]:
    limits = charge.budget.limits
    return {(scope, period): limits.of(scope, period) for scope in Scope for period in Period}


def test_a_charge_that_fits_every_window() -> None:
    charge = _charge(100)
    assert judge(charge, {(Scope.USER, Period.DAY): 200}, _limits(charge)) is None


def test_the_per_job_maximum_comes_first() -> None:
    charge = _charge(250)
    over = judge(charge, {}, _limits(charge))
    assert over is not None and over.period is Period.JOB and over.limit == 200 and over.resets_at is None


def test_the_user_day_says_what_is_left_and_when_it_renews() -> None:
    charge = _charge(150)
    over = judge(charge, {(Scope.USER, Period.DAY): 200}, _limits(charge))
    assert over is not None
    assert (over.scope, over.period, over.left, over.cost) == (Scope.USER, Period.DAY, 100, 150)
    assert over.resets_at == datetime(2026, 12, 4, tzinfo=UTC)


def test_the_shared_chat_budget_counts_everyone_in_it() -> None:
    charge = _charge(100)
    over = judge(charge, {(Scope.CHAT, Period.DAY): 450}, _limits(charge))
    assert over is not None and (over.scope, over.period, over.left) == (Scope.CHAT, Period.DAY, 50)


def test_a_direct_message_spends_no_chat_budget() -> None:
    charge = _charge(100, chat=None)
    assert judge(charge, {(Scope.CHAT, Period.DAY): 10_000}, _limits(charge)) is None


def test_no_limit_is_never_exceeded() -> None:
    charge = _charge(100)
    limits = _limits(charge) | {(Scope.USER, Period.DAY): None}
    assert judge(charge, {(Scope.USER, Period.DAY): 10**9}, limits) is None
