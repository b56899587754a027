"""Spending on Discord: "make it" / "cancel" buttons under a question, ``/usage`` and ``/admin``
(issue 10)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.wiring import App, build_app
from handlers.controls import Control
from handlers.jobs import Ask, Job, JobState
from tests.bot.discord_bot.support import answered, finished_job, running_bot
from tests.bot.test_chat_providers import providers
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord.model import FakeMessage
from tests.support import settings_for


@pytest.fixture
async def alice(fake: FakeDiscord) -> dict[str, str]:
    return fake.person("alice")


@pytest.fixture
async def admin_app(tmp_path: Path, alice: dict[str, str]) -> AsyncIterator[App]:
    application = build_app(
        settings_for(tmp_path, VIDEOBOT_LANG="en", VIDEOBOT_ADMINS=f"discord:{alice['id']}")
    )
    application.start()
    try:
        yield application
    finally:
        await application.aclose()


async def awaiting(app: App, inbound_key: str) -> Job:
    """The job of ``inbound_key`` once it waits for its go-ahead (recorded right after the question)."""
    async with asyncio.timeout(10):
        while (job := await app.jobs.by_inbound(inbound_key)) is None or job.state is not JobState.AWAITING:
            await asyncio.sleep(0.01)
    return job


async def question_for(fake: FakeDiscord, sent: FakeMessage) -> FakeMessage:
    found: FakeMessage = await fake.wait_for(
        lambda: next(
            (m for m in fake.in_channel(sent.channel_id) if m.author is fake.bot and m.custom_ids), None
        )
    )
    return found


async def test_make_it_under_a_question_starts_the_video(
    fake: FakeDiscord, admin_app: App, alice: dict[str, str]
) -> None:
    bob = fake.person("bob")
    async with running_bot(admin_app, fake):
        sent = await fake.dm(alice, "a storm at sea")  # no request word: asked first
        question = await question_for(fake, sent)
        job = await awaiting(admin_app, f"discord:{sent.id}")
        assert job.ask is Ask.WORDS
        assert question.custom_ids == [f"vb:go:{job.id}", f"vb:stop:{job.id}"]
        assert "Shall I make a video of this?" in question.content
        wrong = await fake.click(question.id, f"vb:go:{job.id}", by=bob)
        note = await fake.wait_for(lambda: wrong.followup_ids and fake.messages[wrong.followup_ids[0]])
        assert note.ephemeral and len(question.custom_ids) == 2
        click = await fake.click(question.id, f"vb:go:{job.id}", by=alice)
        done = await finished_job(admin_app, f"discord:{sent.id}")
    assert click.response_type == 6 and question.components == []  # one answer per question
    assert done.state is JobState.DELIVERED


async def test_cancel_under_a_question_calls_it_off(
    fake: FakeDiscord, admin_app: App, alice: dict[str, str]
) -> None:
    async with running_bot(admin_app, fake):
        sent = await fake.dm(alice, "a storm at sea")
        question = await question_for(fake, sent)
        job_id = question.custom_ids[1].split(":")[2]
        await fake.click(question.id, f"vb:stop:{job_id}", by=alice)
        done = await finished_job(admin_app, f"discord:{sent.id}")
    assert done.state is JobState.CANCELLED


async def test_usage_is_private(fake: FakeDiscord, admin_app: App, alice: dict[str, str]) -> None:
    async with running_bot(admin_app, fake):
        interaction = await fake.slash("usage", by=alice)
        answer = await answered(fake, interaction)
    assert answer.ephemeral and answer.content.startswith("📊 Your usage")


async def test_admin_commands_answer_admins_only(
    fake: FakeDiscord, admin_app: App, alice: dict[str, str]
) -> None:
    bob = fake.person("bob")
    async with running_bot(admin_app, fake):
        refused = await answered(fake, await fake.slash("admin", {"command": f"block {alice['id']}"}, by=bob))
        done = await answered(fake, await fake.slash("admin", {"command": f"block {bob['id']}"}, by=alice))
        log = await answered(fake, await fake.slash("admin", {"command": "log"}, by=alice))
        controls = await admin_app.jobs.controls()
    assert refused.ephemeral and refused.content == "Only admins can use this command 🙂"
    assert done.ephemeral and done.content.startswith(f"✅ discord:{bob['id']} is blocked")
    assert f"discord:{alice['id']}: block discord:{bob['id']}" in log.content
    assert set(controls) == {(Control.BLOCKED, f"discord:{bob['id']}")}


async def test_a_server_budget_running_out_refuses_the_next_video(
    fake: FakeDiscord, tmp_path: Path, alice: dict[str, str]
) -> None:
    bob = fake.person("bob")
    async with providers("ima") as (fakes, env):
        application = build_app(
            settings_for(tmp_path / "ima", **env, VIDEOBOT_LANG="en", VIDEOBOT_BUDGET_CHAT_DAILY="0.50")
        )
        application.start()
        try:
            async with running_bot(application, fake):
                first = await fake.slash("video", {"prompt": "a paper boat on a pond"}, by=alice)
                done = await finished_job(application, f"discord:{first.id}")
                second = await fake.slash("video", {"prompt": "a paper boat on a pond"}, by=bob)
                refusal = await answered(fake, second)
        finally:
            await application.aclose()
    assert done.state is JobState.DELIVERED and done.chat.space == str(fake.guild_id)
    assert len(fakes["ima"].tasks) == 1
    assert "Not enough of this chat's daily allowance left" in refusal.content
    assert "10 credits (about $0.10) left today" in refusal.content
