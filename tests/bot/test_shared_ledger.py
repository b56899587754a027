"""The whole bot on the PostgreSQL ledger (a real server): the protocol end to end, preferences in the
database, and a second instance finishing the jobs of one that stopped working (in one process here;
tests/bot/test_instances.py does it with two real processes and a SIGKILL)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from handlers.jobs import JobState
from messages.control import CancelOutcome
from messages.reply import ReplyKind
from prefs.postgres import PostgresPreferenceStore
from providers.types import TaskType
from tests.bot.test_chat_providers import providers
from tests.fakes.ima_tasks import Timings
from tests.support import Chat, running_app

LEASE = {"VIDEOBOT_LEASE_S": 3}


async def test_a_video_end_to_end_on_the_shared_ledger(tmp_path: Path, postgres_url: str) -> None:
    async with (
        providers("ima") as (_, env),
        running_app(tmp_path, VIDEOBOT_DATABASE_URL=postgres_url, **env) as (app, channel),
    ):
        assert app.jobs.shared and isinstance(app.prefs, PostgresPreferenceStore)
        await app.prepare()
        user = Chat(app, "ann", lang="en")
        await user.say("make a video of a paper boat on a pond")
        await user.settle(30)
        kinds = channel.kinds("ann")
        assert kinds[0] is ReplyKind.NOTICE and ReplyKind.VIDEO in kinds and kinds[-1] is ReplyKind.LINK
        [job] = await app.jobs.recent(user_key="cli:ann")
        assert job.state is JobState.DELIVERED
        remembered = await app.prefs.get("user_cli:ann", TaskType.TEXT_TO_VIDEO)
        assert remembered is not None and remembered.model_name == job.model_name
    assert not (tmp_path / "preferences.json").exists(), "the preferences live in the database"


async def test_a_second_instance_finishes_the_jobs_of_one_that_stopped(
    tmp_path: Path, postgres_url: str
) -> None:
    shared: dict[str, Any] = {
        "VIDEOBOT_DATABASE_URL": postgres_url,
        "VIDEOBOT_MAX_JOBS_PER_USER": 5,
        "VIDEOBOT_TIME_SCALE": 0.05,  # the take-over waits real seconds: the jobs' deadlines are far
        **LEASE,
    }
    async with providers("ima") as (fakes, env):
        fakes["ima"].timings = Timings(queued_s=1, processing_s=2, empty_url_s=0.05)
        async with running_app(tmp_path / "a", **env, **shared) as (first, first_channel):
            await first.resume({"cli"})
            user = Chat(first, "bo", lang="en")
            for subject in ("a kite", "a boat", "a lamp"):
                await user.say(f"make a video of {subject}")
            async with asyncio.timeout(10):
                while any(job.state is not JobState.RUNNING for job in await first.jobs.active("cli:bo")):
                    await asyncio.sleep(0.02)
            await first.flow.drain(0)  # it stops working, and never lets go: as if killed
            creates = len(fakes["ima"].calls("create"))
            async with running_app(tmp_path / "b", **env, **shared) as (second, second_channel):
                await second.resume({"cli"})  # nothing yet: the first one's leases still run
                assert await second.jobs.active("cli:bo") and not second_channel.of("bo")
                await Chat(second, "bo").settle(30)
                jobs = await second.jobs.recent(user_key="cli:bo")
                assert [job.state for job in jobs] == [JobState.DELIVERED] * 3
                replies = first_channel.of("bo") + second_channel.of("bo")
                videos = [reply for reply in replies if reply.kind is ReplyKind.VIDEO]
                assert len(videos) == 3, "each video delivered once"
                assert len(fakes["ima"].calls("create")) == 3 >= creates, "never created twice"


async def test_a_job_cancelled_on_another_instance_is_let_go_at_the_next_renewal(
    tmp_path: Path, postgres_url: str
) -> None:
    shared: dict[str, Any] = {"VIDEOBOT_DATABASE_URL": postgres_url, "VIDEOBOT_TIME_SCALE": 0.05, **LEASE}
    async with providers("ima") as (fakes, env):
        fakes["ima"].timings = Timings(queued_s=600, processing_s=600, empty_url_s=0)  # it runs on
        async with (
            running_app(tmp_path / "a", **env, **shared) as (first, _),
            running_app(tmp_path / "b", **env, **shared) as (second, _),
        ):
            await Chat(first, "cy", lang="en").say("make a video of a kite")
            async with asyncio.timeout(10):
                while not first.flow.watched():
                    await asyncio.sleep(0.02)
            await asyncio.sleep(0.5)
            assert fakes["ima"].calls("detail"), "it polls"
            [job] = await first.jobs.active("cli:cy")
            outcome, _ = await second.flow.cancel(job.id)  # the user's cancel reached the other one
            assert outcome is CancelOutcome.STOPPED, "IMA cannot withdraw a task: no longer followed"
            assert job.id in first.flow.watched(), "the first one has not heard yet"
            await first.renew_leases()
            assert first.flow.watched() == frozenset(), "let go: no more polls or progress here"
            polls = len(fakes["ima"].calls("detail"))
            await asyncio.sleep(1.0)  # two poll intervals at this time scale
            assert len(fakes["ima"].calls("detail")) == polls
            [ended] = await first.jobs.recent(user_key="cli:cy")
            assert ended.state is JobState.CANCELLED
