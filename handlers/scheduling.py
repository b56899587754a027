"""Per-job timers on apscheduler: a poll tick and a progress tick for every running job.

Timers are rebuilt from job records (never pickled closures): ``watch`` takes a job id and the
intervals, and the callbacks look the job up when they fire.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from handlers.timing import TimeScale

log = logging.getLogger(__name__)

Tick = Callable[[str], Awaitable[None]]


class JobScheduler:
    """Runs ``on_poll(job_id)`` every poll interval and ``on_progress(job_id)`` every progress interval."""

    def __init__(self, timescale: TimeScale) -> None:
        self._timescale = timescale
        self._scheduler = AsyncIOScheduler(timezone=UTC)

    def start(self) -> None:
        if not self._scheduler.running:
            self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def watch(
        self, job_id: str, *, poll_every_s: float, progress_every_s: float, on_poll: Tick, on_progress: Tick
    ) -> None:
        """Start both timers of ``job_id`` (virtual seconds), replacing any it had."""
        self._add(f"poll:{job_id}", poll_every_s, on_poll, job_id)
        self._add(f"progress:{job_id}", progress_every_s, on_progress, job_id)

    def watch_late(self, job_id: str, *, every_s: float, on_poll: Tick) -> None:
        """Only a slow poll timer for ``job_id`` (a late check); its progress timer is stopped."""
        self.forget(job_id)
        self._add(f"poll:{job_id}", every_s, on_poll, job_id)

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
        for timer in (f"poll:{job_id}", f"progress:{job_id}"):
            if self._scheduler.get_job(timer) is not None:
                self._scheduler.remove_job(timer)

    def watched(self) -> set[str]:
        timers = self._scheduler.get_jobs()
        return {t.id.split(":", 1)[1] for t in timers if not t.id.startswith("every:")}

    def _add(self, timer_id: str, every_s: float, tick: Tick, job_id: str) -> None:
        self._scheduler.add_job(
            _run_tick,
            "interval",
            seconds=self._timescale.real(every_s),
            args=[tick, job_id],
            id=timer_id,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )


async def _run_tick(tick: Tick, job_id: str) -> None:
    """Await any tick on the event loop (apscheduler would run a non-``async def`` callable in a thread).

    A tick cancelled by a shutdown ends quietly: the job keeps its recorded state for the next start,
    and apscheduler would otherwise log a traceback for each one.
    """
    with contextlib.suppress(asyncio.CancelledError):
        await tick(job_id)


async def _run_housekeeping(tick: Callable[[], Awaitable[None]]) -> None:
    await tick()
