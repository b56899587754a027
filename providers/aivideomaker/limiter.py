"""An async sliding-window rate limiter: at most ``max_calls`` starts in any ``window_s`` seconds.

A sliding log (the start times of the last ``max_calls`` calls) is exact against a server that
counts per sliding or per fixed minute, unlike a token bucket, which can let two full bursts
through one server minute. ``pause_for`` honours a ``Retry-After``: no call starts before it ends.
Waiters are served in arrival order (one lock).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class SlidingWindowLimiter:
    """Grants at most ``max_calls`` acquisitions per sliding ``window_s`` (real seconds)."""

    def __init__(
        self,
        max_calls: int,
        window_s: float,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if max_calls < 1 or window_s <= 0:
            raise ValueError("max_calls must be >= 1 and window_s > 0")
        self.max_calls = max_calls
        self.window_s = window_s
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait for a free slot (and for any pause to end), then take it."""
        async with self._lock:
            while (wait := self._wait_needed(self._clock())) > 0:
                await self._sleep(wait)
            self._starts.append(self._clock())

    def pause_for(self, seconds: float) -> None:
        """Let no call start during the next ``seconds`` (a server's ``Retry-After``)."""
        self._paused_until = max(self._paused_until, self._clock() + max(seconds, 0.0))

    def in_window(self) -> int:
        """How many calls started within the last window."""
        self._forget_before(self._clock() - self.window_s)
        return len(self._starts)

    def _wait_needed(self, now: float) -> float:
        self._forget_before(now - self.window_s)
        wait = self._paused_until - now
        if len(self._starts) >= self.max_calls:
            wait = max(wait, self._starts[0] + self.window_s - now)
        return wait

    def _forget_before(self, cutoff: float) -> None:
        while self._starts and self._starts[0] <= cutoff:
            self._starts.popleft()
