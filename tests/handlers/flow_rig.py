"""A test rig for the generation flow: real providers (fake IMA, sandbox), a recording channel."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from handlers.channel import Outbox
from handlers.flow import GenerationFlow
from handlers.inbound import ChatRef
from handlers.jobs import Job, JobState
from handlers.ledger import SqliteJobStore
from handlers.scheduling import JobScheduler
from handlers.timing import TimeScale
from messages import error_reason
from messages.reply import Reply, ReplyKind, Selection
from prefs import PreferenceStore
from providers.base import VideoProvider
from providers.catalogue import Catalogue
from providers.errors import ErrorKind, RateLimitedError
from providers.ima import ImaClient
from providers.sandbox import SandboxProvider
from providers.types import (
    GenerationRequest,
    Offer,
    Quote,
    TaskHandle,
    TaskState,
    TaskStatus,
    TaskType,
)
from tests.fakes.ima import DEFAULT_KEY, FakeIma, ManualClock
from tests.fakes.server import serve
from tests.support import FAST, RecordingChannel

K = ReplyKind
S = JobState
T2V = TaskType.TEXT_TO_VIDEO
USER = "user_cli:alice"
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
PERCENT = re.compile(r"… (\d+)%")


class Clock:
    """One hand-moved clock: datetimes for the flow, seconds for the fake IMA."""

    def __init__(self) -> None:
        self.at = T0
        self.ima = ManualClock()

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)
        self.ima.advance(seconds)


class FreshIdChannel(RecordingChannel):
    """A platform that cannot edit: every reply becomes a new message with a new id."""

    async def send(self, chat: ChatRef, reply: Reply, *, replace: str | None = None) -> str | None:
        await super().send(chat, reply, replace=replace)
        return f"new-{len(self.replies)}"


class BrokenChannel(RecordingChannel):
    """Records what it was asked to show, then fails as a platform outage would."""

    async def send(self, chat: ChatRef, reply: Reply, *, replace: str | None = None) -> str | None:
        await super().send(chat, reply, replace=replace)
        raise RuntimeError("the platform is down")


class BuggySandbox(SandboxProvider):
    """The offline sandbox with one call broken by a bug (an exception that is not a ProviderError)."""

    def __init__(self, *, output_dir: Path, broken: str) -> None:
        super().__init__(output_dir=output_dir, time_scale=FAST)
        self.broken = broken

    async def quote(self, request: GenerationRequest, offer: Offer) -> Quote:
        if self.broken == "quote":
            raise KeyError("credit_rules")
        return await super().quote(request, offer)

    async def submit(self, quote: Quote, request: GenerationRequest, *, key: str | None = None) -> TaskHandle:
        if self.broken == "submit":
            raise TypeError("'NoneType' object is not subscriptable")
        return await super().submit(quote, request)

    async def poll(self, handle: TaskHandle) -> TaskStatus:
        if self.broken == "poll":
            raise RuntimeError("unexpected answer")
        if self.broken == "poll-429":  # an error that would mean "refused" at create time
            raise RateLimitedError("HTTP 429 on the status query")
        if self.broken == "poll-without-url":
            return TaskStatus(state=TaskState.SUCCEEDED, progress=100)
        return await super().poll(handle)


@dataclass
class Rig:
    flow: GenerationFlow
    catalogue: Catalogue
    providers: Mapping[str, VideoProvider]
    jobs: SqliteJobStore
    prefs: PreferenceStore
    outbox: Outbox
    channel: RecordingChannel
    scheduler: JobScheduler
    timescale: TimeScale


@dataclass
class Manual:
    rig: Rig
    fake: FakeIma
    clock: Clock


def build(
    providers: list[VideoProvider],
    tmp_path: Path,
    timescale: TimeScale,
    channel: RecordingChannel | None = None,
    *,
    register: bool = True,
) -> Rig:
    """The flow and what it needs; ``register=False`` leaves the chat platform without a channel."""
    catalogue = Catalogue(providers)
    by_name = {p.name: p for p in providers}
    jobs = SqliteJobStore(tmp_path / f"jobs-{uuid.uuid4().hex[:8]}.sqlite3")
    prefs, outbox = PreferenceStore(tmp_path / "prefs.json"), Outbox()
    channel = channel or RecordingChannel()
    if register:
        outbox.register("cli", channel)
    scheduler = JobScheduler(timescale)
    flow = GenerationFlow(
        catalogue=catalogue,
        providers=by_name,
        jobs=jobs,
        prefs=prefs,
        outbox=outbox,
        scheduler=scheduler,
        timescale=timescale,
    )
    return Rig(flow, catalogue, by_name, jobs, prefs, outbox, channel, scheduler, timescale)


@asynccontextmanager
async def ima_rig(
    tmp_path: Path,
    fake: FakeIma,
    timescale: TimeScale,
    *,
    live: bool,
    channel: RecordingChannel | None = None,
    register: bool = True,
) -> AsyncIterator[Rig]:
    async with serve(fake.app()) as url:
        client = ImaClient(api_key=DEFAULT_KEY, base_url=url, upload_base_url=url)
        rig = build([client], tmp_path, timescale, channel, register=register)
        if live:
            rig.scheduler.start()
        try:
            yield rig
        finally:
            rig.scheduler.shutdown()
            await client.aclose()
            await rig.jobs.close()


@asynccontextmanager
async def sandbox_rig(tmp_path: Path, broken: str) -> AsyncIterator[Rig]:
    provider = BuggySandbox(output_dir=tmp_path / "videos", broken=broken)
    rig = build([provider], tmp_path, TimeScale(FAST))
    try:
        yield rig
    finally:
        await provider.aclose()
        await rig.jobs.close()


async def job_for(
    rig: Rig,
    prompt: str = "a kite over the sea",
    *,
    key: str = "wan-2.6",
    selection: Selection = Selection.DEFAULT,
    **fields: Any,
) -> Job:
    entry = await rig.catalogue.entry(key, T2V)
    assert entry is not None
    spec = entry.spec
    values: dict[str, Any] = {
        "inbound_key": f"cli:{uuid.uuid4().hex}",
        "chat": ChatRef(platform="cli", chat_id="alice", user_id="alice", lang="en"),
        "request": GenerationRequest(task_type=T2V, prompt=prompt),
        "provider": entry.provider,
        "offer": entry.offer,
        "family": spec.family,
        "trait": spec.trait,
        "selection": selection,
        "eta": entry.eta,
        "poll_every_s": spec.poll_every_s,
        "progress_every_s": spec.progress_every_s,
        "timeout_s": spec.timeout_s,
    }
    return Job(**{**values, **fields})


async def stored(rig: Rig, job_id: str) -> Job:
    job = await rig.jobs.get(job_id)
    assert job is not None
    return job


async def started(rig: Rig, prompt: str = "a kite over the sea", **fields: Any) -> Job:
    """A job taken by hand through step 1: recorded, quoted, announced and submitted."""
    job = await job_for(rig, prompt, **fields)
    await rig.jobs.add(job)
    await rig.flow.start(job)
    return await stored(rig, job.id)


async def until(rig: Rig, job_id: str, check: Callable[[Job], bool], timeout_s: float = 10.0) -> Job:
    """The job once ``check`` holds (background work runs meanwhile)."""
    async with asyncio.timeout(timeout_s):
        while not check(job := await stored(rig, job_id)):
            await asyncio.sleep(0.005)
    return job


async def finished(rig: Rig, job_id: str) -> Job:
    return await until(rig, job_id, lambda job: job.finished)


async def poll_times(rig: Rig, job_id: str, times: int) -> None:
    for _ in range(times):
        await rig.flow.poll(job_id)


def replies(rig: Rig) -> list[Reply]:
    return [reply for _, reply, _ in rig.channel.replies]


def kinds(rig: Rig) -> list[ReplyKind]:
    return [reply.kind for reply in replies(rig)]


def replaced(rig: Rig, kind: ReplyKind) -> list[str | None]:
    return [replace for _, reply, replace in rig.channel.replies if reply.kind is kind]


def reason(kind: ErrorKind) -> str:
    return error_reason("en", kind)
