"""The expiring cache behind every model list: one load per key and TTL, however many callers wait."""

from __future__ import annotations

import asyncio

import pytest

from providers.cache import Expiring


async def test_concurrent_callers_share_one_load_and_forget_reloads() -> None:
    loads: list[str] = []

    async def load(key: str) -> str:
        loads.append(key)
        await asyncio.sleep(0.01)
        return key.upper()

    cache: Expiring[str, str] = Expiring(load, ttl_s=60)
    assert await asyncio.gather(*(cache.get("a") for _ in range(5))) == ["A"] * 5
    assert loads == ["a"]
    cache.forget("a")
    assert await cache.get("a") == "A" and loads == ["a", "a"]


async def test_values_expire_and_a_failed_load_is_not_kept() -> None:
    calls = 0

    async def load(key: int) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("the service is down")
        return calls

    cache: Expiring[int, int] = Expiring(load, ttl_s=0)
    assert await cache.get(1) == 1
    with pytest.raises(RuntimeError):
        await cache.get(1)
    assert await cache.get(1) == 3
