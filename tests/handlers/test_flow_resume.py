"""Resuming jobs after a restart: from wherever each one stopped, never creating a task twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from handlers.inbound import ChatRef
from handlers.jobs import Ask, Job, JobState, Step
from handlers.timing import utc_now
from messages.reply import ReplyKind
from providers.errors import ErrorKind
from tests.handlers.flow_rig import (
    K,
    Manual,
    S,
    finished,
    job_for,
    kinds,
    replaced,
    replies,
    started,
    stored,
    until,
)

# -- resuming after a restart ------------------------------------------------------------------------------


async def recorded(m: Manual, state: JobState, **fields: Any) -> Job:
    """A job as a restart finds it in the store: in ``state``, with what that state implies."""
    rig = m.rig
    job = await job_for(rig, **fields)
    if state is not S.RECEIVED:
        job.quote = await rig.providers["ima"].quote(job.request, job.offer)
    if state in (S.NOTIFIED, S.SUBMITTING):
        job.started_at, job.status_message_id = m.clock.at, "msg-0"
        job.delivered.add(Step.NOTICE)
    job.state = state
    await rig.jobs.add(job)
    return job


async def test_resume_polls_a_running_job_at_once_and_counts_from_its_start(manual: Manual) -> None:
    rig, clock = manual.rig, manual.clock
    job = await started(rig)
    rig.scheduler.forget(job.id)  # the process stopped: its timers are gone
    clock.advance(150)  # the task finished meanwhile
    assert await rig.flow.resume(platforms={"cli"}) == 1
    job = await finished(rig, job.id)
    assert job.state is S.DELIVERED and kinds(rig) == [K.NOTICE, K.VIDEO, K.LINK]
    assert "actual 150s" in replies(rig)[1].text


async def test_resume_watches_a_job_still_running(manual: Manual) -> None:
    rig, clock, fake = manual.rig, manual.clock, manual.fake
    job = await started(rig)
    rig.scheduler.forget(job.id)
    clock.advance(50)
    assert await rig.flow.resume(platforms={"cli"}) == 1
    async with asyncio.timeout(5):
        while not fake.calls("detail"):
            await asyncio.sleep(0.005)
    await rig.flow.report_progress(job.id)  # takes the job's lock: the resumed poll is over
    assert (await stored(rig, job.id)).state is S.RUNNING and rig.scheduler.watched() == {job.id}
    assert kinds(rig) == [K.NOTICE, K.PROGRESS] and "… 11%" in replies(rig)[-1].text  # 50 s of 420


async def test_resume_delivers_a_video_that_finished_while_down(manual: Manual) -> None:
    rig = manual.rig
    job = await started(rig)
    job.video_url = "https://cdn.example.com/v.mp4"
    job.advance(S.SUCCEEDED)
    await rig.jobs.save(job)
    assert await rig.flow.resume(platforms={"cli"}) == 1
    job = await finished(rig, job.id)
    assert job.state is S.DELIVERED and kinds(rig) == [K.NOTICE, K.VIDEO, K.LINK]
    assert replies(rig)[2].text.endswith(job.video_url or "?")


async def test_resume_never_creates_a_task_again_blindly(manual: Manual) -> None:
    rig, fake = manual.rig, manual.fake
    job = await recorded(manual, S.SUBMITTING)
    assert await rig.flow.resume(platforms={"cli"}) == 1
    job = await finished(rig, job.id)  # IMA cannot look a task up: the job is honestly uncertain
    assert job.state is S.UNCERTAIN and job.error_kind is ErrorKind.UNKNOWN
    assert job.delivered == {Step.NOTICE, Step.UNCERTAIN}
    assert not fake.calls("create") and kinds(rig) == [K.FAILURE] and replaced(rig, K.FAILURE) == ["msg-0"]
    assert "may already have been ordered" in replies(rig)[0].text and not replies(rig)[0].buttons


@pytest.mark.parametrize(
    ("state", "shown"),
    [(S.RECEIVED, [K.NOTICE]), (S.QUOTED, [K.NOTICE]), (S.NOTIFIED, [])],
)
async def test_resume_carries_a_job_on_from_where_it_stopped(
    manual: Manual, state: JobState, shown: list[ReplyKind]
) -> None:
    rig, fake = manual.rig, manual.fake
    job = await recorded(manual, state)
    assert await rig.flow.resume(platforms={"cli"}) == 1
    job = await until(rig, job.id, lambda job: job.state is S.RUNNING)
    assert kinds(rig) == shown  # the notice is shown once, never again
    assert len(fake.calls("create")) == 1 and rig.scheduler.watched() == {job.id}
    assert job.delivered == {Step.NOTICE}


async def test_resume_takes_only_the_platforms_and_user_asked_for(manual: Manual) -> None:
    rig = manual.rig
    mine = await recorded(manual, S.NOTIFIED)
    other_user = await recorded(manual, S.NOTIFIED, chat=ChatRef(platform="cli", chat_id="b", user_id="bob"))
    elsewhere = await recorded(
        manual, S.NOTIFIED, chat=ChatRef(platform="discord", chat_id="c1", user_id="alice")
    )
    done = await recorded(manual, S.NOTIFIED)
    done.advance(S.FAILED)
    await rig.jobs.save(done)
    assert await rig.flow.resume(platforms={"cli"}, user_key="cli:alice") == 1
    await until(rig, mine.id, lambda job: job.state is S.RUNNING)
    assert (await stored(rig, other_user.id)).state is S.NOTIFIED
    assert (await stored(rig, elsewhere.id)).state is S.NOTIFIED
    assert await rig.flow.resume(platforms={"telegram"}) == 0


# -- a question asked before the restart -------------------------------------------------------------------


async def test_a_question_still_open_after_a_restart_waits_for_its_answer(manual: Manual) -> None:
    rig = manual.rig
    job = await recorded(manual, S.AWAITING, ask=Ask.WORDS)
    job.ask_until = utc_now() + timedelta(hours=1)
    job.delivered.add(Step.QUESTION)
    await rig.jobs.save(job)
    assert await rig.flow.resume(platforms={"cli"}) == 1
    await asyncio.sleep(0.05)
    assert (await stored(rig, job.id)).state is S.AWAITING and not manual.fake.calls("create")
    assert await rig.flow.go_ahead(job.id, yes=True)
    job = await until(rig, job.id, lambda j: j.state is S.RUNNING)
    assert len(manual.fake.calls("create")) == 1 and kinds(rig) == [K.NOTICE]


async def test_a_question_that_expired_while_we_were_down_is_called_off(manual: Manual) -> None:
    rig = manual.rig
    job = await recorded(manual, S.AWAITING, ask=Ask.COST, confirm_above=10_000)
    job.ask_until = utc_now() - timedelta(seconds=1)
    job.status_message_id = "msg-question"
    await rig.jobs.save(job)
    assert await rig.flow.resume(platforms={"cli"}) == 1
    job = await until(rig, job.id, lambda j: j.finished)
    assert job.state is S.CANCELLED and not manual.fake.calls("create")
    (note,) = replies(rig)
    assert "No go-ahead came" in note.text and replaced(rig, K.TEXT) == ["msg-question"]
    assert not await rig.flow.go_ahead(job.id, yes=True)  # too late for a yes
