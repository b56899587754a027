"""Budgets through the whole app on the IMA fake: a budget running out mid-conversation, a chat's budget
shared by its members, and a reservation released when nothing was created (issue 10)."""

from __future__ import annotations

from pathlib import Path

from handlers.budgets import Scope, SpendState
from handlers.inbound import ChatRef, InboundMessage
from handlers.jobs import JobState
from tests.bot.test_chat_providers import providers
from tests.support import Chat, running_app

PROMPT = "make a video of a paper boat on a pond"


async def test_a_daily_allowance_runs_out_mid_conversation(tmp_path: Path) -> None:
    async with (
        providers("ima") as (fakes, env),
        running_app(tmp_path, **env, VIDEOBOT_BUDGET_USER_DAILY="1.00") as (app, channel),
    ):
        user = Chat(app, "ann", lang="en")
        for _ in range(2):
            await user.say(PROMPT)
            await user.settle(30)
        creates = len(fakes["ima"].tasks)
        await user.say(PROMPT)  # two 40-point videos spent 0.80 of 1.00: a third does not fit
        await user.settle(30)
        jobs = await app.jobs.recent(user_key="cli:ann")
        usage = await app.jobs.usage(Scope.USER, "cli:ann", app.settings.budget, app.timescale.now())
    assert [job.cost for job in jobs] == [40_000, 40_000]  # 40 points = 40 US cents each
    assert all(job.spend is SpendState.CHARGED for job in jobs) and usage.day == 80_000
    assert len(fakes["ima"].tasks) == creates == 2  # nothing created for the third
    last = channel.of("ann")[-1].text
    assert "Not enough of your daily allowance left" in last
    assert "costs 40 credits (about $0.40); 20 credits (about $0.20) left today" in last
    assert "(UTC)" in last


async def test_two_members_of_a_group_share_its_budget(tmp_path: Path) -> None:
    async with (
        providers("ima") as (fakes, env),
        running_app(tmp_path, **env, VIDEOBOT_BUDGET_CHAT_DAILY="0.80") as (app, channel),
    ):
        for number, user in enumerate(("ann", "bob", "cyd")):
            chat = ChatRef(platform="cli", chat_id="room", user_id=user, lang="zh", space="room")
            await app.conversation.handle(
                InboundMessage(chat=chat, message_id=f"m{number}", text="做一个纸船在池塘里漂的视频")
            )
            await Chat(app, user).settle(30)
    assert len(fakes["ima"].tasks) == 2
    assert "这个群今天的额度不够了" in channel.texts("cyd")
    assert "还剩 0 积分" in channel.texts("cyd")


async def test_a_failure_before_the_create_releases_the_reservation(tmp_path: Path) -> None:
    async with (
        providers("ima") as (fakes, env),
        running_app(tmp_path, **env, VIDEOBOT_BUDGET_USER_DAILY="0.50") as (app, _channel),
    ):
        user = Chat(app, "eve", lang="en")
        await user.say("make a video of a paper boat, ima-broke")  # refused: out of points
        await user.settle(30)
        (failed,) = await app.jobs.recent(user_key="cli:eve")
        await user.say(PROMPT)  # the released points fit again
        await user.settle(30)
        latest = await app.jobs.latest("cli:eve")
    assert failed.state is JobState.FAILED and failed.spend is SpendState.RELEASED
    assert latest is not None and latest.state is JobState.DELIVERED and len(fakes["ima"].tasks) == 1


async def test_the_sandbox_costs_nothing_and_is_never_over_budget(tmp_path: Path) -> None:
    async with running_app(tmp_path, VIDEOBOT_BUDGET_USER_DAILY="0") as (app, _channel):
        user = Chat(app, "fay", lang="en")
        await user.say(PROMPT)
        await user.settle(30)
        (job,) = await app.jobs.recent(user_key="cli:fay")
    assert job.state is JobState.DELIVERED and job.cost == 0
