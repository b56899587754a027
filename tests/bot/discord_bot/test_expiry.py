"""Jobs that outlive the interaction token (15 minutes, shrunk here) finish through bot-token messages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.wiring import App, build_app
from handlers.jobs import JobState
from tests.bot.discord_bot.support import finished_job, key, offline_link, running_bot
from tests.fakes.discord import FakeDiscord
from tests.support import settings_for

SCALE = 0.01  # Wan 2.6 runs 90-108 virtual seconds: about one real second, progress every 0.3 s


@pytest.fixture
async def slow_app(tmp_path: Path) -> AsyncIterator[App]:
    application = build_app(settings_for(tmp_path, VIDEOBOT_LANG="en", VIDEOBOT_TIME_SCALE=SCALE))
    application.start()
    try:
        yield application
    finally:
        await application.aclose()


async def test_edits_switch_to_the_bot_token_before_the_token_expires(
    fake: FakeDiscord, slow_app: App
) -> None:
    fake.token_life_s = 0.5
    alice = fake.person("alice")
    async with running_bot(slow_app, fake, DISCORD_TOKEN_LIFE_S=0.5, DISCORD_TOKEN_MARGIN_S=0.2):
        interaction = await fake.slash("video", {"prompt": "a slow sunrise"}, by=alice)
        job = await finished_job(slow_app, key(interaction))
    assert job.state is JobState.DELIVERED
    assert all(call.status < 400 for call in fake.calls), "never a refused token"
    status = fake.messages[interaction.original_id or 0]
    assert status.history[1].startswith("🎬") and status.video is not None
    first = fake.calls_to("webhook_edit")[0]
    assert first.path.endswith("/messages/@original") and first.body
    assert first.body["embeds"][0]["description"].startswith("🎬"), "the status message is an embed"
    (video_edit,) = [c for c in fake.calls_to("channel_edit") if c.files]
    assert video_edit.bot_auth and video_edit.path.endswith(
        f"/channels/{fake.channel_id}/messages/{status.id}"
    )
    (link_post,) = fake.calls_to("channel_post")
    assert link_post.bot_auth and offline_link((link_post.body or {})["content"])
    assert not interaction.followup_ids


async def test_a_token_refused_early_is_retired_at_once_never_retried(
    fake: FakeDiscord, slow_app: App
) -> None:
    alice = fake.person("alice")
    async with running_bot(slow_app, fake):
        interaction = await fake.slash("video", {"prompt": "a slow sunrise"}, by=alice, in_dm=True)
        async with asyncio.timeout(10):  # the first status edit went through with the token
            while not [c for c in fake.calls_to("webhook_edit") if c.status < 400]:
                await asyncio.sleep(0.005)
        fake.token_life_s = 0  # Discord sometimes ends a token early (10015/50027 inside the window)
        job = await finished_job(slow_app, key(interaction))
    assert job.state is JobState.DELIVERED
    refused = [c for c in fake.calls if c.status == 401]
    assert len(refused) == 1 and refused[0].route == "webhook_edit"
    after = [c.route for c in fake.calls if c.at > refused[0].at and c.route not in ("cdn", "gateway_ws")]
    assert after and set(after) <= {"channel_edit", "channel_post"}
    dm_channel = fake.dm_channels[int(alice["id"])]
    status = fake.messages[interaction.original_id or 0]
    assert status.channel_id == dm_channel and status.video is not None
    assert offline_link(fake.in_channel(dm_channel)[-1].content)


async def test_a_channel_the_bot_may_not_write_in_moves_the_rest_to_a_direct_message(
    fake: FakeDiscord, slow_app: App
) -> None:
    fake.forbidden_channels.add(fake.channel_id)  # e.g. the bot lost "Send Messages" there
    alice = fake.person("alice")
    async with running_bot(slow_app, fake, DISCORD_TOKEN_LIFE_S=0.3, DISCORD_TOKEN_MARGIN_S=0.1):
        interaction = await fake.slash("video", {"prompt": "a slow sunrise"}, by=alice)
        await finished_job(slow_app, key(interaction))
    assert fake.messages[interaction.original_id or 0].history[1].startswith("🎬")
    status, link = fake.in_channel(fake.dm_channels[int(alice["id"])])
    assert "⏳ Generating your video…" in status.history[0] and status.video is not None
    assert offline_link(link.content)
    assert len(fake.calls_to("dm_open")) == 1
