"""Seed 001 Steps 2 and 3: progress, polls (with backoff, the deadline and the late check), success.

A task that exists is never abandoned: every poll error backs off until the deadline and after it
(:mod:`handlers.polling`); the video is shown first, then its link, each once. A running job's poll
timer carries what the poll needs (:class:`~handlers.polling.Watched`), so the common poll, "still
working", reads and writes no ledger; any other answer is applied to the job as recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from handlers import metering, replies
from handlers.background import Tick
from handlers.jobdesk import JobDesk
from handlers.jobs import Job, JobState, Step
from handlers.polling import LATE_CHECK_EVERY_S, Watched, late_check_over
from handlers.reconciling import look_once
from handlers.remembering import remember_model
from providers.errors import ErrorKind, ProviderError, TaskLostError, UnexpectedResponseError
from providers.types import TaskHandle, TaskState, TaskStatus

log = logging.getLogger(__name__)


class Watching(JobDesk):
    """Polls running jobs, reports progress and delivers what they made."""

    def _watch(self, job: Job) -> None:
        self._scheduler.watch(
            job.id,
            poll_every_s=job.poll_every_s,
            progress_every_s=job.progress_every_s,
            on_poll=self._background.tracked(self._poller(job)),
            on_progress=self._background.tracked(self.report_progress),
            elapsed_s=self._timescale.elapsed(job.started_at) if job.started_at else 0.0,
        )

    def _watch_late(self, job_id: str) -> None:
        self._scheduler.watch_late(
            job_id, every_s=LATE_CHECK_EVERY_S, on_poll=self._background.tracked(self.poll)
        )

    def _poller(self, job: Job) -> Tick:
        """The job's poll tick, knowing its task while it runs cleanly (see :class:`Watched`)."""
        known = Watched.of(job)
        if known is None:
            return self.poll

        async def poll(job_id: str) -> None:
            await self.poll(job_id, known)

        return poll

    def watched(self) -> frozenset[str]:
        """The jobs this process has timers for."""
        return frozenset(self._scheduler.watched())

    def let_go(self, job_ids: Collection[str]) -> None:
        """Stop working jobs this instance no longer holds (a shared ledger: see ``renew_leases``)."""
        for job_id in job_ids:
            log.info("job %s: held elsewhere now; let go here", job_id)
            self._let_go(job_id)

    async def _deliver_safely(self, job_id: str) -> None:
        async with self._lock(job_id):
            job = await self._jobs.get(job_id, photos=False)
            if job is not None and job.state is JobState.SUCCEEDED:
                await self.deliver_success(job)

    async def report_progress(self, job_id: str) -> None:
        """Send ``P = min(95, floor(elapsed / max * 100))``, frozen at 95 % past the estimate."""
        async with self._lock(job_id):
            job = await self._jobs.get(job_id, photos=False)
            if job is None or job.state is not JobState.RUNNING or job.started_at is None:
                return
            reply = replies.progress_update(job, self._timescale.elapsed(job.started_at))
            message_id = await self._send(job, reply, replace=job.status_message_id)
            if message_id and message_id != job.status_message_id:
                job.status_message_id = message_id
                await self._jobs.save(job)

    async def poll(self, job_id: str, known: Watched | None = None) -> None:
        """One poll tick: finish the job, keep waiting, time out into the late check, or back off.

        The job's lock is not held while the provider answers, so its progress ticks are never late
        behind a slow poll; the answer is applied to the job as it is then, if it still waits for it.
        With ``known`` (a job running with no failed poll), "still working" needs no ledger at all.
        """
        if known is not None and not self._backoff.noted(job_id):
            answer = await self._ask_provider(job_id, known.provider, known.handle)
            if not known.changed_by(answer, self._timescale):
                return
            await self._apply(job_id, known.handle, answer)
            return
        async with self._lock(job_id):
            job = await self._jobs.get(job_id, photos=False)
            if job is None or job.state not in (JobState.RUNNING, JobState.LATE) or job.handle is None:
                self._scheduler.forget(job_id)
                return
            if self._backoff.waiting(job.id):
                await self._check_deadline(job)
                return
            handle, provider = job.handle, job.provider
        answer = await self._ask_provider(job_id, provider, handle)
        await self._apply(job_id, handle, answer)

    async def _apply(self, job_id: str, handle: TaskHandle, answer: TaskStatus | ProviderError) -> None:
        """Apply a poll's answer to the job as recorded now, if it still waits for that task."""
        async with self._lock(job_id):
            job = await self._jobs.get(job_id, photos=False)
            if job is None or job.state not in (JobState.RUNNING, JobState.LATE) or job.handle != handle:
                return  # it moved on meanwhile (an earlier answer, a cancel)
            if isinstance(answer, ProviderError):
                await self._poll_failed(job, answer)
            else:
                await self._poll_answered(job, answer)

    async def _ask_provider(
        self, job_id: str, provider: str, handle: TaskHandle
    ) -> TaskStatus | ProviderError:
        try:
            return await self._providers[provider].poll(handle)
        except ProviderError as exc:
            metering.provider_error(provider, "poll", exc.kind)
            return exc
        except Exception as exc:  # a bug, or a provider no longer configured: keep the task
            log.exception("job %s: unexpected error while polling", job_id)
            return UnexpectedResponseError(repr(exc), before_task=False)

    async def _poll_answered(self, job: Job, status: TaskStatus) -> None:
        self._backoff.clear(job.id)
        had_failures, job.poll_failures = job.poll_failures, 0
        if status.state is TaskState.SUCCEEDED and status.video_url:
            await self._succeed(job, status)
        elif status.state is TaskState.SUCCEEDED:  # "done" without a video is no success
            log.warning("job %s: the provider reported success without a video", job.id)
            await self._fail(job, ErrorKind.GENERATION_FAILED)
        elif status.state is TaskState.FAILED:
            log.info("job %s: task failed: %s", job.id, status.error_detail)
            await self._fail(job, status.error_kind or ErrorKind.GENERATION_FAILED)
        elif not await self._check_deadline(job) and had_failures:
            await self._jobs.save(job)

    async def _poll_failed(self, job: Job, exc: ProviderError) -> None:
        """Never the end of a task that exists: back off and ask again, until the deadline and after."""
        handle = job.handle
        if exc.before_task and job.state is JobState.RUNNING and handle and not handle.accepted:
            # a synchronous provider refused the work before accepting it: no task exists
            self._scheduler.forget(job.id)
            job.handle = None
            job.advance(JobState.NOTIFIED)
            await self._jobs.save(job)
            self._background.spawn(self._start_safely(job, exc), f"start:{job.id}")
            return
        if isinstance(exc, TaskLostError) and job.state is JobState.RUNNING:
            self._scheduler.forget(job.id)
            job.error_kind = exc.kind
            job.advance(JobState.SUBMITTING)  # whether it exists is reconciled
            await self._jobs.save(job)
            self._background.spawn(self._start_safely(job), f"reconcile:{job.id}")
            return
        if isinstance(exc, TaskLostError) and (found := await look_once(self._providers[job.provider], job)):
            log.warning("job %s: lost work found again in the late check: %s", job.id, found.task_id)
            job.handle = found
            await self._jobs.save(job)
            return
        job.poll_failures += 1
        wait_s = self._backoff.failed(job)
        level = logging.ERROR if exc.kind is ErrorKind.AUTH else logging.WARNING
        log.log(
            level, "job %s: poll %d failed (%s); next in %.0f s", job.id, job.poll_failures, exc.kind, wait_s
        )
        if not await self._check_deadline(job):
            await self._jobs.save(job)

    async def _check_deadline(self, job: Job) -> bool:
        """Past the deadline: the timeout message and the late check. True when the job moved on."""
        if job.state is JobState.LATE:
            if late_check_over(job, self._timescale):
                log.warning("job %s: no video within the late check; given up", job.id)
                await self._fail(job, ErrorKind.TIMEOUT)
                return True
            return False
        if job.started_at is None or self._timescale.elapsed(job.started_at) <= job.timeout_s:
            return False
        reply = await self._failure_reply(job, ErrorKind.TIMEOUT)
        await self._tell(job, Step.FAILURE, reply, replace=job.status_message_id)
        job.error_kind = ErrorKind.TIMEOUT
        job.advance(JobState.LATE)
        await self._jobs.save(job)
        self._watch_late(job.id)
        self._freed(job.user_key)  # a late check holds no place
        return True

    async def _succeed(self, job: Job, status: TaskStatus) -> None:
        self._scheduler.forget(job.id)
        if job.state is JobState.LATE:
            await self._tell(job, Step.LATE_NOTE, replies.late_note(job))
            job.status_message_id = None  # the failure card stays; the video comes as a new message
        job.video_url = status.video_url
        job.cover_url = status.cover_url
        job.duration_s = status.duration_s
        job.error_kind = None
        job.advance(JobState.SUCCEEDED)
        await self._jobs.save(job)
        await self.deliver_success(job)

    async def deliver_success(self, job: Job) -> None:
        """The video first (inline player), then the link as text; each step once."""
        actual = self._timescale.elapsed(job.started_at) if job.started_at else 0.0
        await self._tell(job, Step.VIDEO, replies.video(job, actual), replace=job.status_message_id)
        await self._tell(job, Step.LINK, replies.link(job))
        if job.remember and job.quote is not None:
            await remember_model(
                self._prefs,
                job.chat,
                job.request.task_type,
                model_id=job.quote.ref.model_id,
                model_name=job.model_name,
                credit=job.quote.credits,
                model_key=job.model_key,
                provider=job.provider,
                now=self._timescale.now(),
            )
        await self._end(job, JobState.DELIVERED)
