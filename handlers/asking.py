"""A go-ahead before anything is ordered: a dear video, or words that did not ask for a video.

QUOTED -> AWAITING (the question, with "make it" / "cancel") -> NOTIFIED on yes, CANCELLED on no or
after :data:`ASK_FOR_S` without an answer; nothing is ordered or charged before the yes.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from handlers import replies
from handlers.jobdesk import JobDesk
from handlers.jobs import Job, JobState, Step
from handlers.money import Display
from handlers.timing import utc_now
from messages.spending import amount_text

log = logging.getLogger(__name__)

ANSWERABLE = frozenset({JobState.QUOTED, JobState.AWAITING})  # a go-ahead answer acts on these
ASK_FOR_S = 300  # a go-ahead question is open this long (virtual seconds), then the job is called off


class Asking(JobDesk):
    """Asks, takes the answer, and calls off a question nobody answered."""

    async def _ask(self, job: Job) -> None:
        """Ask whether to make it; nothing is ordered until "yes" (an unanswered question expires)."""
        threshold = Display.of_job(job).amount(job.confirm_above or 0)
        reply = replies.question(job, amount_text(replies.lang_of(job), threshold), ASK_FOR_S // 60)
        job.ask_until = utc_now() + timedelta(seconds=self._timescale.real(ASK_FOR_S))
        job.status_message_id = await self._send(job, reply, permanent_errors=True)
        job.delivered.add(Step.QUESTION)
        job.advance(JobState.AWAITING)
        await self._jobs.save(job)
        self._expire_later(job)

    async def go_ahead(self, job_id: str, *, yes: bool) -> bool:
        """The user's answer to a go-ahead question; False when the job is not waiting for one."""
        async with self._lock(job_id):
            job = await self._jobs.take(job_id, when=ANSWERABLE)
            if job is None or job.state not in ANSWERABLE or job.ask is None:
                return False
            if not yes:
                await self._call_off(job, expired=False)
                return True
            job.ask = None
            await self._jobs.save(job)
            if job.state is JobState.QUOTED:
                return True  # answered before the question was recorded: its start goes straight on
        self._background.spawn(self._start_safely(job), f"start:{job.id}")
        return True

    def _expire_later(self, job: Job) -> None:
        async def expire() -> None:
            left_s = (job.ask_until - utc_now()).total_seconds() if job.ask_until else 0.0
            await asyncio.sleep(max(left_s, 0.0))
            async with self._lock(job.id):
                current = await self._jobs.get(job.id)
                if current is not None and current.state is JobState.AWAITING and current.ask is not None:
                    await self._call_off(current, expired=True)

        self._background.spawn(expire(), f"expire:{job.id}")

    async def _call_off(self, job: Job, *, expired: bool) -> None:
        log.info("job %s: %s; nothing ordered", job.id, "no go-ahead in time" if expired else "called off")
        await self._send(job, replies.called_off(job, expired=expired), replace=job.status_message_id)
        await self._end(job, JobState.CANCELLED)
