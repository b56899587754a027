"""``/video`` end to end: defer -> one message (notice, progress, the video) -> the link as text."""

from __future__ import annotations

from pathlib import Path

from bot.wiring import App
from handlers.jobs import JobState
from tests.bot.discord_bot.support import StartBot, finished_job, key, offline_link
from tests.fakes.discord import FakeDiscord, FakeInteraction

SUPPRESS_EMBEDS = 1 << 2  # Discord message flag


def own_calls(fake: FakeDiscord, interaction: FakeInteraction) -> list[str]:
    """The routes of every request made with this interaction's id or token, in order."""
    return [c.route for c in fake.calls if str(interaction.id) in c.path or interaction.token in c.path]


async def test_slash_video_defers_then_edits_one_message_into_the_video_then_links(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    async with start_bot():
        interaction = await fake.slash("video", {"prompt": "a puppy running on a beach"}, by=alice)
        job = await finished_job(app, key(interaction))
    assert job.state is JobState.DELIVERED and job.video_url is not None
    routes = own_calls(fake, interaction)
    assert routes[0] == "callback" and fake.calls_to("callback")[0].body == {"type": 5}  # thinking
    assert set(routes[1:]) == {"webhook_edit", "webhook_post"}
    status = fake.messages[interaction.original_id or 0]
    notice, *progress, final = status.history[1:]
    assert notice.startswith("🎬 Starting video generation") and "Wan 2.6" in notice
    # the pre-notification stays above a bar and the protocol's lines (model, time and cost stay visible)
    assert progress and all(p.startswith(notice) and "\n\n▰" in p for p in progress)
    assert all("\n⏳ Generating your video… " in p and "\nWaited " in p for p in progress)
    assert final.startswith("✅") and "a puppy running on a beach" in final
    assert [a["filename"] for a in status.attachments] == ["video.mp4"]
    assert status.embeds == [], "the video replaces the status embed"
    running = fake.calls_to("webhook_edit")[0].body or {}
    assert running["embeds"][0]["title"] == "🎬 Making your video" and not running.get("content")
    assert status.video == Path(job.video_url.removeprefix("file://")).read_bytes()
    (link,) = [fake.messages[i] for i in interaction.followup_ids]
    assert offline_link(link.content) and link.flags & SUPPRESS_EMBEDS, "no second player under the video"
    assert not fake.calls_to("channel_post", "channel_edit"), "the token was fresh: no bot-token messages"


async def test_a_result_over_the_upload_limit_is_shown_as_a_link_with_a_note(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    async with start_bot():
        interaction = await fake.slash("video", {"prompt": "a lighthouse"}, by=alice, size_limit=1000)
        await finished_job(app, key(interaction))
    status = fake.messages[interaction.original_id or 0]
    assert not status.attachments and not [c for c in fake.calls if c.files]
    assert "The video can't be played here, please use the link below" in status.content
    (link,) = [fake.messages[i] for i in interaction.followup_ids]
    assert offline_link(link.content)


async def test_a_refused_upload_falls_back_to_the_link_and_says_so(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    fake.upload_limit = 1000  # the interaction promises 10 MiB, Discord answers 413 / 40005
    alice = fake.person("alice")
    async with start_bot():
        interaction = await fake.slash("video", {"prompt": "a glacier"}, by=alice)
        await finished_job(app, key(interaction))
    refused = [c for c in fake.calls if c.files]
    assert len(refused) == 1 and refused[0].status == 413, "one try, then the link: no retry loop"
    status = fake.messages[interaction.original_id or 0]
    assert status.content.startswith("✅") and "can't be played here" in status.content
    assert not status.attachments
    assert offline_link(fake.messages[interaction.followup_ids[0]].content)


async def test_a_prompt_with_everyone_pings_nobody(fake: FakeDiscord, app: App, start_bot: StartBot) -> None:
    alice = fake.person("alice")
    async with start_bot():
        interaction = await fake.slash("video", {"prompt": "@everyone look at this cat <@1234>"}, by=alice)
        await finished_job(app, key(interaction))
    written = fake.bot_messages()
    assert any("@everyone" in m.content for m in written), "the prompt is quoted back"
    for message in written:
        assert not message.mention_everyone and not message.mentions
        assert message.allowed_mentions and all(a and a["parse"] == [] for a in message.allowed_mentions)


async def test_rate_limited_edits_are_retried_by_discord_py(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    fake.rate_limit("webhook_edit", times=2, retry_after=0.05)
    alice = fake.person("alice")
    async with start_bot():
        interaction = await fake.slash("video", {"prompt": "a kite"}, by=alice)
        job = await finished_job(app, key(interaction))
    statuses = [c.status for c in fake.calls_to("webhook_edit")]
    assert statuses[:3] == [429, 429, 200] and job.state is JobState.DELIVERED
    assert fake.messages[interaction.original_id or 0].history[1].startswith("🎬")


async def test_a_refused_first_edit_posts_the_notice_with_the_bot_token_and_edits_it_there(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    fake.rate_limit("webhook_edit", times=1, via=False)  # a 429 without Via: discord.py raises at once
    alice = fake.person("alice")
    async with start_bot():
        interaction = await fake.slash("video", {"prompt": "a kite"}, by=alice)
        job = await finished_job(app, key(interaction))
    assert job.state is JobState.DELIVERED
    notice = next(m for m in fake.bot_messages() if m.history[0].startswith("🎬"))
    assert notice.interaction_id is None and notice.video is not None
    assert fake.calls_to("webhook_edit")[0].status == 429
    assert not [c for c in fake.calls_to("webhook_edit") if str(notice.id) in c.path], "edited by bot token"
    assert fake.calls_to("channel_edit") and all(c.bot_auth for c in fake.calls_to("channel_edit"))
