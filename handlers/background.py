"""The flow's background work: tasks it starts and timer ticks it runs, drained on a stop.

A stop (:meth:`Background.drain`) refuses new work (it stays recorded and resumes at the next start),
waits up to a grace period for what runs (a create in flight, a poll), then cancels the rest.
Cancelling leaves each job in its last recorded state, which a restart resumes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from handlers.jobs import JobLeased

log = logging.getLogger(__name__)

Tick = Callable[[str], Awaitable[None]]


class Background:
    """A set of running work that a stop can wait for.

    Work that finds its job held by another instance (:class:`~handlers.jobs.JobLeased`, a shared
    ledger) ends quietly and ``let_go`` forgets the job here: its holder carries it on.
    """

    def __init__(self, let_go: Callable[[str], None] = lambda job_id: None) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._let_go = let_go
        self.stopping = False

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """Run ``work`` as a task; after a stop it is dropped (its job resumes at the next start)."""
        if self.stopping:
            work.close()
            return
        task = asyncio.create_task(self._owned(work), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def tracked(self, tick: Tick) -> Tick:
        """``tick`` as a timer callback that a stop waits for like any other work."""

        async def run(job_id: str) -> None:
            if self.stopping:
                return
            current = asyncio.current_task()
            if current is not None:
                self._tasks.add(current)
            try:
                await self._owned(tick(job_id))
            finally:
                if current is not None:
                    self._tasks.discard(current)

        return run

    async def _owned(self, work: Awaitable[None]) -> None:
        try:
            await work
        except JobLeased as exc:
            log.info("%s: let go here", exc)
            self._let_go(exc.job_id)

    async def drain(self, grace_s: float) -> None:
        """Stop taking work; wait ``grace_s`` real seconds for what runs, then cancel the rest."""
        self.stopping = True
        pending = {task for task in self._tasks if not task.done() and task is not asyncio.current_task()}
        if pending:
            log.info("waiting up to %.0f s for %d jobs in flight", grace_s, len(pending))
            _, pending = await asyncio.wait(pending, timeout=grace_s)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
            log.info("%d jobs will resume at the next start", len(pending))
