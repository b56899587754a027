"""The one timer over a heap: ticks come in due order, keep each job's phase, never burst after a
stall, and thousands of jobs share it."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from handlers.scheduling import RESOLUTION_S, JobScheduler
from handlers.timing import TimeScale


async def idle(job_id: str) -> None:
    return None


async def test_ticks_come_in_the_order_they_are_due(scheduler: JobScheduler) -> None:
    order: list[str] = []

    async def tick(job_id: str) -> None:
        order.append(job_id)

    for job_id, every_s in (("c", 90), ("a", 30), ("b", 60)):  # due at 30, 60 and 90 ms
        scheduler.watch(job_id, poll_every_s=every_s, progress_every_s=10_000, on_poll=tick, on_progress=idle)
    await asyncio.sleep(0.1)
    assert order[:3] == ["a", "b", "a"] or order[:3] == ["a", "a", "b"]  # 60 ms: a and b both due
    assert order.index("c") > order.index("b")


async def test_progress_keeps_the_phase_of_the_jobs_start(scheduler: JobScheduler) -> None:
    fired: list[float] = []

    async def progress(job_id: str) -> None:
        fired.append(asyncio.get_running_loop().time())

    began = asyncio.get_running_loop().time()
    # the job started 80 virtual s ago (a slow create, a restart): its next update is due at 100 s
    scheduler.watch(
        "job_a", poll_every_s=10_000, progress_every_s=100, on_poll=idle, on_progress=progress, elapsed_s=80
    )
    await asyncio.sleep(0.15)
    assert fired, "no progress tick"
    assert 0.015 <= fired[0] - began < 0.07  # about 20 ms, not a whole 100 ms interval


async def test_a_stalled_loop_skips_missed_ticks_instead_of_bursting(scheduler: JobScheduler) -> None:
    ticks: list[float] = []

    async def tick(job_id: str) -> None:
        ticks.append(asyncio.get_running_loop().time())

    scheduler.watch("job_a", poll_every_s=10, progress_every_s=10_000, on_poll=tick, on_progress=idle)
    await asyncio.sleep(0.03)
    time.sleep(0.2)  # the loop is blocked for 20 intervals
    stalled = len(ticks)
    await asyncio.sleep(0.035)
    assert len(ticks) - stalled <= 5  # one catch-up tick, then the usual pace: no burst of 20


async def test_two_thousand_jobs_share_one_timer(scheduler: JobScheduler) -> None:
    seen: set[str] = set()

    async def tick(job_id: str) -> None:
        seen.add(job_id)

    for number in range(2000):
        scheduler.watch(f"job_{number}", poll_every_s=20, progress_every_s=50, on_poll=tick, on_progress=tick)
    async with asyncio.timeout(30):  # every one is ticked, however busy the machine (no timed assertion)
        while len(seen) < 2000:
            await asyncio.sleep(0.01)
    assert len(scheduler.watched()) == 2000
    for number in range(2000):
        scheduler.forget(f"job_{number}")
    assert scheduler.watched() == set()


async def test_a_tick_that_raises_is_logged_and_the_timer_goes_on(
    scheduler: JobScheduler, caplog: pytest.LogCaptureFixture
) -> None:
    calls = 0

    async def broken(job_id: str) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("a bug")

    scheduler.watch("job_a", poll_every_s=10, progress_every_s=10_000, on_poll=broken, on_progress=idle)
    with caplog.at_level(logging.ERROR):
        await asyncio.sleep(0.08)
    assert calls >= 3
    assert "job_a: a timer tick failed" in caplog.text


async def test_a_tick_already_running_is_skipped_and_counted(scheduler: JobScheduler) -> None:
    release = asyncio.Event()

    async def stuck(job_id: str) -> None:
        await release.wait()

    scheduler.watch("job_a", poll_every_s=10, progress_every_s=10_000, on_poll=stuck, on_progress=idle)
    await asyncio.sleep(0.06)
    assert scheduler.skipped >= 3
    release.set()


async def test_ticks_due_close_together_share_a_wake() -> None:
    """200 timers due 5 ms apart: the timer wakes at most once per resolution, and runs them all."""
    scheduler = JobScheduler(TimeScale(1.0))
    scheduler.start()
    seen: list[str] = []

    async def tick(job_id: str) -> None:
        seen.append(job_id)

    async def never(job_id: str) -> None:
        raise AssertionError("the poll timer is not due in this test")

    try:
        began = asyncio.get_running_loop().time()
        for number in range(200):
            scheduler.watch(
                f"job_{number}",
                poll_every_s=3600,
                progress_every_s=1.0,
                on_poll=never,
                on_progress=tick,
                elapsed_s=1.0 - (number + 1) * 0.005,  # due 5, 10 … 1,000 ms from now
            )
        async with asyncio.timeout(30):
            while len(set(seen)) < 200:
                await asyncio.sleep(0.005)
        took = asyncio.get_running_loop().time() - began
        assert set(seen) == {f"job_{number}" for number in range(200)}
        assert scheduler.wakes <= took / RESOLUTION_S + 1, "never two wakes within one resolution"
        assert scheduler.wakes < 100
    finally:
        scheduler.shutdown()
