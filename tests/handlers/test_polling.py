"""Polls of a cleanly running job: "still working" reads and writes no ledger; anything else, and
every job with a failed poll, takes the recorded path (handlers.polling.Watched)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from handlers.jobs import Job
from handlers.polling import Watched
from providers.errors import ErrorKind
from tests.fakes.ima import Fault
from tests.handlers.flow_rig import K, Manual, Rig, S, job_for, kinds, reason, replies, started, stored


@contextmanager
def ledger_reads(rig: Rig) -> Iterator[list[str]]:
    """The ids of the jobs the flow reads from the (real) ledger meanwhile."""
    read: list[str] = []
    real_get = rig.jobs.get

    async def get(job_id: str, *, photos: bool = True) -> Job | None:
        read.append(job_id)
        return await real_get(job_id, photos=photos)

    rig.jobs.get = get  # type: ignore[method-assign]
    try:
        yield read
    finally:
        rig.jobs.get = real_get  # type: ignore[method-assign]


def watched(job: Job) -> Watched:
    known = Watched.of(job)
    assert known is not None
    return known


async def test_still_working_reads_no_ledger(manual: Manual) -> None:
    rig, clock = manual.rig, manual.clock
    job = await started(rig)
    known = watched(job)
    with ledger_reads(rig) as read:
        await rig.flow.poll(job.id, known)  # queued
        clock.advance(60)
        await rig.flow.poll(job.id, known)  # processing
    assert read == [] and len(manual.fake.calls("detail")) == 2
    assert (await stored(rig, job.id)).state is S.RUNNING and kinds(rig) == [K.NOTICE]


async def test_the_video_is_applied_to_the_job_as_recorded(manual: Manual) -> None:
    rig, clock = manual.rig, manual.clock
    job = await started(rig)
    clock.advance(150)
    with ledger_reads(rig) as read:
        await rig.flow.poll(job.id, watched(job))
    assert read, "an answer that changes the job reads it"
    assert (await stored(rig, job.id)).state is S.DELIVERED
    assert kinds(rig) == [K.NOTICE, K.VIDEO, K.LINK]


async def test_an_answer_for_a_job_that_moved_on_changes_nothing(manual: Manual) -> None:
    rig, clock = manual.rig, manual.clock
    job = await started(rig)
    known = watched(job)
    await rig.flow.cancel(job.id)
    clock.advance(150)
    await rig.flow.poll(job.id, known)  # a tick already under way when the cancel came
    assert (await stored(rig, job.id)).state is S.CANCELLED
    assert K.VIDEO not in kinds(rig)


async def test_the_deadline_is_kept_without_reading(manual: Manual) -> None:
    rig, clock = manual.rig, manual.clock
    job = await started(rig, timeout_s=100)  # the fake's task finishes at 120 s
    clock.advance(101)
    await rig.flow.poll(job.id, watched(job))
    job = await stored(rig, job.id)
    assert job.state is S.LATE and job.error_kind is ErrorKind.TIMEOUT
    assert reason(ErrorKind.TIMEOUT) in replies(rig)[-1].text


async def test_after_a_failed_poll_the_recorded_path_until_an_answer(manual: Manual) -> None:
    rig, clock, fake = manual.rig, manual.clock, manual.fake
    job = await started(rig)
    known = watched(job)
    fake.inject("detail", Fault.SERVER_ERROR)
    await rig.flow.poll(job.id, known)
    assert (await stored(rig, job.id)).poll_failures == 1
    assert Watched.of(await stored(rig, job.id)) is None, "a job with a failed poll is not known clean"
    clock.advance(8)  # the backoff's wait
    with ledger_reads(rig) as read:
        await rig.flow.poll(job.id, known)
    assert read, "the failure is on record: this answer clears it"
    assert (await stored(rig, job.id)).poll_failures == 0
    with ledger_reads(rig) as read:
        await rig.flow.poll(job.id, known)
    assert read == [], "clean again"


async def test_only_a_cleanly_running_job_is_known(manual: Manual) -> None:
    rig = manual.rig
    assert Watched.of(await job_for(rig)) is None, "no task yet"
    job = await started(rig)
    assert Watched.of(job) == Watched("ima", job.handle, job.started_at, job.timeout_s)  # type: ignore[arg-type]
    assert Watched.of(job.model_copy(update={"poll_failures": 2})) is None
    job.advance(S.LATE)
    assert Watched.of(job) is None, "a late check reads its job: it polls once in minutes"
