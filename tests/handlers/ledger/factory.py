"""Jobs for the ledger tests, and a walk through the flow's transitions as the flow makes them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from handlers.inbound import ChatRef
from handlers.jobs import Job, JobState, Step
from messages.reply import Selection
from providers.errors import ErrorKind
from providers.types import (
    CreditUnit,
    EtaRange,
    GenerationRequest,
    ImageInput,
    ModelRef,
    Offer,
    Quote,
    TaskHandle,
    TaskType,
)

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
WAN = Offer(model_key="wan-2.6", model_name="Wan 2.6", ref=ModelRef(model_id="wan2.6-t2v"))


def make_job(
    number: int = 1,
    *,
    user: str = "alice",
    inbound_key: str | None = None,
    created_at: datetime | None = None,
    images: tuple[ImageInput, ...] = (),
) -> Job:
    """Job ``number`` of ``user``, created ``number`` minutes after :data:`EPOCH` unless told."""
    task_type = TaskType.IMAGE_TO_VIDEO if images else TaskType.TEXT_TO_VIDEO
    return Job(
        id=f"job_{user}_{number}",
        inbound_key=inbound_key or f"cli:{user}-{number}",
        chat=ChatRef(platform="cli", chat_id=user, user_id=user, lang="en"),
        request=GenerationRequest(task_type=task_type, prompt=f"a puppy, take {number}", images=images),
        provider="ima",
        offer=WAN,
        family="Wan",
        trait="fast",
        selection=Selection.DEFAULT,
        eta=EtaRange(min_s=60, max_s=120),
        poll_every_s=5,
        progress_every_s=15,
        timeout_s=600,
        created_at=created_at or EPOCH + timedelta(minutes=number),
    )


def quote_for(job: Job) -> Quote:
    return Quote(
        provider=job.provider,
        task_type=job.request.task_type,
        model_key=job.model_key,
        model_name=job.model_name,
        ref=job.offer.ref,
        params={"duration": 5},
        credits=40,
        unit=CreditUnit.POINTS,
    )


async def walk(
    job: Job, save: Callable[[Job], Awaitable[None]], steps: Sequence[Transition] | None = None
) -> Job:
    """Take ``job`` through ``steps`` (default: to DELIVERED) as the flow does, saving after each one."""
    for step in SUCCESS if steps is None else steps:
        step(job)
        await save(job)
    return job


def _quote(job: Job) -> None:
    job.quote = quote_for(job)
    job.advance(JobState.QUOTED)


def _notify(job: Job) -> None:
    job.status_message_id = f"msg-{job.id}"
    job.delivered.add(Step.NOTICE)
    job.advance(JobState.NOTIFIED)


def _submit(job: Job) -> None:
    job.advance(JobState.SUBMITTING)


def _run(job: Job) -> None:
    assert job.quote is not None
    job.handle = TaskHandle(
        provider=job.provider, task_id=f"task-{job.id}", quote=job.quote, created_at=EPOCH
    )
    job.advance(JobState.RUNNING)


def _succeed(job: Job) -> None:
    job.video_url = f"https://cdn.example/{job.id}.mp4"
    job.advance(JobState.SUCCEEDED)


def _deliver(job: Job) -> None:
    job.delivered |= {Step.VIDEO, Step.LINK}
    job.advance(JobState.DELIVERED)


def _fail(job: Job) -> None:
    job.error_kind = ErrorKind.TIMEOUT
    job.delivered.add(Step.FAILURE)
    job.advance(JobState.FAILED)


Transition = Callable[[Job], None]
SUCCESS: tuple[Transition, ...] = (_quote, _notify, _submit, _run, _succeed, _deliver)
FAILURE: tuple[Transition, ...] = (_quote, _notify, _submit, _run, _fail)
