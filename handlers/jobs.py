"""Jobs: plain data records, their states and allowed transitions, and the store interface."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, Field

from handlers.inbound import ChatRef
from handlers.timing import utc_now
from messages.reply import Selection
from providers.errors import ErrorKind
from providers.types import EtaRange, GenerationRequest, Offer, Quote, TaskHandle


class JobState(StrEnum):
    """The generation flow, seed 001 Steps 1-4, as states."""

    RECEIVED = "received"  # recorded; model chosen; nothing sent yet
    QUOTED = "quoted"  # exact parameters and credits known
    NOTIFIED = "notified"  # step 1 delivered: model, ETA, cost
    SUBMITTING = "submitting"  # the provider's create is being called
    RUNNING = "running"  # the provider task exists; polling, step 2 progress
    SUCCEEDED = "succeeded"  # the video exists; step 3 being delivered
    DELIVERED = "delivered"  # step 3 done (video, then link)  -- final
    FAILED = "failed"  # step 4 done (reason, alternatives) -- final


TRANSITIONS: dict[JobState, frozenset[JobState]] = {
    JobState.RECEIVED: frozenset({JobState.QUOTED, JobState.FAILED}),
    JobState.QUOTED: frozenset({JobState.NOTIFIED, JobState.FAILED}),
    JobState.NOTIFIED: frozenset({JobState.SUBMITTING, JobState.FAILED}),
    JobState.SUBMITTING: frozenset({JobState.RUNNING, JobState.FAILED}),
    JobState.RUNNING: frozenset({JobState.SUCCEEDED, JobState.FAILED}),
    JobState.SUCCEEDED: frozenset({JobState.DELIVERED, JobState.FAILED}),
    JobState.DELIVERED: frozenset(),
    JobState.FAILED: frozenset(),
}
FINAL_STATES = frozenset({JobState.DELIVERED, JobState.FAILED})


class InvalidTransition(Exception):
    """A bug: the flow tried a step out of order."""


class Step(StrEnum):
    """User-visible steps, each recorded when delivered so it is never sent twice."""

    NOTICE = "notice"
    VIDEO = "video"
    LINK = "link"
    FAILURE = "failure"


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
    family: str
    trait: str
    selection: Selection
    remember: bool = True  # save the model as the user's preference on success
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
    created_at: datetime = Field(default_factory=utc_now)
    started_at: datetime | None = None  # when the user was told it started (step 1)
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

    def advance(self, to: JobState) -> None:
        """Move to ``to`` if the state machine allows it."""
        if to not in TRANSITIONS[self.state]:
            raise InvalidTransition(f"{self.id}: {self.state} -> {to}")
        self.state = to
        self.updated_at = utc_now()
        if to in FINAL_STATES:
            self.finished_at = self.updated_at


class JobStore(Protocol):
    """Where jobs live. In memory here; a durable ledger implements the same interface."""

    async def add(self, job: Job) -> None: ...

    async def save(self, job: Job) -> None: ...

    async def get(self, job_id: str) -> Job | None: ...

    async def by_inbound(self, inbound_key: str) -> Job | None: ...

    async def active(self, user_key: str | None = None) -> list[Job]: ...

    async def latest(self, user_key: str) -> Job | None: ...


class MemoryJobStore:
    """Jobs in a dict. Copies go in and out, so callers never share a mutable record."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = asyncio.Lock()

    async def add(self, job: Job) -> None:
        async with self._lock:
            self._jobs[job.id] = job.model_copy(deep=True)

    async def save(self, job: Job) -> None:
        await self.add(job)

    async def get(self, job_id: str) -> Job | None:
        job = self._jobs.get(job_id)
        return job.model_copy(deep=True) if job else None

    async def by_inbound(self, inbound_key: str) -> Job | None:
        return _copy(next((j for j in self._jobs.values() if j.inbound_key == inbound_key), None))

    async def active(self, user_key: str | None = None) -> list[Job]:
        return [
            j.model_copy(deep=True)
            for j in self._jobs.values()
            if not j.finished and (user_key is None or j.user_key == user_key)
        ]

    async def latest(self, user_key: str) -> Job | None:
        return _copy(max(_of_user(self._jobs.values(), user_key), key=lambda j: j.created_at, default=None))


def _of_user(jobs: Iterable[Job], user_key: str) -> Iterable[Job]:
    return (j for j in jobs if j.user_key == user_key)


def _copy(job: Job | None) -> Job | None:
    return job.model_copy(deep=True) if job else None
