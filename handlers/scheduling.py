"""Job timers: a poll tick and a progress tick for every running job, on one apscheduler timer.

Each job's timers live in a heap ordered by when they are next due; apscheduler holds a single
one-shot job that wakes at the earliest of them, starts every tick that is due (each as its own task),
and sets itself for the next. Thousands of jobs in flight cost one timer and a heap, where one
interval job per job and cadence made apscheduler's own bookkeeping the bottleneck. The timer wakes
at most every :data:`RESOLUTION_S` (a quarter of a virtual second when time runs faster, in tests):
ticks due meanwhile start together, a few milliseconds late, and apscheduler is asked once.

A timer keeps its phase (a job started at t gets its progress at t + 30 s, t + 60 s …), never runs
two ticks of itself at once (a tick still running when the next is due skips that one) and, having
fallen behind, skips what it missed rather than firing in a burst. Timers are rebuilt from job records
(never pickled closures): ``watch`` takes a job id and the intervals, and the callbacks look the job
up when they fire.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from handlers import metering
from handlers.timing import TimeScale

log = logging.getLogger(__name__)

Tick = Callable[[str], Awaitable[None]]
_WAKE = "due-ticks"  # the one apscheduler job that runs the due ticks
RESOLUTION_S = 0.02  # real seconds between two wakes, at most


class Kind(StrEnum):
    POLL = "poll"
    PROGRESS = "progress"


@dataclass(eq=False)
class _Timer:
    kind: Kind
    job_id: str
    every_s: float  # real seconds
    tick: Tick
    running: asyncio.Task[None] | None = field(default=None, repr=False)


class JobScheduler:
    """Runs ``on_poll(job_id)`` every poll interval and ``on_progress(job_id)`` every progress interval."""

    def __init__(self, timescale: TimeScale) -> None:
        self._timescale = timescale
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._timers: dict[tuple[Kind, str], _Timer] = {}
        self._due: list[tuple[float, int, _Timer]] = []  # (loop time, order, timer); stale ones skipped
        self._order = itertools.count()
        self._wake_at = math.inf
        self._woke_at = -math.inf  # loop time of the last wake
        self._resolution = min(RESOLUTION_S, timescale.real(1.0) / 4)
        self.skipped = 0  # ticks not run because the timer's previous tick was still running
        self.wakes = 0

    def start(self) -> None:
        if not self._scheduler.running:
            self._scheduler.start()

    def shutdown(self) -> None:
        """Stop every timer (running ticks are the flow's to drain)."""
        self._timers.clear()
        self._due.clear()
        self._wake_at = math.inf
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def watch(
        self,
        job_id: str,
        *,
        poll_every_s: float,
        progress_every_s: float,
        on_poll: Tick,
        on_progress: Tick,
        elapsed_s: float = 0.0,
    ) -> None:
        """Start both timers of ``job_id`` (virtual seconds), replacing any it had.

        The first poll comes one interval from now; progress keeps the phase of the job's start,
        ``elapsed_s`` ago (30 s, 60 s … after the pre-notification, however long the create took).
        """
        self._add(Kind.POLL, job_id, poll_every_s, on_poll)
        self._add(Kind.PROGRESS, job_id, progress_every_s, on_progress, elapsed_s=elapsed_s)

    def watch_late(self, job_id: str, *, every_s: float, on_poll: Tick) -> None:
        """Only a slow poll timer for ``job_id`` (a late check); its progress timer is stopped."""
        self.forget(job_id)
        self._add(Kind.POLL, job_id, every_s, on_poll)

    def every(self, name: str, every_s: float, tick: Callable[[], Awaitable[None]]) -> None:
        """A housekeeping timer (real seconds, not scaled), e.g. pruning old jobs daily."""
        self._scheduler.add_job(
            _run_housekeeping,
            "interval",
            seconds=every_s,
            args=[tick],
            id=f"every:{name}",
            replace_existing=True,
        )

    def forget(self, job_id: str) -> None:
        for kind in Kind:
            self._timers.pop((kind, job_id), None)  # its heap entries are skipped when they come up

    def watched(self) -> set[str]:
        return {job_id for _, job_id in self._timers}

    def timers_of(self, job_id: str) -> set[Kind]:
        """Which timers ``job_id`` has (a late check has only a poll timer)."""
        return {kind for kind, watched in self._timers if watched == job_id}

    def _add(self, kind: Kind, job_id: str, every_s: float, tick: Tick, *, elapsed_s: float = 0.0) -> None:
        timer = _Timer(kind, job_id, max(self._timescale.real(every_s), 1e-3), tick)
        self._timers[(kind, job_id)] = timer
        into_interval = self._timescale.real(max(0.0, elapsed_s)) % timer.every_s
        due = asyncio.get_running_loop().time() + timer.every_s - into_interval
        heapq.heappush(self._due, (due, next(self._order), timer))
        self._wake(due)

    def _wake(self, at: float) -> None:
        """Set the apscheduler job for loop time ``at`` (or one resolution after the last wake), unless
        it is set for then or sooner already."""
        at = max(at, self._woke_at + self._resolution)
        if at >= self._wake_at:
            return
        self._wake_at = at
        wait_s = max(0.0, at - asyncio.get_running_loop().time())
        self._scheduler.add_job(
            self._run_due,
            "date",
            run_date=datetime.now(UTC) + timedelta(seconds=wait_s),
            id=_WAKE,
            replace_existing=True,
            misfire_grace_time=None,
            max_instances=1_000_000,  # never awaits: an overlap is harmless, a refusal stops every timer
        )

    async def _run_due(self) -> None:
        """Start every tick that is due, then wake again for the next one."""
        self._wake_at = math.inf
        now = self._woke_at = asyncio.get_running_loop().time()
        self.wakes += 1
        while self._due and self._due[0][0] <= now:
            due, _, timer = heapq.heappop(self._due)
            if self._timers.get((timer.kind, timer.job_id)) is not timer:
                continue  # forgotten or replaced
            following = due + timer.every_s
            if following <= now:  # fell behind: skip what was missed, keep the pace from now
                following = now + timer.every_s
            heapq.heappush(self._due, (following, next(self._order), timer))
            if timer.running is not None and not timer.running.done():
                self.skipped += 1
                continue
            metering.tick_started(timer.kind.value, now - due)
            timer.running = asyncio.create_task(_run_tick(timer.tick, timer.job_id))
        if self._due:
            self._wake(self._due[0][0])


async def _run_tick(tick: Tick, job_id: str) -> None:
    """Run one tick; a bug is logged, never lost silently.

    A tick cancelled by a shutdown ends quietly: the job keeps its recorded state for the next start.
    """
    with contextlib.suppress(asyncio.CancelledError):
        try:
            await tick(job_id)
        except Exception:
            log.exception("job %s: a timer tick failed", job_id)


async def _run_housekeeping(tick: Callable[[], Awaitable[None]]) -> None:
    """Run one housekeeping tick; a failure is logged (the next tick tries again), a stop is quiet."""
    with contextlib.suppress(asyncio.CancelledError):
        try:
            await tick()
        except Exception:
            log.exception("housekeeping tick %s failed", getattr(tick, "__name__", tick))
