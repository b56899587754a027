"""The queue: a request over its user's limit of jobs at a time waits, in order, instead of being refused.

Admission records it ``queued`` (with its budget reservation, in the same transaction as the checks)
and the user hears its place with the model, time and cost, and a Cancel button. When one of their
jobs ends (or goes late), the oldest queued one moves on in one ledger transaction and starts like any
new job. The queue is in the ledger, so it survives a restart; the per-user lock keeps a job's own
queue notice and its promotion in order.
"""

from __future__ import annotations

import asyncio
import logging

from handlers import replies
from handlers.jobdesk import JobDesk
from handlers.jobs import Job, JobState, Step

log = logging.getLogger(__name__)


class Queueing(JobDesk):
    """Tells a queued job's place and starts queued jobs when places free up."""

    def _user_lock(self, user_key: str) -> asyncio.Lock:
        return self._user_locks.setdefault(user_key, asyncio.Lock())

    async def _queued(self, job: Job, position: int) -> None:
        """The queued job's notice: its place, model, time and cost, with a Cancel button."""
        job.advance(JobState.QUEUED)
        job.status_message_id = await self._send(job, replies.queued(job, position))
        job.delivered.add(Step.QUEUE)
        await self._jobs.save(job)

    async def _promote(self, user_key: str) -> None:
        async with self._user_lock(user_key):
            while (job := await self._jobs.promote(user_key, max_working=self._max_working)) is not None:
                log.info("job %s: a place is free; it leaves the queue", job.id)
                self._background.spawn(self._start_safely(job), f"start:{job.id}")
