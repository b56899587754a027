"""What a person (or an admin) sees of money in the chat: usage with their last jobs and their cost, and
the providers' balances."""

from __future__ import annotations

from handlers.budgets import Scope
from handlers.inbound import ChatRef
from handlers.money import Display, usage_summary
from handlers.services import Services, lang_of
from messages import balances_text
from providers.balances import balances
from providers.types import CreditUnit

RECENT_JOBS = 5


class UsageDesk:
    def __init__(self, services: Services) -> None:
        self._s = services

    async def show(self, chat: ChatRef) -> None:
        """我的用量 / my usage: spent today and this month, what is left, the last jobs with cost."""
        await self._s.say(chat, await self.summary(Scope.USER, chat.user_key, chat))

    async def summary(self, scope: Scope, key: str, chat: ChatRef, *, title: str | None = None) -> str:
        """One budget's usage in ``chat``'s language (a user's shows their last jobs too)."""
        usage = await self._s.jobs.usage(scope, key, self._s.budget, self._s.timescale.now())
        recent = await self._s.jobs.recent(user_key=key, limit=RECENT_JOBS) if scope is Scope.USER else []
        display = Display.first_paid(self._s.catalogue.providers)
        tz = self._s.budget.calendar.tz
        return usage_summary(lang_of(chat), usage, recent, display, tz=tz, title=title)

    async def credits(self, chat: ChatRef) -> None:
        """余额 / credits: each configured provider's balance where its service tells it (the offline
        demo says it is free)."""
        providers = self._s.catalogue.providers
        found = await balances(providers)
        items = [(b.provider, b.amount, b.unit) for b in found if b.unit is not CreditUnit.FREE]
        all_free = all(provider.unit is CreditUnit.FREE for provider in providers)
        await self._s.say(chat, balances_text(lang_of(chat), items, all_free=all_free))
