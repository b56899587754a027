"""Cancel (issue 12, item 1) through the whole app: by words, by a pick, by a button; before the create,
while a provider backs off, at a provider that can withdraw a task, and at one that cannot."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.wiring import App
from handlers.budgets import SpendState
from handlers.jobs import Job, JobState, Step
from messages.reply import ReplyKind
from tests.bot.test_chat_providers import providers
from tests.fakes.ima_tasks import Fault, Timings
from tests.support import Chat, running_app, waiting_job

SLOW: dict[str, Any] = {
    "VIDEOBOT_TIME_SCALE": 0.02
}  # a 120 s estimate takes 2.4 s: time to cancel it while it runs
DEAR: dict[str, Any] = {"VIDEOBOT_CONFIRM_ABOVE": "0.30"}  # the default 40-point IMA video asks first


async def job_in(app: App, user_key: str, *states: JobState, timeout_s: float = 10.0) -> Job:
    """The user's newest job once it is in one of ``states``."""
    async with asyncio.timeout(timeout_s):
        while (job := await app.jobs.latest(user_key)) is None or job.state not in states:
            await asyncio.sleep(0.01)
    return job


async def test_cancel_at_a_provider_without_a_cancel_stops_following_and_says_it_may_charge(
    tmp_path: Path,
) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env, **SLOW) as (app, channel):
        fakes["ima"].timings = Timings(queued_s=60, processing_s=60, empty_url_s=0.05)
        user = Chat(app, "ann", lang="en")
        await user.say("make a video of a paper boat on a pond")
        running = await job_in(app, "cli:ann", JobState.RUNNING)
        notice = channel.of("ann")[0]
        assert notice.kind is ReplyKind.NOTICE and [(b.action, b.job_id) for b in notice.buttons] == [
            ("cancel", running.id)
        ]
        await user.say("cancel")
        polls = len(fakes["ima"].calls("detail"))
        await asyncio.sleep(0.5)  # several poll and progress periods: nothing more happens
        job = await app.jobs.get(running.id)
    assert job is not None and job.state is JobState.CANCELLED and job.spend is SpendState.CHARGED
    assert not job.refunded and Step.CANCEL in job.delivered and len(fakes["ima"].tasks) == 1
    assert len(fakes["ima"].calls("detail")) == polls
    last = channel.of("ann")[-1]
    assert last.kind is ReplyKind.CANCELLED and not last.buttons
    assert last.text == (
        'Stopped "a paper boat on a pond". Wan 2.6 had already started and its provider '
        "cannot cancel a running task, so it may still charge 40 credits; I won't send this video."
    )
    replaced = [replace for chat, reply, replace in channel.replies if reply is last]
    assert replaced == [running.status_message_id]


async def test_a_task_still_queued_at_aivideomaker_is_withdrawn_and_nothing_is_charged(
    tmp_path: Path,
) -> None:
    async with (
        providers("aivideomaker") as (fakes, env),
        running_app(tmp_path, **env, **SLOW) as (app, channel),
    ):
        fake = fakes["aivideomaker"]
        fake.queued_s = 60
        before = dict(fake.balances)
        user = Chat(app, "bob", lang="zh")
        await user.say("做一个纸船在池塘里漂的视频")
        running = await job_in(app, "cli:bob", JobState.RUNNING)
        await user.say("取消")
        job = await app.jobs.get(running.id)
    assert job is not None and job.state is JobState.CANCELLED and job.refunded
    assert job.spend is SpendState.RELEASED
    (task,) = fake.tasks.values()
    assert task.final == "CANCEL" and fake.balances == before
    assert [r.method for r in fake.requests if r.path.endswith("/cancel")] == ["PUT"]
    assert channel.of("bob")[-1].text.startswith("已取消「纸船在池塘里漂」:")
    assert "任务已在服务商那边撤回,不会扣费" in channel.of("bob")[-1].text


async def test_a_task_aivideomaker_has_started_cannot_be_withdrawn_and_stays_charged(tmp_path: Path) -> None:
    async with (
        providers("aivideomaker") as (fakes, env),
        running_app(tmp_path, **env, **SLOW) as (app, channel),
    ):
        fake = fakes["aivideomaker"]
        fake.queued_s, fake.processing_s = 0.0, 60
        user = Chat(app, "cyd", lang="en")
        await user.say("make a video of a kite over a hill")
        running = await job_in(app, "cli:cyd", JobState.RUNNING)
        await user.say("stop")
        job = await app.jobs.get(running.id)
    assert job is not None and job.state is JobState.CANCELLED and not job.refunded
    assert job.spend is SpendState.CHARGED
    assert "may still charge" in channel.of("cyd")[-1].text


async def test_a_cancel_cuts_a_backoff_short_and_nothing_is_ordered(tmp_path: Path) -> None:
    scale: dict[str, Any] = {
        "VIDEOBOT_TIME_SCALE": 1.0
    }  # backoffs last real seconds: only a cancel ends one early
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env, **scale) as (app, channel):
        fakes["ima"].inject("create", Fault.UNAVAILABLE, times=10)
        user = Chat(app, "dee", lang="en")
        await user.say("make a video of a paper boat on a pond")
        async with asyncio.timeout(10):
            while not fakes["ima"].calls("create"):
                await asyncio.sleep(0.01)
        async with asyncio.timeout(5):
            await user.say("cancel")
        (job,) = await app.jobs.recent(user_key="cli:dee")
        creates = len(fakes["ima"].calls("create"))
        await asyncio.sleep(0.2)
    assert job.state is JobState.CANCELLED and job.spend is SpendState.RELEASED and job.handle is None
    assert not fakes["ima"].tasks and len(fakes["ima"].calls("create")) == creates
    assert channel.of("dee")[-1].text == (
        'Cancelled "a paper boat on a pond": nothing was ordered yet, so nothing is charged.'
    )


async def test_cancel_answers_a_waiting_question_with_no(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env, **DEAR) as (app, channel):
        user = Chat(app, "eve", lang="zh")
        await user.say("做一个纸船在池塘里漂的视频")
        await waiting_job(app, "cli:eve")
        await user.say("取消")
        (job,) = await app.jobs.recent(user_key="cli:eve")
    assert job.state is JobState.CANCELLED and job.spend is SpendState.RELEASED and not fakes["ima"].tasks
    assert "已取消,没有扣费" in channel.of("eve")[-1].text


async def test_several_running_are_listed_and_a_number_picks_one(tmp_path: Path) -> None:
    limit: dict[str, Any] = {"VIDEOBOT_MAX_JOBS_PER_USER": 3}
    async with (
        providers("ima") as (fakes, env),
        running_app(tmp_path, **env, **SLOW, **limit) as (app, channel),
    ):
        fakes["ima"].timings = Timings(queued_s=60, processing_s=60, empty_url_s=0.05)
        user = Chat(app, "fay", lang="en")
        for prompt in ("make a video of a red kite", "make a video of a blue boat"):
            await user.say(prompt)
            await job_in(app, "cli:fay", JobState.RUNNING)
        await user.say("cancel")
        menu = channel.of("fay")[-1]
        first, second = await app.jobs.active("cli:fay")
        assert menu.text.startswith("You have 2 videos in progress. Which one should I cancel?")
        assert '1. "a red kite" · Wan 2.6' in menu.text
        assert [(b.label, b.action, b.job_id) for b in menu.buttons] == [
            ("Cancel 1", "cancel", first.id),
            ("Cancel 2", "cancel", second.id),
        ]
        await user.say("2")
        states = [job.state for job in await app.jobs.recent(user_key="cli:fay")][::-1]
        await user.say("2")  # the list is answered: a number alone means nothing to cancel now
    assert states == [JobState.RUNNING, JobState.CANCELLED]
    assert channel.of("fay")[-2].text.startswith('Stopped "a blue boat"')


async def test_a_cancel_button_is_its_users_alone_and_clicked_once(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env, **SLOW) as (app, channel):
        fakes["ima"].timings = Timings(queued_s=60, processing_s=60, empty_url_s=0.05)
        owner, other = Chat(app, "gus", lang="en"), Chat(app, "hal", lang="en")
        await owner.say("make a video of a paper boat on a pond")
        running = await job_in(app, "cli:gus", JobState.RUNNING)
        await app.conversation.cancel(other.ref, running.id, inbound_key="cli:click-1")
        still = await app.jobs.get(running.id)
        await app.conversation.cancel(owner.ref, running.id, inbound_key="cli:click-2")
        await app.conversation.cancel(owner.ref, running.id, inbound_key="cli:click-2")  # a resent click
        done = await app.jobs.get(running.id)
    assert still is not None and still.state is JobState.RUNNING
    assert channel.of("hal")[-1].text.startswith("No video is being made for you right now")
    assert done is not None and done.state is JobState.CANCELLED
    assert [r.kind for r in channel.of("gus")].count(ReplyKind.CANCELLED) == 1


async def test_too_late_once_the_video_is_there(tmp_path: Path) -> None:
    async with providers("ima") as (_, env), running_app(tmp_path, **env) as (app, channel):
        user = Chat(app, "ivy", lang="en")
        await user.say("make a video of a paper boat on a pond")
        await user.settle(30)
        (job,) = await app.jobs.recent(user_key="cli:ivy")
        await app.conversation.cancel(user.ref, job.id, inbound_key="cli:late-click")
        after = await app.jobs.get(job.id)
    assert after is not None and after.state is JobState.DELIVERED
    assert channel.of("ivy")[-1].text == (
        '"a paper boat on a pond" is already done or over, so it can\'t be cancelled any more.'
    )


async def test_nothing_to_cancel_and_no_thanks_after_a_failure(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):  # the offline sandbox
        user = Chat(app, "jon", lang="en")
        await user.say("cancel")
        nothing = channel.of("jon")[-1].text
        await user.say("make a video of a cat #fail")
        await user.settle(30)
        await user.say("cancel")
    assert nothing == "No video is being made for you right now, so there's nothing to cancel."
    assert channel.of("jon")[-1].text.startswith("OK, just let me know")


async def test_the_sandbox_stops_for_free(tmp_path: Path) -> None:
    async with running_app(tmp_path, **SLOW) as (app, channel):
        user = Chat(app, "kit", lang="zh")
        await user.say("做一个小狗在海边奔跑的视频 #slow")
        running = await job_in(app, "cli:kit", JobState.RUNNING)
        await user.say("停止生成")
        job = await app.jobs.get(running.id)
    assert job is not None and job.state is JobState.CANCELLED
    assert channel.of("kit")[-1].text == "已停止「小狗在海边奔跑」,这个视频我不会再发给你(它是免费的)。"


async def test_a_cancelled_job_stays_cancelled_after_a_restart(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env):
        fakes["ima"].timings = Timings(queued_s=60, processing_s=60, empty_url_s=0.05)
        async with running_app(tmp_path, **env, **SLOW) as (app, _):
            user = Chat(app, "lee", lang="en")
            await user.say("make a video of a paper boat on a pond")
            running = await job_in(app, "cli:lee", JobState.RUNNING)
            await user.say("cancel")
        async with running_app(tmp_path, **env, **SLOW) as (app, channel):
            resumed = await app.flow.resume(platforms={"cli"})
            job = await app.jobs.get(running.id)
    assert resumed == 0 and job is not None and job.state is JobState.CANCELLED and not channel.replies
