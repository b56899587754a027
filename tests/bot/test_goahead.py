"""A go-ahead before spending: a dear video asks for a confirmation, words without a request cue ask
whether to make a video; yes, no and silence, through the whole app on the IMA fake (issue 10)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from handlers.budgets import SpendState
from handlers.jobs import Ask, JobState
from messages.reply import ReplyKind
from tests.bot.test_chat_providers import providers
from tests.support import Chat, running_app, waiting_job

DEAR: dict[str, Any] = {"VIDEOBOT_CONFIRM_ABOVE": "0.30"}  # the default 40-point video costs $0.40


async def test_a_dear_video_waits_for_yes(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env, **DEAR) as (app, channel):
        user = Chat(app, "ann", lang="en")
        await user.say("make a video of a paper boat on a pond")
        job = await waiting_job(app, "cli:ann")
        question = channel.of("ann")[-1]
        assert job.state is JobState.AWAITING and job.ask is Ask.COST and not fakes["ima"].tasks
        assert question.kind is ReplyKind.QUESTION and [b.action for b in question.buttons] == ["go", "stop"]
        assert "costs 40 pts, above the 30 credits (about $0.30)" in question.text
        await user.say("yes")
        await user.settle(30)
        done = await app.jobs.get(job.id)
    assert done is not None and done.state is JobState.DELIVERED and len(fakes["ima"].tasks) == 1
    assert [r.kind for r in channel.of("ann")][-2:] == [ReplyKind.VIDEO, ReplyKind.LINK]


async def test_no_calls_it_off_and_nothing_is_charged(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env, **DEAR) as (app, channel):
        user = Chat(app, "bob", lang="zh")
        await user.say("做一个纸船在池塘里漂的视频")
        await waiting_job(app, "cli:bob")
        await user.say("不用了")
        (job,) = await app.jobs.recent(user_key="cli:bob")
    assert job.state is JobState.CANCELLED and job.spend is SpendState.RELEASED
    assert not fakes["ima"].tasks and "已取消,没有扣费" in channel.of("bob")[-1].text


async def test_a_question_left_unanswered_expires_at_no_cost(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env, **DEAR) as (app, channel):
        user = Chat(app, "cyd", lang="en")
        await user.say("make a video of a paper boat on a pond")
        await user.settle(10)  # 300 virtual seconds: 0.6 s here
        (job,) = await app.jobs.recent(user_key="cli:cyd")
        await user.say("yes")  # too late: nothing to confirm, nothing to retry
        await app.conversation.go_ahead(user.ref, job.id, yes=True, inbound_key="cli:late-tap")
    assert job.state is JobState.CANCELLED and job.spend is SpendState.RELEASED and not fakes["ima"].tasks
    texts = channel.texts("cyd")
    assert "No go-ahead came for this video" in texts and "nothing to retry" in texts
    assert channel.of("cyd")[-1].text.startswith("That question has expired or was already answered")


async def test_words_without_a_request_are_asked_about_then_made(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env) as (app, channel):
        user = Chat(app, "dee", lang="en")
        await user.say("A sunset over mountains")  # the seed's own example prompt, sent bare
        job = await waiting_job(app, "cli:dee")
        await user.say("status")
        status = channel.of("dee")[-1].text
        waiting = '"A sunset over mountains" · Wan 2.6\n   waiting for your go-ahead (reply "yes" to start)'
        assert waiting in status
        assert job.state is JobState.AWAITING and job.ask is Ask.WORDS and not fakes["ima"].tasks
        assert 'Shall I make a video of this?\n"A sunset over mountains"' in channel.of("dee")[-2].text
        await app.conversation.go_ahead(user.ref, job.id, yes=True, inbound_key="cli:tap-1")
        await user.settle(30)
        done = await app.jobs.get(job.id)
    assert done is not None and done.state is JobState.DELIVERED and len(fakes["ima"].tasks) == 1


async def test_someone_else_cannot_answer_your_question(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env) as (app, _channel):
        owner, other = Chat(app, "eve", lang="en"), Chat(app, "fay", lang="en")
        await owner.say("a lighthouse in a storm")
        job = await waiting_job(app, "cli:eve")
        await app.conversation.go_ahead(other.ref, job.id, yes=True, inbound_key="cli:tap-2")
        await asyncio.sleep(0.05)
        still = await app.jobs.get(job.id)
    assert still is not None and still.state is JobState.AWAITING and not fakes["ima"].tasks


async def test_status_history_and_usage_words_start_nothing(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env) as (app, channel):
        user = Chat(app, "gus", lang="en")
        for words in ("status", "history", "进度", "我的视频", "my usage"):
            await user.say(words)
        await user.settle(5)
        jobs = await app.jobs.recent(user_key="cli:gus")
    assert jobs == [] and not fakes["ima"].tasks
    texts = channel.texts("gus")
    assert (
        "No video is being made for you right now" in texts and "Today: 0 credits (about $0.00) used" in texts
    )
