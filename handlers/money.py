"""Money as people read it: millicents shown in the unit their prices are shown in, and the words
for a budget that refuses a job or a usage summary."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, tzinfo
from decimal import Decimal

from handlers.budgets import MILLICENTS_PER_CENT, MILLICENTS_PER_USD, Budget, OverBudget, Period, Usage
from handlers.jobs import Job
from messages.reply import Lang
from messages.spending import Amount, Spent, over_budget, reset_time, usage_text
from providers.base import VideoProvider
from providers.routing import CENTS_PER_CREDIT, DEFAULT_CENTS_PER_CREDIT
from providers.types import CreditUnit


class Display:
    """The unit amounts are shown in: one provider's credits (with US$ alongside), or US$ alone."""

    def __init__(self, provider: str | None = None, unit: CreditUnit | None = None) -> None:
        paid = provider is not None and unit not in (None, CreditUnit.FREE, CreditUnit.USD_CENTS)
        self.provider, self.unit = (provider, unit) if paid else (None, None)

    @classmethod
    def of_job(cls, job: Job) -> Display:
        return cls(job.provider, job.quote.unit if job.quote else None)

    @classmethod
    def first_paid(cls, providers: Sequence[VideoProvider]) -> Display:
        """The first configured provider that charges: its prices are the ones people see first."""
        paid = next((p for p in providers if p.unit is not CreditUnit.FREE), None)
        return cls(paid.name, paid.unit) if paid else cls()

    def amount(self, millicents: int, *, floor: bool = False) -> Amount:
        usd = Decimal(millicents) / MILLICENTS_PER_USD
        if self.provider is None:
            return Amount(usd)
        per_credit = CENTS_PER_CREDIT.get(self.provider, DEFAULT_CENTS_PER_CREDIT) * MILLICENTS_PER_CENT
        if per_credit <= 0:
            return Amount(usd)
        exact = millicents / per_credit
        return Amount(usd, math.floor(exact) if floor else math.ceil(exact - 1e-9), self.unit)


def refusal(lang: Lang, over: OverBudget, display: Display, budget: Budget) -> str:
    """A job a budget refused: its cost, what is left, the limit and when it renews."""
    reset = None
    if over.resets_at is not None:
        reset = reset_time(lang, over.resets_at.astimezone(budget.calendar.tz))
    return over_budget(
        lang,
        scope=over.scope.value,
        period=over.period.value,
        cost=display.amount(over.cost),
        left=display.amount(over.left, floor=True),
        limit=display.amount(over.limit),
        reset=reset,
    )


def usage_summary(
    lang: Lang,
    usage: Usage,
    recent: Sequence[Job],
    display: Display,
    *,
    tz: tzinfo = UTC,
    title: str | None = None,
) -> str:
    """Spent today and this month, what is left, the per-job limit and the last jobs with cost (their
    times in ``tz``, the budget's zone)."""

    def maybe(millicents: int | None, *, floor: bool = False) -> Amount | None:
        return None if millicents is None else display.amount(millicents, floor=floor)

    lines = [
        Spent(
            when=job.created_at.astimezone(tz),
            model=job.model_name,
            amount=display.amount(job.cost),
            state=job.spend,
        )
        for job in recent
    ]
    return usage_text(
        lang,
        title=title,
        day=(display.amount(usage.day), maybe(usage.left(Period.DAY), floor=True), maybe(usage.day_limit)),
        month=(
            display.amount(usage.month),
            maybe(usage.left(Period.MONTH), floor=True),
            maybe(usage.month_limit),
        ),
        job_limit=maybe(usage.job_limit),
        recent=lines,
    )
