"""The generation flow: seed 001 Steps 1-4 as transitions of a job's state machine.

RECEIVED -> QUOTED -> NOTIFIED -> SUBMITTING -> RUNNING -> SUCCEEDED -> DELIVERED, and FAILED from any
step before the end; RUNNING -> LATE past the deadline (a slow late check); SUBMITTING -> UNCERTAIN
when a create may have happened and cannot be checked (:mod:`handlers.reconciling`); UNREACHABLE when
the chat refuses the notice for good, before anything is ordered; QUOTED -> AWAITING -> NOTIFIED or
CANCELLED around a go-ahead question (:mod:`handlers.asking`); CANCELLED from any step before the
video exists when its user calls it off (:mod:`handlers.cancelling`). Each user-visible step is recorded
in ``job.delivered`` once shown, so it is never shown twice. Timers come from :class:`JobScheduler`;
one lock per job keeps ticks of the same job in order.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from handlers import metering, replies
from handlers.asking import Asking
from handlers.budgets import Charge
from handlers.cancelling import Cancelling
from handlers.channel import ChatUnreachable
from handlers.cheaper import cheaper_option
from handlers.creating import CreateAttempts
from handlers.jobs import Admission, Ask, Job, JobLeased, JobState, Step
from handlers.queueing import Queueing
from handlers.reconciling import CannotTell, reconcile
from handlers.timing import utc_now
from handlers.watching import Watching
from providers.errors import ErrorKind, ProviderError, UnexpectedResponseError

log = logging.getLogger(__name__)

DEFAULT_GRACE_S = 20.0  # real seconds a shutdown lets creates in flight finish


class GenerationFlow(Watching, Asking, Cancelling, Queueing):
    """Runs jobs through the protocol: admission, resume, the create; polls and delivery in
    :class:`handlers.watching.Watching`, questions in :class:`handlers.asking.Asking`, cancels in
    :class:`handlers.cancelling.Cancelling`, the queue in :class:`handlers.queueing.Queueing`."""

    async def admit(self, job: Job, *, max_working: int, max_queued: int = 0) -> Admission:
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
        async with self._user_lock(job.user_key):  # its queue notice goes out before it can leave the queue
            admission = await self._jobs.admit(
                job, max_working=max_working, charge=charge, max_queued=max_queued
            )
            if admission.admitted and admission.position is not None:
                await self._queued(job, admission.position)
            elif admission.admitted:
                self._background.spawn(self._start_safely(job), f"start:{job.id}")
        return admission

    async def resume(self, *, platforms: Collection[str], user_key: str | None = None) -> int:
        """Pick up every unfinished job of ``platforms`` after a restart, or (a shared ledger) those whose
        instance stopped; returns how many.

        Returns how many were picked up, queued ones aside (they start when a place frees).
        Polling resumes (progress counts from the job's original start), a video that finished while we
        were down is delivered, steps already shown are not shown again, and a job stopped while the
        provider's create was under way is reconciled (never created again blindly).
        """
        resumed = 0
        queues: set[str] = set()
        for job in await self._jobs.take_over(platforms, user_key):
            if job.state is JobState.QUEUED:  # it waits for a place, as before the restart; a shared
                queues.add(job.user_key)  # ledger hands queued jobs to every take-over: not counted
                continue
            resumed += 1
            self._resumed.add(job.id)
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
        for user in queues:
            self._freed(user)
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
        except JobLeased:
            raise  # another instance works it: let go here (handlers.background), never fail it
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

    async def start(self, job: Job, *, refused: ProviderError | None = None) -> None:
        """Carry a recorded job forward, from whatever state it is in, until its provider task exists.

        A refusal before a task exists is waited out once when short, then moves the job to the next
        provider of the same model (failover, told in one line), else is retried a few times with
        backoff (:mod:`handlers.creating`). An ambiguous create is reconciled, never re-sent blindly.
        ``refused``: a synchronous provider's refusal that arrived by poll (the job is back at NOTIFIED).
        """
        async with self._lock(job.id):
            stored = await self._jobs.get(job.id)  # the record, as an answer or a refusal left it
            if stored is None or stored.finished or stored.state is JobState.QUEUED:
                return  # a queued job starts when it leaves the queue (handlers.queueing)
            job = stored
            attempts = self._attempts.setdefault(job.id, CreateAttempts())
            if refused is not None and not await self._after_refusal(job, refused, attempts):
                return
            if job.state is JobState.SUBMITTING and not await self._reconciled(job):
                return  # resumed mid-create and uncertain: told, recorded, nothing more to do
            while job.state is not JobState.RUNNING:
                if self._stop_wanted(job.id):
                    return  # called off before its create: the cancel ends it
                try:
                    await self._to_task(job)
                    if job.state is JobState.AWAITING:
                        return  # asked for a go-ahead: nothing more until the user answers
                except ChatUnreachable:
                    await self._unreachable(job)
                    return
                except ProviderError as exc:
                    metering.provider_error(job.provider, "create", exc.kind)
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
        await self._pause(job.id, self._timescale.real(wait_s))
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
        announced = False  # the notice went out and is recorded with the next save (one write, not two)
        if job.state in (JobState.QUOTED, JobState.AWAITING):
            await self._notify(job)
            announced = True
        if job.state is JobState.NOTIFIED:
            moved = job.quote is None or job.quote.provider != job.provider  # moved here by a failover
            if announced and (moved or self._stop_wanted(job.id)):
                await self._jobs.save(job)  # the notice is recorded before anything else happens
            if moved:
                job.quote = await provider.quote(job.request, job.offer)
                self._price(job)  # the reservation moves with the job
                await self._announce_failover(job)
            if self._stop_wanted(job.id):
                return  # called off while being announced: nothing is ordered
            job.submitted_at = utc_now()
            job.advance(JobState.SUBMITTING)
            await self._jobs.save(job)  # the notice and, from here on, a task that may exist: reconciled
            assert job.quote is not None  # quoted above, or just now after a failover
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
        reply = replies.notice(job, await cheaper_option(job, self._catalogue, self._providers))
        job.started_at = self._timescale.now()
        job.status_message_id = await self._send(job, reply, permanent_errors=True)
        job.delivered.add(Step.NOTICE)
        job.advance(JobState.NOTIFIED)  # saved by the caller, with the create's SUBMITTING
