"""The generation flow: seed 001 Steps 1-4 as transitions of a job's state machine.

RECEIVED -> QUOTED -> NOTIFIED -> SUBMITTING -> RUNNING -> SUCCEEDED -> DELIVERED, and FAILED from any
step before the end; RUNNING -> LATE past the deadline (a slow late check); SUBMITTING -> UNCERTAIN
when a create may have happened and cannot be checked (:mod:`handlers.reconciling`); UNREACHABLE when
the chat refuses the notice for good, before anything is ordered. Each user-visible step is recorded
in ``job.delivered`` once shown, so it is never shown twice. Timers come from :class:`JobScheduler`;
one lock per job keeps ticks of the same job in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Mapping
from datetime import timedelta

from handlers import replies
from handlers.background import Background
from handlers.budgets import Budget, Charge, quote_millicents
from handlers.channel import ChatUnreachable, Outbox
from handlers.creating import CreateAttempts
from handlers.jobs import Admission, Ask, Job, JobState, JobStore, Step
from handlers.money import Display
from handlers.polling import LATE_CHECK_EVERY_S, PollBackoff, late_check_over
from handlers.reconciling import CannotTell, look_once, reconcile
from handlers.remembering import remember_model
from handlers.scheduling import JobScheduler
from handlers.timing import TimeScale, utc_now
from messages.reply import Reply
from messages.spending import amount_text
from prefs import PreferenceStore
from providers.base import VideoProvider
from providers.catalogue import Catalogue
from providers.errors import ErrorKind, ProviderError, TaskLostError, UnexpectedResponseError
from providers.types import TaskHandle, TaskState, TaskStatus

log = logging.getLogger(__name__)

DEFAULT_GRACE_S = 20.0  # real seconds a shutdown lets creates in flight finish
ASK_FOR_S = 300  # a go-ahead question is open this long (virtual seconds), then the job is called off


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
        budget: Budget | None = None,
    ) -> None:
        self._budget = budget or Budget()
        self._catalogue = catalogue
        self._providers = providers
        self._jobs = jobs
        self._prefs = prefs
        self._outbox = outbox
        self._scheduler = scheduler
        self._timescale = timescale
        self._locks: dict[str, asyncio.Lock] = {}
        self._background = Background()
        self._backoff = PollBackoff(timescale)
        self._attempts: dict[str, CreateAttempts] = {}  # per job until it ends: refusals come by poll too

    # -- admission, resume, shutdown -----------------------------------------------------------------

    async def admit(self, job: Job, *, max_working: int) -> Admission:
        """Quote a new job, then record it with its budget reservation if its user is under the limit
        and its cost fits every budget (one ledger transaction), then run it.

        Not admitted: nothing recorded, nothing reserved. :class:`handlers.jobs.DuplicateJob` when its
        inbound key already made a job. A quote that fails here is tried again once admitted (with
        failover); meanwhile the reservation holds the estimate the job came with (``job.cost``).
        """
        try:
            job.quote = await self._providers[job.provider].quote(job.request, job.offer)
        except Exception as exc:  # the started job quotes again, with failover and its safety net
            log.info("job %s: no quote before admission (%r); reserving the estimate", job.id, exc)
        else:
            job.advance(JobState.QUOTED)
            self._price(job)
        priced = job.quote is not None and job.quote.credits > 0  # an unknown price is no dear one
        if job.ask is None and priced and job.confirm_above is not None and job.cost > job.confirm_above:
            job.ask = Ask.COST
        charge = Charge(
            user=job.user_key, chat=job.chat.space_key, millicents=job.cost, at=utc_now(), budget=self._budget
        )
        admission = await self._jobs.admit(job, max_working=max_working, charge=charge)
        if admission.admitted:
            self._background.spawn(self._start_safely(job), f"start:{job.id}")
        return admission

    async def resume(self, *, platforms: Collection[str], user_key: str | None = None) -> int:
        """Pick up every unfinished job of ``platforms`` after a restart; returns how many.

        Polling resumes (progress counts from the job's original start), a video that finished while we
        were down is delivered, steps already shown are not shown again, and a job stopped while the
        provider's create was under way is reconciled (never created again blindly).
        """
        resumed = 0
        for job in await self._jobs.active(user_key):
            if job.chat.platform not in platforms:
                continue
            resumed += 1
            if job.state is JobState.RUNNING:
                self._watch(job)
                self._background.spawn(self.poll(job.id), f"poll:{job.id}")
            elif job.state is JobState.LATE:
                self._watch_late(job.id)
            elif job.state is JobState.SUCCEEDED:
                self._background.spawn(self._deliver_safely(job.id), f"deliver:{job.id}")
            elif job.state is JobState.AWAITING and job.ask is not None:
                self._expire_later(job)  # still waiting for its go-ahead
            else:
                self._background.spawn(self._start_safely(job), f"start:{job.id}")
        return resumed

    async def drain(self, grace_s: float = DEFAULT_GRACE_S) -> None:
        """Stop: no new work; give creates in flight ``grace_s`` real seconds, then cancel what is left.

        Every job keeps its recorded state, so the next start resumes it; nobody is told "failed"
        because we stopped. Call before the provider clients are closed.
        """
        self._scheduler.shutdown()
        await self._background.drain(grace_s)

    async def _start_safely(self, job: Job, refused: ProviderError | None = None) -> None:
        try:
            await self.start(job, refused=refused)
        except Exception:
            log.exception("job %s: unexpected error while starting", job.id)
            await self._end_unexpectedly(job.id)

    async def _end_unexpectedly(self, job_id: str) -> None:
        """A bug stopped the job: fail it, unless its create may have happened (then it is uncertain)."""
        async with self._lock(job_id):
            job = await self._jobs.get(job_id)
            if job is None or job.finished:
                return
            if job.state is JobState.SUBMITTING:
                await self._uncertain(job, ErrorKind.UNKNOWN)
            elif job.state is JobState.RUNNING:
                self._watch(job)  # the task exists: it is polled to the end
            elif job.state is not JobState.LATE:
                await self._fail(job, ErrorKind.UNKNOWN)

    async def _deliver_safely(self, job_id: str) -> None:
        async with self._lock(job_id):
            job = await self._jobs.get(job_id)
            if job is not None and job.state is JobState.SUCCEEDED:
                await self.deliver_success(job)

    # -- Step 1: quote, pre-notify, create -------------------------------------------------------------

    async def start(self, job: Job, *, refused: ProviderError | None = None) -> None:
        """Carry a recorded job forward, from whatever state it is in, until its provider task exists.

        A refusal before a task exists is waited out once when short, then moves the job to the next
        provider of the same model (failover, told in one line), else is retried a few times with
        backoff (:mod:`handlers.creating`). An ambiguous create is reconciled, never re-sent blindly.
        ``refused``: a synchronous provider's refusal that arrived by poll (the job is back at NOTIFIED).
        """
        async with self._lock(job.id):
            stored = await self._jobs.get(job.id)  # the record, as an answer or a refusal left it
            if stored is None or stored.finished:
                return
            job = stored
            attempts = self._attempts.setdefault(job.id, CreateAttempts())
            if refused is not None and not await self._after_refusal(job, refused, attempts):
                return
            if job.state is JobState.SUBMITTING and not await self._reconciled(job):
                return  # resumed mid-create and uncertain: told, recorded, nothing more to do
            while job.state is not JobState.RUNNING:
                try:
                    await self._to_task(job)
                    if job.state is JobState.AWAITING:
                        return  # asked for a go-ahead: nothing more until the user answers
                except ChatUnreachable:
                    await self._unreachable(job)
                    return
                except ProviderError as exc:
                    if job.state is JobState.SUBMITTING and not exc.before_task:
                        log.warning("job %s: the create's outcome is unknown (%s)", job.id, exc.kind.value)
                        job.error_kind = exc.kind
                        if not await self._reconciled(job):
                            return
                        if job.handle is not None:  # found: it runs
                            break
                        exc.before_task = True  # proven: nothing was created, so it is a refusal
                    if not await self._after_refusal(job, exc, attempts):
                        return
        self._watch(job)

    async def _after_refusal(self, job: Job, exc: ProviderError, attempts: CreateAttempts) -> bool:
        """Nothing was created: True to try again (waited, moved or backed off), False once failed."""
        log.info(
            "job %s: %s refused before a task existed: %s (%s)", job.id, job.provider, exc.kind, exc.detail
        )
        if job.state is JobState.SUBMITTING:
            job.advance(JobState.NOTIFIED)  # the create was refused: ask again
            await self._jobs.save(job)
        wait_s = attempts.short_wait(exc)
        if wait_s is None and await self._fail_over(job, exc):
            attempts.moved()
            return True
        if wait_s is None:
            wait_s = attempts.backoff(exc)
        if wait_s is None:
            await self._fail(job, exc.kind)
            return False
        await asyncio.sleep(self._timescale.real(wait_s))
        return True

    async def _to_task(self, job: Job) -> None:
        """The steps before the task exists: quote, pre-notify, create (each resumable)."""
        provider = self._providers[job.provider]
        if job.state is JobState.RECEIVED:
            job.quote = await provider.quote(job.request, job.offer)
            self._price(job)
            job.advance(JobState.QUOTED)
            await self._jobs.save(job)
            await self._announce_failover(job)
        if job.state is JobState.QUOTED and job.ask is not None:
            await self._ask(job)
            return
        if job.state is JobState.AWAITING and job.ask is not None:
            return
        if job.state in (JobState.QUOTED, JobState.AWAITING):
            await self._notify(job)
        if job.state is JobState.NOTIFIED:
            if job.quote is None or job.quote.provider != job.provider:  # moved here by a failover
                job.quote = await provider.quote(job.request, job.offer)
                self._price(job)  # the reservation moves with the job
                await self._announce_failover(job)
            job.submitted_at = utc_now()
            job.advance(JobState.SUBMITTING)
            await self._jobs.save(job)  # from here on the task may exist: a restart reconciles
            try:
                handle = await provider.submit(job.quote, job.request, key=job.id)
            except ProviderError:
                raise
            except Exception as exc:  # a bug mid-create: whether it reached the provider is unknown
                log.exception("job %s: unexpected error during the create", job.id)
                raise UnexpectedResponseError(repr(exc), before_task=False) from exc
            self._running(job, handle)
            await self._jobs.save(job)

    async def _reconciled(self, job: Job) -> bool:
        """Settle a create that may have happened. True: go on (task found, or proven absent)."""
        try:
            handle = await reconcile(self._providers[job.provider], job, self._timescale)
        except CannotTell as exc:
            log.warning("job %s: %s", job.id, exc)
            await self._uncertain(job, job.error_kind or ErrorKind.UNKNOWN)
            return False
        if handle is None:
            job.advance(JobState.NOTIFIED)  # proven not created: the create may be sent again
        else:
            self._running(job, handle)
        await self._jobs.save(job)
        return True

    def _running(self, job: Job, handle: TaskHandle) -> None:
        job.handle = handle
        job.quote = handle.quote
        self._price(job)  # charged: what was actually sent
        job.error_kind = None
        job.advance(JobState.RUNNING)

    def _price(self, job: Job) -> None:
        if job.quote is not None:
            job.cost = quote_millicents(job.quote, unpriced=self._budget.unpriced)

    async def _fail_over(self, job: Job, exc: ProviderError) -> bool:
        """Move to the next offer of the same model if the error allows it; False when it does not."""
        if not (exc.before_task and CreateAttempts.may_fail_over(exc) and job.alternates):
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
        """Step 1. A chat that refuses it for good raises :class:`ChatUnreachable`: nothing is ordered."""
        reply = await replies.notice(job, self._catalogue)
        job.started_at = self._timescale.now()
        job.status_message_id = await self._send(job, reply, permanent_errors=True)
        job.delivered.add(Step.NOTICE)
        job.advance(JobState.NOTIFIED)
        await self._jobs.save(job)

    # -- a go-ahead before step 1 --------------------------------------------------------------------

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
            job = await self._jobs.get(job_id)
            if job is None or job.state not in (JobState.QUOTED, JobState.AWAITING) or job.ask is None:
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

    def _watch(self, job: Job) -> None:
        self._scheduler.watch(
            job.id,
            poll_every_s=job.poll_every_s,
            progress_every_s=job.progress_every_s,
            on_poll=self._background.tracked(self.poll),
            on_progress=self._background.tracked(self.report_progress),
        )

    def _watch_late(self, job_id: str) -> None:
        self._scheduler.watch_late(
            job_id, every_s=LATE_CHECK_EVERY_S, on_poll=self._background.tracked(self.poll)
        )

    # -- Step 2: progress ------------------------------------------------------------------------------

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

    # -- polling, timeout, late check --------------------------------------------------------------------

    async def poll(self, job_id: str) -> None:
        """One poll tick: finish the job, keep waiting, time out into the late check, or back off."""
        async with self._lock(job_id):
            job = await self._jobs.get(job_id)
            if job is None or job.state not in (JobState.RUNNING, JobState.LATE) or job.handle is None:
                self._scheduler.forget(job_id)
                return
            if self._backoff.waiting(job.id):
                await self._check_deadline(job)
                return
            try:
                status = await self._providers[job.provider].poll(job.handle)
            except ProviderError as exc:
                await self._poll_failed(job, exc)
                return
            except Exception as exc:  # a bug, or a provider no longer configured: keep the task
                log.exception("job %s: unexpected error while polling", job.id)
                await self._poll_failed(job, UnexpectedResponseError(repr(exc), before_task=False))
                return
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
        reply = await replies.failure_notice(job, ErrorKind.TIMEOUT, self._catalogue)
        await self._tell(job, Step.FAILURE, reply, replace=job.status_message_id)
        job.error_kind = ErrorKind.TIMEOUT
        job.advance(JobState.LATE)
        await self._jobs.save(job)
        self._watch_late(job.id)
        return True

    # -- Step 3: success ---------------------------------------------------------------------------------

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

    # -- Step 4 and the other ends -----------------------------------------------------------------------

    async def _fail(self, job: Job, kind: ErrorKind) -> None:
        job.error_kind = kind
        if Step.FAILURE not in job.delivered:
            reply = await replies.failure_notice(job, kind, self._catalogue)
            await self._tell(job, Step.FAILURE, reply, replace=job.status_message_id)
        await self._end(job, JobState.FAILED)

    async def _uncertain(self, job: Job, kind: ErrorKind) -> None:
        """The create may have happened and cannot be checked: say so plainly, never re-send."""
        log.warning(
            "job %s: UNCERTAIN: a %s create may exist and be charged; check the provider's console",
            job.id,
            job.provider,
        )
        job.error_kind = kind
        await self._tell(job, Step.UNCERTAIN, replies.uncertain(job), replace=job.status_message_id)
        await self._end(job, JobState.UNCERTAIN)

    async def _unreachable(self, job: Job) -> None:
        log.warning("job %s: the chat %s refuses our messages; nothing was ordered", job.id, job.chat.chat_id)
        await self._end(job, JobState.UNREACHABLE)

    async def _end(self, job: Job, state: JobState) -> None:
        self._scheduler.forget(job.id)
        self._backoff.clear(job.id)
        self._attempts.pop(job.id, None)
        job.advance(state)
        await self._jobs.save(job)
        self._locks.pop(job.id, None)

    # -- plumbing ----------------------------------------------------------------------------------------

    async def _tell(self, job: Job, step: Step, reply: Reply, *, replace: str | None = None) -> None:
        """Show a step once: recorded right after the send, so a restart repeats at most this one."""
        if step in job.delivered:
            return
        await self._send(job, reply, replace=replace)
        job.delivered.add(step)
        await self._jobs.save(job)

    async def _send(
        self, job: Job, reply: Reply, *, replace: str | None = None, permanent_errors: bool = False
    ) -> str | None:
        """Show ``reply``; trouble is logged, never raised, but for a chat gone for good when asked."""
        try:
            return await self._outbox.send(job.chat, reply, replace=replace)
        except ChatUnreachable:
            if permanent_errors:
                raise
            log.warning("job %s: the chat no longer takes our messages (%s)", job.id, reply.kind.value)
            return None
        except Exception:
            log.exception("job %s: could not deliver %s", job.id, reply.kind.value)
            return None

    def _lock(self, job_id: str) -> asyncio.Lock:
        return self._locks.setdefault(job_id, asyncio.Lock())
