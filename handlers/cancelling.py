"""Cancel: a job called off by its user, at any step before its video exists.

Before the create nothing was ordered: the job ends ``cancelled`` and its reservation is released. A
create that is under way is let finish (whether it reached the provider is never guessed), then the
task is cancelled like any other. A task that exists is withdrawn where the provider's API can do it
(:class:`providers.base.TaskCanceller`: nothing charged, ``Job.refunded``); elsewhere polling stops and
the user is told honestly that the provider may still charge (the budget keeps the charge). A job
whose video exists is delivered: too late to cancel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from handlers import replies
from handlers.jobdesk import JobDesk
from handlers.jobs import FINAL_STATES, Job, JobState, Step
from messages.control import CancelOutcome
from providers.base import TaskCanceller
from providers.errors import ProviderError
from providers.types import CreditUnit

log = logging.getLogger(__name__)

NOTHING_ORDERED = frozenset(
    {JobState.RECEIVED, JobState.QUEUED, JobState.QUOTED, JobState.AWAITING, JobState.NOTIFIED}
)
# What a cancel acts on (once a create under way has finished): not a video that exists, nor a create
# another instance has under way (handlers.jobs.JobStore.take leaves that job with its holder).
CANCELLABLE_STATES = frozenset(JobState) - FINAL_STATES - {JobState.SUCCEEDED, JobState.SUBMITTING}


class Cancelling(JobDesk):
    """Calls jobs off. A create not yet sent is never sent once a cancel is asked for."""

    def _stop_wanted(self, job_id: str) -> bool:
        event = self._stopping.get(job_id)
        return event is not None and event.is_set()

    async def _pause(self, job_id: str, seconds: float) -> None:
        """Sleep ``seconds`` (a backoff before another create), cut short by a cancel."""
        event = self._stopping.setdefault(job_id, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)
        if not event.is_set():
            self._stopping.pop(job_id, None)

    async def cancel(self, job_id: str) -> tuple[CancelOutcome, Job | None]:
        """Call ``job_id`` off; what that did, and the job as it ended (None when there is none)."""
        self._stopping.setdefault(job_id, asyncio.Event()).set()
        try:
            async with self._lock(job_id):  # a create under way finishes first: its outcome is known then
                job = await self._jobs.take(job_id, when=CANCELLABLE_STATES, photos=False)
                if job is None:
                    return CancelOutcome.UNKNOWN, None
                if job.state not in CANCELLABLE_STATES:
                    return CancelOutcome.TOO_LATE, job
                outcome = await self._withdraw(job)
                log.info("job %s: cancelled by its user in %s (%s)", job.id, job.state.value, outcome.value)
                await self._end(job, JobState.CANCELLED)
                reply = replies.cancelled_job(job, outcome)
                await self._tell(job, Step.CANCEL, reply, replace=job.status_message_id)
                return outcome, job
        finally:
            self._stopping.pop(job_id, None)

    async def _withdraw(self, job: Job) -> CancelOutcome:
        """Stop what the provider does for ``job``, where it can; recorded on the job."""
        if job.state in NOTHING_ORDERED or job.handle is None:
            return CancelOutcome.NOTHING_ORDERED
        provider = self._providers.get(job.provider)
        if isinstance(provider, TaskCanceller) and job.handle.accepted:
            try:
                job.refunded = await provider.cancel(job.handle)
            except ProviderError as exc:
                log.warning("job %s: %s could not be asked to cancel (%s)", job.id, job.provider, exc.kind)
            if job.refunded:
                return CancelOutcome.WITHDRAWN
        if job.quote is not None and job.quote.unit is CreditUnit.FREE:
            return CancelOutcome.FREE
        return CancelOutcome.STOPPED
