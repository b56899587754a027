"""What every part of the generation flow shares: the stores, timers, locks and the ends of a job.

A job's user-visible step is shown once (:meth:`JobDesk._tell` records it right after the send); its
ends (failed, uncertain, unreachable, cancelled) release its timers and lock. :mod:`handlers.flow`
builds on this with admission and the create, :mod:`handlers.watching` with polls and delivery, and
:mod:`handlers.asking` with go-ahead questions.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from handlers import replies
from handlers.background import Background
from handlers.budgets import Budget, quote_millicents
from handlers.channel import ChatUnreachable, Outbox
from handlers.creating import CreateAttempts
from handlers.jobs import Job, JobState, JobStore, Step
from handlers.polling import PollBackoff
from handlers.scheduling import JobScheduler
from handlers.suggesting import suggest
from handlers.timing import TimeScale
from messages.reply import Reply
from prefs.base import Preferences
from providers.base import VideoProvider
from providers.catalogue import Catalogue
from providers.errors import ErrorKind, ProviderError
from providers.types import TaskHandle

log = logging.getLogger(__name__)


class JobDesk:
    """The flow's shared state and plumbing. Knows providers by name; knows chats only through the outbox."""

    def __init__(
        self,
        *,
        catalogue: Catalogue,
        providers: Mapping[str, VideoProvider],
        jobs: JobStore,
        prefs: Preferences,
        outbox: Outbox,
        scheduler: JobScheduler,
        timescale: TimeScale,
        budget: Budget | None = None,
        max_working: int = 2,
    ) -> None:
        self._budget = budget or Budget()
        self._max_working = max_working  # each user's jobs at a time; the rest wait in the queue
        self._catalogue = catalogue
        self._providers = providers
        self._jobs = jobs
        self._prefs = prefs
        self._outbox = outbox
        self._scheduler = scheduler
        self._timescale = timescale
        self._locks: dict[str, asyncio.Lock] = {}
        self._background = Background(let_go=self._let_go)
        self._backoff = PollBackoff(timescale)
        self._attempts: dict[str, CreateAttempts] = {}  # per job until it ends: refusals come by poll too
        self._stopping: dict[str, asyncio.Event] = {}  # jobs being cancelled (handlers.cancelling)
        self._resumed: set[str] = set()  # jobs picked up after a restart, until they end
        self._user_locks: dict[str, asyncio.Lock] = {}  # a user's queue (handlers.queueing)

    def _let_go(self, job_id: str) -> None:
        """Forget a job another instance now holds (a shared ledger): its timers, tries and lock."""
        self._scheduler.forget(job_id)
        self._backoff.clear(job_id)
        self._attempts.pop(job_id, None)
        self._resumed.discard(job_id)
        self._locks.pop(job_id, None)

    def _price(self, job: Job) -> None:
        if job.quote is not None:
            job.cost = quote_millicents(job.quote, unpriced=self._budget.unpriced)

    def _running(self, job: Job, handle: TaskHandle) -> None:
        job.handle = handle
        job.quote = handle.quote
        self._price(job)  # charged: what was actually sent
        job.error_kind = None
        job.advance(JobState.RUNNING)

    async def _fail(self, job: Job, kind: ErrorKind) -> None:
        job.error_kind = kind
        if Step.FAILURE not in job.delivered:
            reply = await self._failure_reply(job, kind)
            await self._tell(job, Step.FAILURE, reply, replace=job.status_message_id)
        await self._end(job, JobState.FAILED)

    async def _failure_reply(self, job: Job, kind: ErrorKind) -> Reply:
        """Step 4 with suggestions fit for this failure and request; a job resumed after a restart
        names its video (its notice may be far above, or in an earlier session)."""
        found = await suggest(job, kind, self._catalogue, self._providers)
        return replies.failure_notice(job, kind, found, about=job.id in self._resumed)

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
        self._resumed.discard(job.id)
        job.advance(state)
        await self._jobs.save(job)
        self._locks.pop(job.id, None)
        self._freed(job.user_key)

    def _freed(self, user_key: str) -> None:
        """One of ``user_key``'s places may be free: their next queued job starts (in the background)."""
        self._background.spawn(self._promote(user_key), f"promote:{user_key}")

    async def _promote(self, user_key: str) -> None:
        """Start queued jobs while places are free (see :class:`handlers.queueing.Queueing`)."""
        raise NotImplementedError

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

    async def _start_safely(self, job: Job, refused: ProviderError | None = None) -> None:
        """Carry a recorded job on towards its task (see :class:`handlers.flow.GenerationFlow`)."""
        raise NotImplementedError
