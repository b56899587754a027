"""The queue (issue 12, item 3): requests over the per-user limit wait in order instead of a refusal,
hear their place, start when a place frees, survive a restart, can be cancelled; a capped length."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.wiring import App
from handlers.budgets import SpendState
from handlers.jobs import Job, JobState, Step
from messages.reply import ReplyKind
from tests.bot.test_chat_providers import providers
from tests.fakes.ima_tasks import Timings
from tests.support import Chat, running_app

ONE_AT_A_TIME: dict[str, Any] = {"VIDEOBOT_MAX_JOBS_PER_USER": 1, "VIDEOBOT_MAX_QUEUED_PER_USER": 2}
PROMPTS = ("make a video of a red kite", "make a video of a blue boat", "make a video of a green hill")


async def states(app: App, user_key: str) -> list[JobState]:
    """The user's jobs' states, oldest first."""
    return [job.state for job in reversed(await app.jobs.recent(user_key=user_key))]


async def until(app: App, user_key: str, check: Any, timeout_s: float = 20.0) -> list[Job]:
    async with asyncio.timeout(timeout_s):
        while not check(jobs := list(reversed(await app.jobs.recent(user_key=user_key)))):
            await asyncio.sleep(0.01)
    return jobs


async def test_over_the_limit_requests_wait_in_order_and_each_is_made_once(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env, **ONE_AT_A_TIME) as (app, ch):
        user = Chat(app, "ann", lang="en")
        for prompt in PROMPTS:
            await user.say(prompt)
        queued = await states(app, "cli:ann")
        notes = [r for r in ch.of("ann") if r.text.startswith("⏳ Queued")]
        first, second, third = await app.jobs.recent(user_key="cli:ann")
        # every job ended (not merely none working: between one ending and the next leaving the line,
        # none works)
        done = await until(app, "cli:ann", lambda jobs: all(job.finished for job in jobs), timeout_s=60)
    assert queued[1:] == [JobState.QUEUED, JobState.QUEUED]
    assert [n.text.split("\n")[0] for n in notes] == [
        "⏳ Queued: you already have videos in progress; this one is number 1 in line and starts by "
        "itself when one of them finishes.",
        "⏳ Queued: you already have videos in progress; this one is number 2 in line and starts by "
        "itself when one of them finishes.",
    ]
    assert "\n• Model: Wan 2.6\n" in notes[0].text and "\n• Credits: 40 pts\n" in notes[0].text
    assert [(b.action, b.job_id) for b in notes[0].buttons] == [("cancel", second.id)]
    assert all(job.state is JobState.DELIVERED for job in done)
    assert len(fakes["ima"].calls("create")) == 3
    started = sorted(done, key=lambda job: job.started_at or job.created_at)
    assert [job.request.prompt for job in started] == ["a red kite", "a blue boat", "a green hill"]
    assert [job.id for job in started] == [third.id, second.id, first.id]  # recent() is newest first


async def test_a_full_queue_is_refused_kindly_and_reserves_nothing(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env, **ONE_AT_A_TIME) as (app, ch):
        fakes["ima"].timings = Timings(queued_s=60, processing_s=60, empty_url_s=0.05)
        user = Chat(app, "bob", lang="en")
        for prompt in (*PROMPTS, "make a video of a yellow sun"):
            await user.say(prompt)
        refused = ch.of("bob")[-1].text
        jobs = await app.jobs.recent(user_key="cli:bob")
    assert refused.startswith("You already have 1 videos in progress and 2 waiting in line")
    assert len(jobs) == 3 and [j.spend for j in jobs].count(SpendState.RESERVED) >= 2


async def test_a_queued_job_can_be_cancelled_and_the_next_moves_up(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env, **ONE_AT_A_TIME) as (app, ch):
        fakes["ima"].timings = Timings(queued_s=60, processing_s=60, empty_url_s=0.05)
        user = Chat(app, "cyd", lang="en")
        for prompt in PROMPTS:
            await user.say(prompt)
        running, second, third = reversed(await app.jobs.recent(user_key="cli:cyd"))
        await app.conversation.cancel(user.ref, second.id, inbound_key="cli:tap-cancel-2")
        cancelled = await app.jobs.get(second.id)
        await app.conversation.cancel(user.ref, running.id, inbound_key="cli:tap-cancel-1")
        jobs = await until(app, "cli:cyd", lambda js: js[2].state is not JobState.QUEUED)
    assert cancelled is not None and cancelled.state is JobState.CANCELLED
    assert cancelled.spend is SpendState.RELEASED and Step.CANCEL in cancelled.delivered
    assert jobs[2].id == third.id and jobs[2].state is not JobState.QUEUED  # it moved up and started
    assert [r.kind for r in ch.of("cyd") if r.job_id == third.id][-1] is ReplyKind.NOTICE


async def test_a_queue_of_three_survives_a_restart(tmp_path: Path) -> None:
    limits: dict[str, Any] = {"VIDEOBOT_MAX_JOBS_PER_USER": 1, "VIDEOBOT_MAX_QUEUED_PER_USER": 3}
    async with providers("ima") as (fakes, env):
        fakes["ima"].timings = Timings(queued_s=60, processing_s=60, empty_url_s=0.05)
        async with running_app(tmp_path, **env, **limits) as (app, _):
            user = Chat(app, "dee", lang="en")
            for prompt in (*PROMPTS, "make a video of a yellow sun"):
                await user.say(prompt)
            before = await states(app, "cli:dee")
        fakes["ima"].timings = Timings(queued_s=0.02, processing_s=0.05, empty_url_s=0.01)
        async with running_app(tmp_path, **env, **limits) as (app, channel):
            await app.flow.resume(platforms={"cli"})
            jobs = await until(app, "cli:dee", lambda js: all(j.finished for j in js), timeout_s=60)
    assert before[1:] == [JobState.QUEUED] * 3
    assert [j.state for j in jobs] == [JobState.DELIVERED] * 4
    assert len(fakes["ima"].calls("create")) == 4, "one create per job, none twice"
    assert [r.kind for r in channel.of("dee")].count(ReplyKind.VIDEO) == 4


async def test_status_shows_the_place_in_line(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env, **ONE_AT_A_TIME) as (app, ch):
        fakes["ima"].timings = Timings(queued_s=60, processing_s=60, empty_url_s=0.05)
        user = Chat(app, "eve", lang="zh")
        for prompt in ("做一个红色风筝的视频", "做一个蓝色小船的视频"):
            await user.say(prompt)
        await until(app, "cli:eve", lambda js: js[0].state is JobState.RUNNING)
        await user.say("进度")
    lines = ch.of("eve")[-1].text.splitlines()
    assert lines[3:5] == ["2. 「蓝色小船」· Wan 2.6", "   在排队,第 1 位"]
    assert [b.label for b in ch.of("eve")[-1].buttons] == ["取消 1", "取消 2"]
