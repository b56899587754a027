"""Per-job timers: both ticks fire at scaled intervals, ``forget`` stops them, ``watch`` replaces them."""

from __future__ import annotations

import asyncio
import itertools
import statistics

import pytest

from handlers.scheduling import JobScheduler
from handlers.timing import TimeScale

SCALE = 0.001  # 20 virtual seconds = 20 ms


class Ticks:
    """Records when each tick fired, and for which job."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, float]] = []

    async def tick(self, job_id: str) -> None:
        self.calls.append((job_id, asyncio.get_running_loop().time()))

    def of(self, job_id: str) -> list[float]:
        return [at for called, at in self.calls if called == job_id]


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(times)]


async def test_watch_fires_both_timers_at_scaled_intervals(scheduler: JobScheduler) -> None:
    polls, progress = Ticks(), Ticks()
    started = asyncio.get_running_loop().time()
    scheduler.watch(
        "job_a", poll_every_s=20, progress_every_s=100, on_poll=polls.tick, on_progress=progress.tick
    )
    await asyncio.sleep(0.45)
    assert scheduler.watched() == {"job_a"}
    assert {job for job, _ in polls.calls + progress.calls} == {"job_a"}
    # every 20 ms and every 100 ms for 450 ms; wide bounds: a loaded machine delays ticks (coalesced)
    assert 5 <= len(polls.calls) <= 23
    assert 2 <= len(progress.calls) <= 5
    assert progress.of("job_a")[0] - started >= 0.09  # the first tick comes after one interval
    assert statistics.median(gaps(polls.of("job_a"))) >= 0.015
    assert statistics.median(gaps(progress.of("job_a"))) >= 0.08


async def test_each_job_has_its_own_timers(scheduler: JobScheduler) -> None:
    ticks = Ticks()
    for job_id in ("job_a", "job_b"):
        scheduler.watch(
            job_id, poll_every_s=20, progress_every_s=20, on_poll=ticks.tick, on_progress=ticks.tick
        )
    await asyncio.sleep(0.1)
    assert scheduler.watched() == {"job_a", "job_b"}
    assert ticks.of("job_a") and ticks.of("job_b")


async def test_forget_stops_both_timers(scheduler: JobScheduler) -> None:
    polls, progress = Ticks(), Ticks()
    scheduler.watch(
        "job_a", poll_every_s=20, progress_every_s=20, on_poll=polls.tick, on_progress=progress.tick
    )
    scheduler.watch(
        "job_b", poll_every_s=20, progress_every_s=20, on_poll=polls.tick, on_progress=progress.tick
    )
    await asyncio.sleep(0.1)
    scheduler.forget("job_a")
    await asyncio.sleep(0.005)  # a tick dispatched just before may still run (the flow re-checks the job)
    counts = len(polls.of("job_a")), len(progress.of("job_a"))
    assert counts[0] and counts[1]
    await asyncio.sleep(0.1)
    assert (len(polls.of("job_a")), len(progress.of("job_a"))) == counts
    assert scheduler.watched() == {"job_b"}
    scheduler.forget("job_a")  # forgetting twice, or a job never watched, is harmless
    scheduler.forget("job_never")


async def test_watch_again_replaces_the_timers(scheduler: JobScheduler) -> None:
    first, second = Ticks(), Ticks()
    scheduler.watch(
        "job_a", poll_every_s=1000, progress_every_s=1000, on_poll=first.tick, on_progress=first.tick
    )
    scheduler.watch(
        "job_a", poll_every_s=20, progress_every_s=20, on_poll=second.tick, on_progress=second.tick
    )
    await asyncio.sleep(0.2)
    assert scheduler.watched() == {"job_a"}
    assert first.calls == []
    assert len(second.calls) >= 6  # the new, shorter interval applies


async def test_a_slow_tick_never_overlaps_itself(scheduler: JobScheduler) -> None:
    running, most = 0, 0

    async def slow(job_id: str) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.06)
        running -= 1

    async def idle(job_id: str) -> None:
        return None

    scheduler.watch("job_a", poll_every_s=10, progress_every_s=1000, on_poll=slow, on_progress=idle)
    await asyncio.sleep(0.25)
    assert most == 1


async def test_start_and_shutdown_are_idempotent() -> None:
    scheduler = JobScheduler(TimeScale(SCALE))
    scheduler.shutdown()  # not started: nothing to do
    scheduler.start()
    scheduler.start()
    ticks = Ticks()
    scheduler.watch("job_a", poll_every_s=20, progress_every_s=20, on_poll=ticks.tick, on_progress=ticks.tick)
    await asyncio.sleep(0.05)
    scheduler.shutdown()
    scheduler.shutdown()
    fired = len(ticks.calls)
    assert fired
    await asyncio.sleep(0.05)
    assert len(ticks.calls) == fired


class AsyncCallableTick:
    """A ``Tick`` that is an object with an async ``__call__``, not an ``async def`` function."""

    def __init__(self) -> None:
        self.job_ids: list[str] = []

    async def __call__(self, job_id: str) -> None:
        self.job_ids.append(job_id)


async def test_any_tick_that_returns_an_awaitable_runs(scheduler: JobScheduler) -> None:
    by_object, by_lambda = AsyncCallableTick(), Ticks()
    scheduler.watch(
        "job_a",
        poll_every_s=20,
        progress_every_s=20,
        on_poll=by_object,
        on_progress=lambda job_id: by_lambda.tick(job_id),
    )
    await asyncio.sleep(0.1)
    assert by_object.job_ids and by_lambda.calls


async def test_a_housekeeping_timer_runs_in_real_seconds_and_is_no_job(scheduler: JobScheduler) -> None:
    first, second = Ticks(), Ticks()

    async def never() -> None:
        await first.tick("prune")

    async def prune() -> None:
        await second.tick("prune")

    scheduler.every("prune", 60, never)
    scheduler.every("prune", 0.02, prune)  # real seconds: the time scale does not apply; replaces the first
    await asyncio.sleep(0.15)
    assert first.calls == [] and 4 <= len(second.calls) <= 8
    assert scheduler.watched() == set()
    scheduler.forget("prune")  # job timers only
    fired = len(second.calls)
    await asyncio.sleep(0.05)
    assert len(second.calls) > fired


@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
async def test_any_housekeeping_tick_that_returns_an_awaitable_runs(scheduler: JobScheduler) -> None:
    ticks = Ticks()
    scheduler.every("prune", 0.02, lambda: ticks.tick("prune"))
    await asyncio.sleep(0.1)
    assert ticks.calls
