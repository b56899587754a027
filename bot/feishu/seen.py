"""A short memory of ids already handled: Feishu delivers at least once, for about 7 hours."""

from __future__ import annotations

import time
from collections import OrderedDict


class SeenIds:
    """Ids seen within ``ttl_s`` (at most ``max_size`` of them, oldest forgotten first)."""

    def __init__(self, ttl_s: float, max_size: int = 50_000) -> None:
        self._ttl_s = ttl_s
        self._max_size = max_size
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, key: str) -> bool:
        """Record ``key``; ``True`` if it was not seen within the TTL."""
        now = time.monotonic()
        while self._seen and (
            len(self._seen) >= self._max_size or next(iter(self._seen.values())) < now - self._ttl_s
        ):
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        self._seen[key] = now
        return True
