"""A provider's https-style result (the fake IMA Studio's CDN): attached when it fits, else unfurled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.discord_bot import slash
from bot.wiring import App, build_app
from tests.bot.discord_bot.support import finished_job, key, running_bot
from tests.fakes.discord import FakeDiscord
from tests.fakes.ima import DEFAULT_KEY, FakeIma
from tests.fakes.server import serve
from tests.support import settings_for

FAKE_MP4 = b"\x00\x00\x00\x18ftypmp42fake-mp4"  # what the fake IMA CDN serves


@pytest.fixture
def ima() -> FakeIma:
    return FakeIma()


@pytest.fixture
async def ima_app(tmp_path: Path, ima: FakeIma) -> AsyncIterator[App]:
    async with serve(ima.app()) as url:
        env = {"IMA_API_KEY": DEFAULT_KEY, "IMA_BASE_URL": url, "IMA_UPLOAD_BASE_URL": url}
        application = build_app(settings_for(tmp_path, VIDEOBOT_LANG="en", **env))
        application.start()
        try:
            yield application
        finally:
            await application.aclose()


async def test_a_web_video_that_fits_is_downloaded_and_attached(fake: FakeDiscord, ima_app: App) -> None:
    alice = fake.person("alice")
    async with running_bot(ima_app, fake):
        interaction = await fake.slash("video", {"prompt": "a fox in the snow"}, by=alice)
        job = await finished_job(ima_app, key(interaction))
    status = fake.messages[interaction.original_id or 0]
    assert status.video == FAKE_MP4
    assert job.video_url and job.video_url in fake.messages[interaction.followup_ids[0]].content


async def test_a_web_video_too_large_to_attach_is_unfurled_from_its_url(
    fake: FakeDiscord, ima_app: App
) -> None:
    alice = fake.person("alice")
    async with running_bot(ima_app, fake):
        interaction = await fake.slash("video", {"prompt": "a fox in the snow"}, by=alice, size_limit=10)
        job = await finished_job(ima_app, key(interaction))
    status = fake.messages[interaction.original_id or 0]
    assert not status.attachments and job.video_url
    assert status.content.startswith("✅") and status.content.endswith("\n" + job.video_url)
    assert "can't be played here" not in status.content  # Discord plays the unfurled link


async def test_slow_model_suggestions_give_up_in_time(
    fake: FakeDiscord, ima: FakeIma, ima_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slash, "AUTOCOMPLETE_BUDGET_S", 0.1)  # Discord allows 3 s; here 0.1 s
    ima.latency_s = 1.0  # the provider's model list is slow to answer
    alice = fake.person("alice")
    async with running_bot(ima_app, fake):
        choices = await fake.autocomplete("video", {"model": "wan"}, "model", by=alice)
    assert choices == []
