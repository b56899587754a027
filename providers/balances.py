"""Each configured provider's balance, where its API tells it.

A provider reports its balance through an optional ``async def balance() -> int | None`` (duck-typed:
Media.io, AI Media Studio and MythIQ have one; IMA, AIVideoMaker and the sandbox do not). Asking never
raises: a provider without the method, one that fails, answers something other than an integer or
takes longer than ``timeout_s`` gets ``amount=None``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from providers.errors import ProviderError
from providers.types import CreditUnit

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 15.0


class Account(Protocol):
    """What a balance needs of a provider (every :class:`providers.base.VideoProvider` has it)."""

    name: str
    unit: CreditUnit


class Balance(BaseModel):
    """One provider's balance in its own unit; ``amount`` None when it is not known."""

    model_config = ConfigDict(frozen=True)

    provider: str
    amount: int | None
    unit: CreditUnit


async def balances(providers: Iterable[Account], *, timeout_s: float = DEFAULT_TIMEOUT_S) -> list[Balance]:
    """The balance of every provider, in the order given, asked concurrently."""
    return list(await asyncio.gather(*(_balance(provider, timeout_s) for provider in providers)))


async def _balance(provider: Account, timeout_s: float) -> Balance:
    return Balance(provider=provider.name, amount=await _amount(provider, timeout_s), unit=provider.unit)


async def _amount(provider: Account, timeout_s: float) -> int | None:
    ask = getattr(provider, "balance", None)
    if not callable(ask):
        return None
    try:
        async with asyncio.timeout(timeout_s):
            amount = await ask()
    except ProviderError as exc:
        log.warning("balance of %s unavailable: %s", provider.name, exc.kind.value)
        return None
    except Exception as exc:  # a balance is informative: nothing it does may break the caller
        log.warning("balance of %s unavailable: %s", provider.name, type(exc).__name__)
        return None
    return amount if isinstance(amount, int) and not isinstance(amount, bool) else None
