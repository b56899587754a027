"""The generation flow: seed 001 Steps 1-4 as transitions of a job's state machine.

RECEIVED -> QUOTED -> NOTIFIED -> SUBMITTING -> RUNNING -> SUCCEEDED -> DELIVERED, and FAILED from any
step before the end. Each user-visible step is recorded in ``job.delivered`` once shown, so it is never
shown twice. Timers (poll, progress) come from :class:`JobScheduler`; one lock per job keeps ticks of
the same job in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Coroutine, Mapping
from typing import Any

from handlers import replies
from handlers.channel import Outbox
from handlers.jobs import Job, JobState, JobStore, Step
from handlers.remembering import remember_model
from handlers.scheduling import JobScheduler
from handlers.timing import TimeScale
from messages.reply import Reply
from prefs import PreferenceStore
from providers.base import VideoProvider
from providers.catalogue import Catalogue
from providers.errors import ErrorKind, ProviderError, RateLimitedError, UnexpectedResponseError
from providers.types import TaskState, TaskStatus

log = logging.getLogger(__name__)

# Errors of a poll that say nothing about the task: keep polling until these repeat too often.
TRANSIENT_POLL_ERRORS = frozenset(
    {ErrorKind.NETWORK, ErrorKind.RATE_LIMITED, ErrorKind.UNAVAILABLE, ErrorKind.UNKNOWN, ErrorKind.TIMEOUT}
)
MAX_POLL_FAILURES = 8
# Errors before a task exists that another provider of the same model may well not have.
FAILOVER_KINDS = frozenset(
    {
        ErrorKind.UNAVAILABLE,
        ErrorKind.NETWORK,
        ErrorKind.RATE_LIMITED,
        ErrorKind.AUTH,
        ErrorKind.INSUFFICIENT_CREDITS,
        ErrorKind.UNKNOWN,
    }
)
RATE_LIMIT_PATIENCE_S = 20  # a 429 asking us to wait at most this long (virtual s) is waited out once


class GenerationFlow:
    """Runs jobs through the protocol. Knows providers by name; knows chats only through the outbox."""

    def __init__(
        self,
        *,
        catalogue: Catalogue,
        providers: Mapping[str, VideoProvider],
        jobs: JobStore,
        prefs: PreferenceStore,
        outbox: Outbox,
        scheduler: JobScheduler,
        timescale: TimeScale,
    ) -> None:
        self._catalogue = catalogue
        self._providers = providers
        self._jobs = jobs
        self._prefs = prefs
        self._outbox = outbox
        self._scheduler = scheduler
        self._timescale = timescale
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # -- Step 1: quote, pre-notify, submit ------------------------------------------------------

    async def launch(self, job: Job) -> None:
        """Record a new job, then run its first steps in the background."""
        await self._jobs.add(job)
        self._spawn(self._start_safely(job), f"start:{job.id}")

    async def resume(self, *, platforms: Collection[str], user_key: str | None = None) -> int:
        """Pick up every unfinished job of ``platforms`` after a restart; returns how many.

        Polling resumes (progress counts from the job's original start), a video that finished while we
        were down is delivered, steps already shown are not shown again. A job stopped while the
        provider's create was under way is never created again blindly (it may exist and be paid for):
        it ends with a friendly "please try again".
        """
        resumed = 0
        for job in await self._jobs.active(user_key):
            if job.chat.platform not in platforms:
                continue
            resumed += 1
            if job.state is JobState.SUBMITTING:
                log.warning("job %s: stopped during create; not created again", job.id)
                self._spawn(self._fail_safely(job.id, ErrorKind.UNKNOWN), f"interrupted:{job.id}")
            elif job.state is JobState.RUNNING:
                self._watch(job)
                self._spawn(self.poll(job.id), f"poll:{job.id}")
            elif job.state is JobState.SUCCEEDED:
                self._spawn(self._deliver_safely(job.id), f"deliver:{job.id}")
            else:
                self._spawn(self._start_safely(job), f"start:{job.id}")
        return resumed

    async def _start_safely(self, job: Job) -> None:
        try:
            await self.start(job)
        except Exception:
            log.exception("job %s: unexpected error while starting", job.id)
            await self._fail_safely(job.id, ErrorKind.UNKNOWN)

    async def _deliver_safely(self, job_id: str) -> None:
        async with self._lock(job_id):
            job = await self._jobs.get(job_id)
            if job is not None and job.state is JobState.SUCCEEDED:
                await self.deliver_success(job)

    async def _fail_safely(self, job_id: str, kind: ErrorKind) -> None:
        async with self._lock(job_id):
            job = await self._jobs.get(job_id)
            if job is not None and not job.finished:
                await self._fail(job, kind)

    async def start(self, job: Job) -> None:
        """Carry a recorded job forward, from whatever state it is in, until its provider task exists.

        An error before a task exists moves the job to the next provider offering the same model
        (failover, told in one short line); a short rate limit is waited out once first. Once a task
        exists there is no failover: that could charge twice.
        """
        async with self._lock(job.id):
            waited = False
            while True:
                try:
                    await self._to_task(job)
                    break
                except RateLimitedError as exc:
                    if not waited and exc.before_task and (exc.retry_after or 0) <= RATE_LIMIT_PATIENCE_S:
                        waited = True
                        await asyncio.sleep(self._timescale.real(exc.retry_after or 0))
                        if job.state is JobState.SUBMITTING:
                            job.advance(JobState.NOTIFIED)  # the create was refused: ask again
                        continue
                    if await self._fail_over(job, exc):
                        continue
                    await self._fail(job, exc.kind)
                    return
                except ProviderError as exc:
                    log.info(
                        "job %s failed before a task existed: %s (%s)", job.id, exc.kind.value, exc.detail
                    )
                    if await self._fail_over(job, exc):
                        continue
                    await self._fail(job, exc.kind)
                    return
        self._watch(job)

    async def _to_task(self, job: Job) -> None:
        """The steps before the task exists: quote, pre-notify, create (each resumable)."""
        provider = self._providers[job.provider]
        if job.state is JobState.RECEIVED:
            job.quote = await provider.quote(job.request, job.offer)
            job.advance(JobState.QUOTED)
            await self._jobs.save(job)
            await self._announce_failover(job)
        if job.state is JobState.QUOTED:
            await self._notify(job)
        if job.state is JobState.NOTIFIED:
            if job.quote is None or job.quote.provider != job.provider:  # moved here by a failover
                job.quote = await provider.quote(job.request, job.offer)
                await self._announce_failover(job)
            job.advance(JobState.SUBMITTING)
            await self._jobs.save(job)
            handle = await provider.submit(job.quote, job.request)
            job.handle = handle
            job.quote = handle.quote
            job.advance(JobState.RUNNING)
            await self._jobs.save(job)

    async def _fail_over(self, job: Job, exc: ProviderError) -> bool:
        """Move to the next offer of the same model if the error allows it; False when it does not."""
        if not (exc.before_task and exc.kind in FAILOVER_KINDS and job.alternates):
            return False
        following, job.alternates = job.alternates[0], job.alternates[1:]
        log.warning(
            "job %s: %s refused (%s); trying %s", job.id, job.provider, exc.kind.value, following.provider
        )
        job.failover_from = job.provider
        job.provider = following.provider
        job.offer = job.offer.model_copy(update={"ref": following.ref})
        job.eta = following.eta
        job.quote = None
        if job.state is JobState.SUBMITTING:
            job.advance(JobState.NOTIFIED)
        await self._jobs.save(job)
        return True

    async def _announce_failover(self, job: Job) -> None:
        if job.failover_from is None or job.quote is None:
            return
        reply = replies.failover(job, job.failover_from)
        job.failover_from = None
        await self._send(job, reply)
        await self._jobs.save(job)

    async def _notify(self, job: Job) -> None:
        reply = await replies.notice(job, self._catalogue)
        job.started_at = self._timescale.now()
        job.status_message_id = await self._send(job, reply)
        job.delivered.add(Step.NOTICE)
        job.advance(JobState.NOTIFIED)
        await self._jobs.save(job)

    def _watch(self, job: Job) -> None:
        self._scheduler.watch(
            job.id,
            poll_every_s=job.poll_every_s,
            progress_every_s=job.progress_every_s,
            on_poll=self.poll,
            on_progress=self.report_progress,
        )

    # -- Step 2: progress --------------------------------------------------------------------------

    async def report_progress(self, job_id: str) -> None:
        """Send ``P = min(95, floor(elapsed / max * 100))``, frozen at 95 % past the estimate."""
        async with self._lock(job_id):
            job = await self._jobs.get(job_id)
            if job is None or job.state is not JobState.RUNNING or job.started_at is None:
                return
            reply = replies.progress_update(job, self._timescale.elapsed(job.started_at))
            message_id = await self._send(job, reply, replace=job.status_message_id)
            if message_id and message_id != job.status_message_id:
                job.status_message_id = message_id
                await self._jobs.save(job)

    # -- polling, timeout --------------------------------------------------------------------------

    async def poll(self, job_id: str) -> None:
        """One poll tick: time out, keep waiting, or finish the job."""
        async with self._lock(job_id):
            job = await self._jobs.get(job_id)
            if job is None or job.state is not JobState.RUNNING or job.handle is None:
                self._scheduler.forget(job_id)
                return
            try:
                status = await self._providers[job.provider].poll(job.handle)
            except ProviderError as exc:
                await self._poll_failed(job, exc)
                return
            except Exception as exc:  # a bug, or a provider no longer configured: never hang the job
                log.exception("job %s: unexpected error while polling", job.id)
                await self._poll_failed(job, UnexpectedResponseError(repr(exc), before_task=False))
                return
            if status.state is TaskState.SUCCEEDED and status.video_url:
                await self._succeed(job, status)
            elif status.state is TaskState.SUCCEEDED:  # "done" without a video is no success
                log.warning("job %s: the provider reported success without a video", job.id)
                await self._fail(job, ErrorKind.GENERATION_FAILED)
            elif status.state is TaskState.FAILED:
                log.info("job %s: task failed: %s", job.id, status.error_detail)
                await self._fail(job, status.error_kind or ErrorKind.GENERATION_FAILED)
            elif self._overdue(job):
                await self._fail(job, ErrorKind.TIMEOUT)
            elif job.poll_failures:
                job.poll_failures = 0
                await self._jobs.save(job)

    def _overdue(self, job: Job) -> bool:
        return job.started_at is not None and self._timescale.elapsed(job.started_at) > job.timeout_s

    async def _poll_failed(self, job: Job, exc: ProviderError) -> None:
        job.poll_failures += 1
        log.warning("job %s: poll %d failed: %s", job.id, job.poll_failures, exc.kind.value)
        if self._overdue(job):
            await self._fail(job, ErrorKind.TIMEOUT)
        elif exc.kind in TRANSIENT_POLL_ERRORS and job.poll_failures < MAX_POLL_FAILURES:
            await self._jobs.save(job)
        else:
            await self._fail(job, exc.kind)

    # -- Step 3: success ---------------------------------------------------------------------------

    async def _succeed(self, job: Job, status: TaskStatus) -> None:
        self._scheduler.forget(job.id)
        job.video_url = status.video_url
        job.cover_url = status.cover_url
        job.duration_s = status.duration_s
        job.advance(JobState.SUCCEEDED)
        await self._jobs.save(job)
        await self.deliver_success(job)

    async def deliver_success(self, job: Job) -> None:
        """The video first (inline player), then the link as text; each step once."""
        if Step.VIDEO not in job.delivered:
            actual = self._timescale.elapsed(job.started_at) if job.started_at else 0.0
            await self._send(job, replies.video(job, actual), replace=job.status_message_id)
            job.delivered.add(Step.VIDEO)
            await self._jobs.save(job)
        if Step.LINK not in job.delivered:
            await self._send(job, replies.link(job))
            job.delivered.add(Step.LINK)
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
        job.advance(JobState.DELIVERED)
        await self._jobs.save(job)
        self._locks.pop(job.id, None)

    # -- Step 4: failure ---------------------------------------------------------------------------

    async def _fail(self, job: Job, kind: ErrorKind) -> None:
        self._scheduler.forget(job.id)
        job.error_kind = kind
        if Step.FAILURE not in job.delivered:
            reply = await replies.failure_notice(job, kind, self._catalogue)
            await self._send(job, reply, replace=job.status_message_id)
            job.delivered.add(Step.FAILURE)
        job.advance(JobState.FAILED)
        await self._jobs.save(job)
        self._locks.pop(job.id, None)

    # -- plumbing ----------------------------------------------------------------------------------

    async def _send(self, job: Job, reply: Reply, *, replace: str | None = None) -> str | None:
        try:
            return await self._outbox.send(job.chat, reply, replace=replace)
        except Exception:
            log.exception("job %s: could not deliver %s", job.id, reply.kind.value)
            return None

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _lock(self, job_id: str) -> asyncio.Lock:
        return self._locks.setdefault(job_id, asyncio.Lock())
