"""Jobs: plain data records, their states and allowed transitions, and the store interface."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Collection
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from handlers.budgets import Budget, Charge, OverBudget, Period, Scope, SpendState, Usage
from handlers.controls import AuditEntry, Control, ControlKey
from handlers.inbound import ChatRef
from handlers.timing import utc_now
from messages.reply import Selection
from providers.errors import ErrorKind
from providers.routing import ModelOffer
from providers.types import EtaRange, GenerationRequest, Offer, Quote, TaskHandle


class JobState(StrEnum):
    """The generation flow, seed 001 Steps 1-4, as states."""

    RECEIVED = "received"  # recorded; model chosen; nothing sent yet
    QUEUED = "queued"  # admitted over its user's limit of jobs at a time: starts when one of theirs ends
    QUOTED = "quoted"  # exact parameters and credits known
    AWAITING = "awaiting"  # asked for the user's go-ahead (a dear video, or words without a request)
    NOTIFIED = "notified"  # step 1 delivered: model, ETA, cost
    SUBMITTING = "submitting"  # the provider's create is being called
    RUNNING = "running"  # the provider task exists; polling, step 2 progress
    LATE = "late"  # past its deadline and the user told so; a slow late check still looks for the video
    SUCCEEDED = "succeeded"  # the video exists; step 3 being delivered
    DELIVERED = "delivered"  # step 3 done (video, then link)  -- final
    FAILED = "failed"  # step 4 done (reason, alternatives); nothing is paid for  -- final
    UNCERTAIN = "uncertain"  # the create may have happened (and been paid) but could not be checked -- final
    UNREACHABLE = "unreachable"  # the chat refused the notice for good; nothing was ordered -- final
    # the user called it off (no go-ahead, a "no", or a cancel); if a task existed, it was withdrawn at
    # the provider (``Job.refunded``) or is no longer followed and may be charged -- final
    CANCELLED = "cancelled"


S = JobState
TRANSITIONS: dict[JobState, frozenset[JobState]] = {
    S.RECEIVED: frozenset({S.QUOTED, S.QUEUED, S.FAILED, S.CANCELLED}),
    S.QUEUED: frozenset({S.RECEIVED, S.QUOTED, S.CANCELLED, S.FAILED}),
    S.QUOTED: frozenset({S.NOTIFIED, S.AWAITING, S.QUEUED, S.FAILED, S.UNREACHABLE, S.CANCELLED}),
    S.AWAITING: frozenset({S.NOTIFIED, S.CANCELLED, S.FAILED, S.UNREACHABLE}),
    S.NOTIFIED: frozenset({S.SUBMITTING, S.FAILED, S.UNREACHABLE, S.CANCELLED}),
    # SUBMITTING -> NOTIFIED: the create was refused before a task existed (a failover, a retry, or a
    # reconciliation that proved nothing was created); SUBMITTING -> UNCERTAIN: it may exist, unchecked.
    S.SUBMITTING: frozenset({S.RUNNING, S.FAILED, S.NOTIFIED, S.UNCERTAIN}),
    # RUNNING -> NOTIFIED: a synchronous provider refused the work before accepting it (no task);
    # RUNNING -> SUBMITTING: it lost track of the work (a restart): the create is reconciled again.
    S.RUNNING: frozenset({S.SUCCEEDED, S.FAILED, S.LATE, S.NOTIFIED, S.SUBMITTING, S.CANCELLED}),
    S.LATE: frozenset({S.SUCCEEDED, S.FAILED, S.CANCELLED}),
    S.SUCCEEDED: frozenset({S.DELIVERED, S.FAILED}),
    S.DELIVERED: frozenset(),
    S.FAILED: frozenset(),
    S.UNCERTAIN: frozenset(),
    S.UNREACHABLE: frozenset(),
    S.CANCELLED: frozenset(),
}
FINAL_STATES = frozenset({S.DELIVERED, S.FAILED, S.UNCERTAIN, S.UNREACHABLE, S.CANCELLED})
# Final states that prove no task was created (when the job has none): the budget is released.
RELEASING_STATES = frozenset({S.FAILED, S.UNREACHABLE, S.CANCELLED})
# Jobs that count towards a user's limit: every unfinished one but a late check, which costs nothing more,
# and a queued one, which waits for a free place.
WORKING_STATES = frozenset(JobState) - FINAL_STATES - {S.LATE, S.QUEUED}


@dataclass(frozen=True)
class Admission:
    """The answer to a new job: admitted, or why not (the user's limit of jobs, or a budget)."""

    admitted: bool
    over_budget: OverBudget | None = None
    barred: Control | None = None  # BLOCKED (the user) or PAUSED (the chat), by an admin
    position: int | None = None  # admitted into the queue at this place (1: next to start)

    @property
    def busy(self) -> bool:
        """Refused only because the user has their limit of jobs at a time and a full queue."""
        return not self.admitted and self.over_budget is None and self.barred is None


@dataclass(frozen=True)
class LedgerFigures:
    """What the ledger holds now, for operators: jobs by state, and what was charged per provider
    (``(provider, unit) -> credits``, over the jobs the ledger still keeps)."""

    jobs_by_state: dict[str, int]
    charged: dict[tuple[str, str], int]


class InvalidTransition(Exception):
    """A bug: the flow tried a step out of order."""


class DuplicateJob(Exception):
    """A second job for one inbound message: a redelivery got past the inbound claim."""


class JobLeased(Exception):
    """Another live instance works this job (its lease, :meth:`JobStore.take_over`): nothing was
    written. The instance that raised it lets the job go; its owner carries it on."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"{job_id} is worked by another instance")
        self.job_id = job_id


class Step(StrEnum):
    """User-visible steps, each recorded when delivered so it is never sent twice."""

    NOTICE = "notice"
    VIDEO = "video"
    LINK = "link"
    FAILURE = "failure"
    QUESTION = "question"  # "shall I make it?" before a go-ahead
    LATE_NOTE = "late_note"  # "it finished after all", before a late video
    UNCERTAIN = "uncertain"  # "it may have been ordered; we could not check"
    CANCEL = "cancel"  # "cancelled": what it means for the money
    QUEUE = "queue"  # "queued at place N": it starts when one of theirs ends


class Ask(StrEnum):
    """Why a job waits for the user's go-ahead before anything is ordered."""

    COST = "cost"  # it costs more than the chat's confirmation threshold
    WORDS = "words"  # the message did not say it wanted a video


def new_job_id() -> str:
    return f"job_{uuid.uuid4().hex[:16]}"


class Job(BaseModel):
    """One generation request and everything needed to finish it, as plain data."""

    id: str = Field(default_factory=new_job_id)
    inbound_key: str
    chat: ChatRef
    request: GenerationRequest
    provider: str
    offer: Offer
    alternates: tuple[ModelOffer, ...] = ()  # the same model elsewhere, for failover before a task exists
    failover_from: str | None = None  # a provider we just left: the user is told once the new cost is known
    family: str
    trait: str
    selection: Selection
    remember: bool = True  # save the model as the user's preference on success
    ask: Ask | None = None  # wait for a go-ahead before the notice (AWAITING)
    ask_until: datetime | None = None  # real UTC: after it, an unanswered question cancels the job
    confirm_above: int | None = None  # millicents: a dearer job asks first (the chat's threshold)
    state: JobState = JobState.RECEIVED
    quote: Quote | None = None
    handle: TaskHandle | None = None
    eta: EtaRange
    poll_every_s: int
    progress_every_s: int
    timeout_s: int
    status_message_id: str | None = None
    delivered: set[Step] = Field(default_factory=set)
    error_kind: ErrorKind | None = None
    video_url: str | None = None
    cover_url: str | None = None
    duration_s: float | None = None
    poll_failures: int = 0
    refunded: bool = False  # its task was withdrawn at the provider (a cancel): nothing is charged
    cost: int = 0  # millicents the budget holds for it: the quote's cost (handlers.budgets)
    created_at: datetime = Field(default_factory=utc_now)
    started_at: datetime | None = None  # when the user was told it started (step 1)
    submitted_at: datetime | None = None  # when the provider's create was last sent (real UTC)
    finished_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utc_now)

    @property
    def model_key(self) -> str:
        return self.offer.model_key

    @property
    def model_name(self) -> str:
        return self.offer.model_name

    @property
    def user_key(self) -> str:
        return self.chat.user_key

    @property
    def finished(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def working(self) -> bool:
        """Counts towards the user's limit of jobs at a time."""
        return self.state in WORKING_STATES

    @property
    def spend(self) -> SpendState:
        """Charged once a provider task exists (unless withdrawn), released when none was made, else
        reserved."""
        if self.handle is not None and not self.refunded:
            return SpendState.CHARGED
        if self.state in RELEASING_STATES or self.refunded:
            return SpendState.RELEASED
        return SpendState.RESERVED  # an uncertain create stays reserved: it may have been paid

    def advance(self, to: JobState) -> None:
        """Move to ``to`` if the state machine allows it."""
        if to not in TRANSITIONS[self.state]:
            raise InvalidTransition(f"{self.id}: {self.state} -> {to}")
        self.state = to
        self.updated_at = utc_now()
        if to in FINAL_STATES:
            self.finished_at = self.updated_at


class JobEvent(BaseModel):
    """One line of a job's history: when, the state it was in, and what changed."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    state: JobState
    note: str


@dataclass(frozen=True)
class Milestones:
    """The facts a job's history notes: its state, delivered steps, task id, status message, error."""

    state: JobState
    delivered: frozenset[Step] = frozenset()
    task_id: str | None = None
    status_message_id: str | None = None
    error_kind: ErrorKind | None = None

    @classmethod
    def of(cls, job: Job) -> Milestones:
        return cls(
            state=job.state,
            delivered=frozenset(job.delivered),
            task_id=job.handle.task_id if job.handle else None,
            status_message_id=job.status_message_id,
            error_kind=job.error_kind,
        )

    def note_since(self, before: Milestones | None) -> str | None:
        """What changed since ``before`` (None: a new job), or None when nothing worth an event did."""
        if before is None:
            return "recorded"
        changes = []
        if new_steps := self.delivered - before.delivered:
            changes.append("delivered " + ", ".join(sorted(new_steps)))
        if self.task_id != before.task_id:
            changes.append(f"task {self.task_id}")
        if self.status_message_id != before.status_message_id:
            changes.append(f"status message {self.status_message_id}")
        if self.error_kind != before.error_kind:
            changes.append(f"error {self.error_kind}")
        if not changes and self.state == before.state:
            return None
        return "; ".join(changes)


class JobStore(Protocol):
    """Where jobs live: durably, in :mod:`handlers.ledger` (SQLite, or PostgreSQL for several instances).

    Each save also moves the job's spend row (:attr:`Job.spend`, ``Job.cost``) in the same transaction.
    ``add`` and ``save`` write the whole record (``add`` raises :class:`DuplicateJob` when another job
    already has its inbound key) and append a history event when the state or a milestone changed.

    With a ``shared`` store several instances work one ledger: each unfinished job is leased to the
    instance that last wrote it, renewed by :meth:`renew_leases`; a write to a job another live
    instance holds raises :class:`JobLeased`, and a job whose holder stopped renewing is picked up by
    :meth:`take_over`. A store that is not shared belongs to one process: it has no leases.
    """

    shared: bool

    async def add(self, job: Job) -> None: ...

    async def admit(
        self, job: Job, *, max_working: int, charge: Charge | None = None, max_queued: int = 0
    ) -> Admission:
        """Record a new job in one transaction with the check of its user's limit and budgets.

        With ``max_working`` working jobs already, the job is recorded ``queued`` (its place in
        ``Admission.position``) while the user has fewer than ``max_queued`` queued; else it is not
        admitted. Not admitted either (nothing recorded) when ``charge`` would break a budget (default
        limits, or an admin's override in the ledger); else the job and its reservation are recorded
        together. :class:`DuplicateJob` when another job has its inbound key (one job per intent).
        """
        ...

    async def promote(self, user_key: str, *, max_working: int) -> Job | None:
        """In one transaction: when ``user_key`` has fewer than ``max_working`` working jobs, their oldest
        queued job moves on (to ``quoted``, or ``received`` without a quote) and is returned."""
        ...

    async def save(self, job: Job) -> None: ...

    async def get(self, job_id: str, *, photos: bool = True) -> Job | None:
        """The job as last saved. ``photos=False`` leaves held photos' bytes out (their digests stay):
        for the polls and progress ticks, which never send them; saving such a job keeps its photos."""
        ...

    async def take(self, job_id: str, *, when: Collection[JobState], photos: bool = True) -> Job | None:
        """The job as last saved, for a user's action on it (a cancel, a go-ahead answer).

        Shared: when its state is one of ``when`` it is held here from now on, in one transaction
        (its previous holder lets it go at its next write); in any other state it is left where it is.
        Not shared: :meth:`get`.
        """
        ...

    async def by_inbound(self, inbound_key: str) -> Job | None: ...

    async def active(self, user_key: str | None = None) -> list[Job]:
        """Unfinished jobs, oldest first."""
        ...

    async def latest(self, user_key: str) -> Job | None: ...

    async def claim_inbound(self, inbound_key: str, now: datetime) -> bool:
        """Record that a platform message was seen; False if it already was (a redelivery)."""
        ...

    async def recent(
        self, *, state: JobState | None = None, user_key: str | None = None, limit: int = 50
    ) -> list[Job]:
        """Newest first."""
        ...

    async def history(self, job_id: str) -> list[JobEvent]:
        """Oldest first."""
        ...

    async def prune(self, *, finished_before: datetime, inbound_before: datetime) -> int:
        """Delete finished jobs (and their history) and inbound claims older than the bounds.

        Returns the number of jobs removed. Keep claims for at least 8 hours: Feishu retries for 6.
        """
        ...

    # -- money and admin: see handlers.budgets and handlers.controls --------------------------------

    async def usage(self, scope: Scope, key: str, budget: Budget, now: datetime) -> Usage:
        """One budget's use in the current day and month, with its limits (overrides applied)."""
        ...

    async def set_limit(
        self, scope: Scope, key: str, period: Period | None, millicents: int | None, entry: AuditEntry
    ) -> None:
        """An admin's override of one limit (``millicents=None``: unlimited); ``period=None``
        removes every override of the budget (back to the defaults). Recorded with ``entry``."""
        ...

    async def set_control(self, kind: Control, key: str, value: str | None, entry: AuditEntry) -> None:
        """Set or (``value=None``) remove one control, recorded with ``entry``."""
        ...

    async def controls(self) -> dict[ControlKey, str]: ...

    async def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        """Newest first."""
        ...

    async def figures(self) -> LedgerFigures:
        """Jobs by state and credits charged by provider (for ``/metrics`` and the console)."""
        ...

    async def take_over(self, platforms: Collection[str], user_key: str | None = None) -> list[Job]:
        """Unfinished jobs of ``platforms`` that no live instance holds, oldest first, now held here.

        Not shared: every unfinished job of ``platforms`` (this process is the only one).
        """
        ...

    async def renew_leases(self) -> frozenset[str]:
        """Extend this instance's hold on its unfinished jobs; returns their ids: a job this instance
        works that is not among them is no longer its own (taken by a user's action elsewhere, or
        after a lost lease). Not shared: every unfinished job."""
        ...

    def hold(self, name: str) -> AbstractAsyncContextManager[asyncio.Event]:
        """Hold the lock ``name`` among the instances for the block, waiting while another holds it
        (e.g. the one Discord gateway session). The event is set if the hold is lost (the database
        connection dropped): stop what the lock guards. Not shared: held at once, never lost."""
        ...

    async def close(self) -> None:
        """Close the store; a shared one first lets go of this instance's jobs for others to take."""
        ...
