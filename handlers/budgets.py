"""Budgets: how much each person and each shared chat may spend, in one accounting unit.

The unit is the **millicent** (1/1000 of a US cent), an integer: every provider's credits are
converted with the per-credit prices documented in :mod:`providers.routing`, so an IMA point, an
AIVideoMaker credit and an AI Media Studio credit add up. People see amounts in the unit their prices
are shown in (see :class:`messages.spending.Amount`).

A job's cost is **reserved** when it is admitted (one ledger transaction with the admission),
**charged** once the provider's task exists and **released** when none was created. The ledger keeps
one spend row per job and moves it with the job (:func:`spend_of`); nothing about money lives in memory.

Limits: per user and per shared chat (a Feishu group, a Discord server), per day and per month, and a
per-job maximum. Days and months start at midnight in the budget's time zone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from handlers.inbound import ChatRef
from providers.routing import cents
from providers.types import CreditUnit, Quote

UTC_ZONE = ZoneInfo("UTC")
MILLICENTS_PER_CENT = 1000
MILLICENTS_PER_USD = 100 * MILLICENTS_PER_CENT


class Period(StrEnum):
    DAY = "day"
    MONTH = "month"
    JOB = "job"  # the per-job maximum


class Scope(StrEnum):
    USER = "user"
    CHAT = "chat"


class SpendState(StrEnum):
    RESERVED = "reserved"  # admitted; no task yet (or one that may exist: an uncertain create)
    CHARGED = "charged"  # the provider's task exists
    RELEASED = "released"  # no task was created: nothing spent


def usd_to_millicents(usd: float | None) -> int | None:
    return None if usd is None else round(usd * MILLICENTS_PER_USD)


def quote_millicents(quote: Quote, *, unpriced: int) -> int:
    """What a quote costs in millicents (see :func:`credits_millicents`)."""
    return credits_millicents(quote.provider, quote.unit, quote.credits, unpriced=unpriced)


def credits_millicents(provider: str, unit: CreditUnit, credits: int, *, unpriced: int) -> int:
    """``credits`` of ``provider`` in millicents. A paid provider that publishes no price (Media.io
    quotes 0) counts as ``unpriced`` (the per-job maximum): never free by accident."""
    if unit is CreditUnit.FREE:
        return 0
    if credits <= 0:
        return unpriced
    return math.ceil(cents(provider, unit, credits) * MILLICENTS_PER_CENT)


def scope_key(scope: Scope, key: str) -> str:
    """The ledger's name of a budget: ``user:feishu:ou_x``, ``chat:discord:1234``."""
    return f"{scope.value}:{key}"


@dataclass(frozen=True)
class Limits:
    """Limits in millicents; ``None`` is no limit."""

    user_day: int | None = None
    user_month: int | None = None
    chat_day: int | None = None
    chat_month: int | None = None
    job: int | None = None

    def of(self, scope: Scope, period: Period) -> int | None:
        if period is Period.JOB:
            return self.job
        limit: int | None = getattr(self, f"{scope.value}_{period.value}")
        return limit


@dataclass(frozen=True)
class Calendar:
    """Where budget days and months begin: midnight in ``tz``."""

    tz: ZoneInfo = UTC_ZONE

    def start(self, period: Period, now: datetime) -> datetime:
        local = now.astimezone(self.tz).replace(hour=0, minute=0, second=0, microsecond=0)
        if period is Period.MONTH:
            local = local.replace(day=1)
        return local.astimezone(UTC)

    def next_start(self, period: Period, now: datetime) -> datetime:
        local = self.start(period, now).astimezone(self.tz)
        if period is Period.MONTH:
            year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
            following = local.replace(year=year, month=month)
        else:
            following = (local + timedelta(days=1, hours=2)).replace(hour=0)  # a DST day is 23 or 25 h
        return following.astimezone(UTC)


@dataclass(frozen=True)
class Budget:
    """The default limits and calendar; overrides set by admins live in the ledger."""

    limits: Limits = Limits()
    calendar: Calendar = Calendar()

    @property
    def unpriced(self) -> int:
        """What an offer with no published price is reserved at: the per-job maximum, else $1."""
        return self.limits.job if self.limits.job is not None else MILLICENTS_PER_USD


@dataclass(frozen=True)
class Confirmation:
    """Above which cost a job asks "shall I make it?" first: a default and per-chat thresholds (in
    millicents, keyed by the chat's budget key, or ``platform:chat id`` for a direct message)."""

    default: int | None = None
    chats: Mapping[str, int | None] = field(default_factory=dict)

    def threshold(self, chat: ChatRef) -> int | None:
        key = chat.space_key or f"{chat.platform}:{chat.chat_id}"
        return self.chats.get(key, self.default)


@dataclass(frozen=True)
class Charge:
    """What a new job asks of the budgets: who pays (user, shared chat) and how much."""

    user: str  # ChatRef.user_key
    chat: str | None  # the shared chat's budget key, None in a direct message
    millicents: int
    at: datetime
    budget: Budget

    def windows(self) -> list[tuple[Scope, str, Period, datetime]]:
        """Each (scope, key, period, window start) whose limit this charge must fit."""
        out = []
        for scope, key in ((Scope.USER, self.user), (Scope.CHAT, self.chat)):
            if key is None:
                continue
            for period in (Period.DAY, Period.MONTH):
                out.append((scope, key, period, self.budget.calendar.start(period, self.at)))
        return out


@dataclass(frozen=True)
class OverBudget:
    """Why a job was not admitted: which limit, how much is left and when it resets (None: per job)."""

    scope: Scope
    period: Period
    limit: int
    left: int
    cost: int
    resets_at: datetime | None = None


@dataclass(frozen=True)
class Usage:
    """One budget's use: spent (charged) and held (reserved) in the current day and month."""

    scope: Scope
    key: str
    day: int
    month: int
    day_limit: int | None
    month_limit: int | None
    job_limit: int | None
    day_resets: datetime
    month_resets: datetime

    def left(self, period: Period) -> int | None:
        limit, used = (self.day_limit, self.day) if period is Period.DAY else (self.month_limit, self.month)
        return None if limit is None else max(limit - used, 0)


def judge(
    charge: Charge, used: dict[tuple[Scope, Period], int], limits: dict[tuple[Scope, Period], int | None]
) -> OverBudget | None:
    """The first limit ``charge`` would break, given what each window has used; None when it fits."""
    job_limit = limits.get((Scope.USER, Period.JOB))
    if job_limit is not None and charge.millicents > job_limit:
        return OverBudget(Scope.USER, Period.JOB, job_limit, job_limit, charge.millicents)
    for scope, _key, period, _start in charge.windows():
        limit = limits.get((scope, period))
        spent = used.get((scope, period), 0)
        if limit is not None and spent + charge.millicents > limit:
            resets = charge.budget.calendar.next_start(period, charge.at)
            return OverBudget(scope, period, limit, max(limit - spent, 0), charge.millicents, resets)
    return None
