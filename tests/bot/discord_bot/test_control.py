"""Cancel on Discord: the running status message's Cancel button (after a restart too) and ``/cancel``;
and ``/status``, ``/history``, ``/show``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.wiring import App, build_app
from handlers.jobs import Job, JobState
from tests.bot.discord_bot.support import finished_job, key, running_bot
from tests.fakes.discord import FakeDiscord, FakeInteraction, FakeMessage
from tests.support import settings_for

FREE_STOP = 'Stopped "a slow sunrise"; I won\'t send this video (it was free).'


@pytest.fixture
async def slow_app(tmp_path: Path) -> AsyncIterator[App]:
    """The sandbox at a scale where a video takes about five seconds: time to cancel it."""
    application = build_app(settings_for(tmp_path, VIDEOBOT_LANG="en", VIDEOBOT_TIME_SCALE=0.05))
    application.start()
    try:
        yield application
    finally:
        await application.aclose()


async def answer_of(fake: FakeDiscord, interaction: FakeInteraction) -> FakeMessage:
    """The filled original response of a deferred command."""
    found: FakeMessage = await fake.wait_for(
        lambda: (m := fake.messages.get(interaction.original_id or 0)) and m.content and m
    )
    return found


async def running(fake: FakeDiscord, app: App, interaction: FakeInteraction) -> tuple[Job, FakeMessage]:
    """The job of ``interaction`` once it runs, and its status message once it shows a Cancel button."""

    async with asyncio.timeout(10):
        while (
            job := await app.jobs.by_inbound(key(interaction))
        ) is None or job.state is not JobState.RUNNING:
            await asyncio.sleep(0.01)
    status = await fake.wait_for(
        lambda: (m := fake.messages.get(interaction.original_id or 0)) and m.custom_ids and m
    )
    return job, status


async def test_the_cancel_button_after_a_restart_stops_the_job(fake: FakeDiscord, slow_app: App) -> None:
    alice = fake.person("alice")
    async with running_bot(slow_app, fake):
        interaction = await fake.slash("video", {"prompt": "a slow sunrise"}, by=alice)
        job, status = await running(fake, slow_app, interaction)
    assert status.custom_ids == [f"vb:cancel:{job.id}"]
    async with running_bot(slow_app, fake):  # a new client: only the custom id knows the job
        click = await fake.click(status.id, f"vb:cancel:{job.id}", by=alice)
        await fake.wait_for(lambda: status.text == FREE_STOP)
    ended = await slow_app.jobs.get(job.id)
    assert ended is not None and ended.state is JobState.CANCELLED
    assert click.response_type == 6 and status.components == [] and status.video is None
    assert status.embeds[0]["title"] == "⏹ Video cancelled" and not status.content


async def test_someone_else_cannot_cancel(fake: FakeDiscord, slow_app: App) -> None:
    alice, bob = fake.person("alice"), fake.person("bob")
    async with running_bot(slow_app, fake):
        interaction = await fake.slash("video", {"prompt": "a slow sunrise"}, by=alice)
        job, status = await running(fake, slow_app, interaction)
        click = await fake.click(status.id, f"vb:cancel:{job.id}", by=bob)
        answer = await fake.wait_for(lambda: click.followup_ids and fake.messages[click.followup_ids[0]])
        still = await slow_app.jobs.get(job.id)
    assert answer.ephemeral and answer.content.startswith("This button belongs to whoever asked")
    assert still is not None and still.state is JobState.RUNNING and status.custom_ids


async def test_the_cancel_command_answers_privately_and_updates_the_status(
    fake: FakeDiscord, slow_app: App
) -> None:
    alice = fake.person("alice")
    async with running_bot(slow_app, fake):
        interaction = await fake.slash("video", {"prompt": "a slow sunrise"}, by=alice)
        job, status = await running(fake, slow_app, interaction)
        command = await fake.slash("cancel", {}, by=alice)
        answer = await fake.wait_for(
            lambda: (m := fake.messages.get(command.original_id or 0)) and m.content and m
        )
        await fake.wait_for(lambda: status.text == FREE_STOP)
    ended = await slow_app.jobs.get(job.id)
    assert ended is not None and ended.state is JobState.CANCELLED
    assert answer.ephemeral and answer.content == FREE_STOP and status.components == []


async def test_the_cancel_command_with_nothing_running(fake: FakeDiscord, slow_app: App) -> None:
    alice = fake.person("alice")
    async with running_bot(slow_app, fake):
        command = await fake.slash("cancel", {}, by=alice)
        answer = await fake.wait_for(
            lambda: (m := fake.messages.get(command.original_id or 0)) and m.content and m
        )
    assert answer.ephemeral and answer.content.startswith("No video is being made for you right now")


async def test_status_history_and_show(fake: FakeDiscord, app: App) -> None:
    alice = fake.person("alice")
    async with running_bot(app, fake):
        made = await fake.slash("video", {"prompt": "a paper boat"}, by=alice)
        job = await finished_job(app, key(made))
        status = await answer_of(fake, await fake.slash("status", {}, by=alice))
        history = await answer_of(fake, await fake.slash("history", {}, by=alice))
        show = await fake.slash("show", {"number": 1}, by=alice)
        shown = await answer_of(fake, show)
        await fake.wait_for(lambda: show.followup_ids)
    assert job.state is JobState.DELIVERED
    assert status.ephemeral and status.content.startswith("No video is being made for you right now")
    assert history.ephemeral and history.content.startswith('Your latest videos:\n1. ✅ "a paper boat"')
    assert not shown.ephemeral and shown.content.startswith('🔁 Again: "a paper boat"') and shown.video


async def test_follow_up_buttons_on_the_video_make_a_new_video_after_a_restart(
    fake: FakeDiscord, app: App
) -> None:
    alice, bob = fake.person("alice"), fake.person("bob")
    async with running_bot(app, fake):
        made = await fake.slash("video", {"prompt": "a paper boat"}, by=alice)
        job = await finished_job(app, key(made))
    video = fake.messages[made.original_id or 0]
    assert video.video is not None
    assert video.custom_ids == [f"vb:again:{job.id}", f"vb:another:{job.id}", f"vb:vertical:{job.id}"]
    async with running_bot(app, fake):  # a new client: only the custom id knows the job and the action
        refused = await fake.click(video.id, f"vb:again:{job.id}", by=bob)
        note = await fake.wait_for(lambda: refused.followup_ids and fake.messages[refused.followup_ids[0]])
        click = await fake.click(video.id, f"vb:vertical:{job.id}", by=alice)
        vertical = await finished_job(app, key(click))
    assert note.ephemeral and note.content.startswith("This button belongs to whoever asked")
    assert click.response_type == 6 and video.custom_ids, "the follow-ups stay for more"
    assert vertical.state is JobState.DELIVERED and vertical.request.params.aspect_ratio == "9:16"
    assert vertical.request.prompt == job.request.prompt and vertical.model_key == job.model_key


async def test_a_second_video_over_the_limit_waits_in_line_with_a_cancel_button(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    settings = settings_for(
        tmp_path, VIDEOBOT_LANG="en", VIDEOBOT_TIME_SCALE=0.05, VIDEOBOT_MAX_JOBS_PER_USER=1
    )
    application = build_app(settings)
    application.start()
    alice = fake.person("alice")
    try:
        async with running_bot(application, fake):
            first = await fake.slash("video", {"prompt": "a slow sunrise"}, by=alice)
            await running(fake, application, first)
            second = await fake.slash("video", {"prompt": "a slow sunset"}, by=alice)
            note = await answer_of(fake, second)
            queued = await application.jobs.by_inbound(key(second))
            assert queued is not None and queued.state is JobState.QUEUED
            await fake.click(note.id, f"vb:cancel:{queued.id}", by=alice)
            await fake.wait_for(lambda: note.text.startswith('Cancelled "a slow sunset"'))
            ended = await application.jobs.get(queued.id)
    finally:
        await application.aclose()
    assert note.history[1].startswith("⏳ Queued: you already have videos in progress; this one is number 1")
    assert ended is not None and ended.state is JobState.CANCELLED
