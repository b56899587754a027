"""The sliding-window limiter on a virtual clock."""

from __future__ import annotations

import asyncio

import pytest

from providers.aivideomaker.limiter import SlidingWindowLimiter


class VirtualTime:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def limiter(time: VirtualTime, max_calls: int = 3, window_s: float = 10.0) -> SlidingWindowLimiter:
    return SlidingWindowLimiter(max_calls, window_s, clock=time.clock, sleep=time.sleep)


async def test_bursts_then_waits_for_the_window() -> None:
    time = VirtualTime()
    gate = limiter(time)
    starts = []
    for _ in range(7):
        await gate.acquire()
        starts.append(time.now)
    assert starts == [0, 0, 0, 10, 10, 10, 20]


async def test_sliding_not_fixed() -> None:
    time = VirtualTime()
    gate = limiter(time, max_calls=2)
    await gate.acquire()
    time.now = 6.0
    await gate.acquire()
    await gate.acquire()  # the first start leaves the window at 10, the second still counts
    assert time.now == 10.0
    await gate.acquire()
    assert time.now == 16.0
    assert gate.in_window() == 2


async def test_pause_holds_every_caller() -> None:
    time = VirtualTime()
    gate = limiter(time, max_calls=100)
    gate.pause_for(5.0)
    gate.pause_for(2.0)  # a shorter pause never shortens a longer one
    await gate.acquire()
    assert time.now == 5.0


async def test_concurrent_callers_never_exceed_the_window() -> None:
    time = VirtualTime()
    gate = limiter(time, max_calls=5, window_s=60.0)
    starts: list[float] = []

    async def call(index: int) -> None:
        await gate.acquire()
        starts.append(time.now)

    await asyncio.gather(*(call(index) for index in range(23)))
    assert len(starts) == 23
    for start in starts:
        assert sum(start <= other < start + 60.0 for other in starts) <= 5


def test_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        SlidingWindowLimiter(0, 1.0)
    with pytest.raises(ValueError):
        SlidingWindowLimiter(1, 0.0)
