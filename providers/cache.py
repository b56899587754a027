"""A value fetched at most once per time-to-live, however many callers wait for it (model lists)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Expiring(Generic[K, V]):
    """Values by key, each loaded by ``load(key)`` and kept ``ttl_s`` seconds; one load at a time per key."""

    def __init__(self, load: Callable[[K], Awaitable[V]], ttl_s: float) -> None:
        self._load = load
        self._ttl_s = ttl_s
        self._values: dict[K, tuple[float, V]] = {}
        self._locks: dict[K, asyncio.Lock] = {}

    async def get(self, key: K) -> V:
        async with self._locks.setdefault(key, asyncio.Lock()):
            cached = self._values.get(key)
            if cached is not None and time.monotonic() - cached[0] < self._ttl_s:
                return cached[1]
            value = await self._load(key)
            self._values[key] = (time.monotonic(), value)
            return value

    def forget(self, key: K) -> None:
        """Drop ``key``'s value: the next ``get`` loads it again (e.g. after prices changed)."""
        self._values.pop(key, None)
