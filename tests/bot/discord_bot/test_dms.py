"""Direct messages: free text and photos without a slash command, and friendly answers to the rest."""

from __future__ import annotations

from bot.wiring import App
from handlers.jobs import JobState
from providers.types import TaskType
from tests.bot.discord_bot.support import StartBot, answered, finished_job, offline_link, photo, png
from tests.fakes.discord import MIB, FakeDiscord, Upload
from tests.fakes.discord.model import FakeMessage
from tests.fakes.discord.payloads import snowflake


def replies(fake: FakeDiscord, to: FakeMessage) -> list[FakeMessage]:
    return [m for m in fake.in_channel(to.channel_id) if m.author is fake.bot]


async def test_a_photo_with_words_makes_an_image_to_video(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    async with start_bot():
        sent = await fake.dm(alice, "animate this, slow zoom", (photo(),))
        job = await finished_job(app, f"discord:{sent.id}")
    assert job.state is JobState.DELIVERED and job.request.task_type is TaskType.IMAGE_TO_VIDEO
    assert job.request.images[0].data == png() and job.request.images[0].content_type == "image/png"
    status, link = replies(fake, sent)
    assert status.reference == sent.id and status.history[0].startswith("🎬")
    assert status.video is not None and offline_link(link.content)
    edits = fake.calls_to("channel_edit")
    assert edits and all(call.bot_auth for call in edits)


async def test_a_photo_alone_waits_for_the_words(fake: FakeDiscord, app: App, start_bot: StartBot) -> None:
    alice = fake.person("alice")
    async with start_bot():
        first = await fake.dm(alice, "", (photo(),))
        await fake.wait_for(lambda: replies(fake, first))
        second = await fake.dm(alice, "make it move like the wind")
        job = await finished_job(app, f"discord:{second.id}")
    assert replies(fake, first)[0].content.startswith("📷 Got your picture!")
    assert job.request.task_type is TaskType.IMAGE_TO_VIDEO


async def test_preference_phrases_work_as_in_the_terminal(fake: FakeDiscord, start_bot: StartBot) -> None:
    alice = fake.person("alice")
    async with start_bot():
        sent = await fake.dm(alice, "always use Kling O1")
        (answer,) = await fake.wait_for(lambda: replies(fake, sent))
    assert "From now on I'll use Kling O1" in answer.content


async def test_an_attachment_that_is_not_a_picture_gets_a_friendly_answer(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    async with start_bot():
        sent = await fake.dm(alice, "animate this", (Upload(b"%PDF-1.7", "notes.pdf", "application/pdf"),))
        (answer,) = await fake.wait_for(lambda: replies(fake, sent))
    assert answer.content.startswith("That attachment isn't a picture")
    assert await app.jobs.by_inbound(f"discord:{sent.id}") is None
    assert not fake.calls_to("cdn"), "refused from its metadata, never downloaded"


async def test_a_file_that_only_claims_to_be_a_picture_is_refused(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    async with start_bot():
        sent = await fake.dm(alice, "animate this", (Upload(b"GIF89a....", "cat.png", "image/png"),))
        (answer,) = await fake.wait_for(lambda: replies(fake, sent))
    assert answer.content.startswith("That attachment isn't a picture") and fake.calls_to("cdn")


async def test_a_picture_that_is_too_large_gets_a_friendly_answer(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    huge = Upload(png(), "huge.png", "image/png", size=30 * MIB)
    async with start_bot():
        sent = await fake.dm(alice, "animate this", (huge,))
        (answer,) = await fake.wait_for(lambda: replies(fake, sent))
    assert answer.content == "That picture is too large (at most 10 MB); please send a smaller one"


async def test_a_message_without_words_or_pictures_is_answered(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    async with start_bot():
        sent = await fake.dm(alice, "")  # e.g. a sticker
        (answer,) = await fake.wait_for(lambda: replies(fake, sent))
    assert answer.content.startswith("I understand text and pictures")


async def test_server_messages_and_bots_are_ignored(fake: FakeDiscord, app: App, start_bot: StartBot) -> None:
    alice, robot = fake.person("alice"), fake.person("robot")
    robot["bot"] = True
    async with start_bot():
        in_server = FakeMessage(
            id=snowflake(), channel_id=fake.channel_id, author=alice, guild_id=fake.guild_id
        )
        in_server.content = "make a video of a cat"
        await fake.gateway.dispatch("MESSAGE_CREATE", in_server.payload(fake.application_id))
        from_robot = await fake.dm(robot, "make a video of a cat")
        ping = await fake.dm(alice, "")
        await fake.wait_for(lambda: replies(fake, ping))
    assert len(fake.bot_messages()) == 1, "only the human's DM was answered"
    for ignored in (in_server, from_robot):
        assert await app.jobs.by_inbound(f"discord:{ignored.id}") is None


async def test_a_picture_larger_than_it_claimed_is_refused_after_reading(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    liar = Upload(b"\x89PNG\r\n\x1a\n" + b"0" * (2 * MIB), "cat.png", "image/png", size=1000)
    async with start_bot(DISCORD_MAX_IMAGE_MB=1):
        sent = await fake.dm(alice, "animate this", (liar,))
        (answer,) = await fake.wait_for(lambda: replies(fake, sent))
    assert answer.content == "That picture is too large (at most 1 MB); please send a smaller one"


async def test_a_direct_message_that_cannot_be_answered_is_logged_not_raised(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    fake.forbidden_channels.add(fake.dm_channel_of(int(alice["id"])))  # e.g. the user blocked the bot
    async with start_bot():
        await fake.dm(alice, "")
        await fake.wait_for(lambda: [c for c in fake.calls_to("channel_post") if c.status == 403])
        answer = await answered(fake, await fake.slash("help", by=alice))
    assert answer.content.startswith("👋") and len(fake.calls_to("channel_post")) == 1


async def test_echoed_words_cannot_format_or_link(fake: FakeDiscord, start_bot: StartBot) -> None:
    alice = fake.person("alice")
    async with start_bot():
        sent = await fake.dm(alice, "always use **Sora 9** ||x|| [free](evil) @everyone")
        answer = await fake.wait_for(lambda: replies(fake, sent) and replies(fake, sent)[-1])
    content = answer.content
    assert "\\*\\*Sora 9\\*\\*" in content and "\\|\\|x\\|\\|" in content
    assert "[free](evil)" not in content  # no masked link
    assert answer.mention_everyone is False


async def test_in_a_dm_the_protocol_rules_and_the_language_hold(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    """Issue 12 in a Discord DM: an unknown model named in a request is "not found" plus the list, and a
    number answered in the language the user last wrote in."""
    alice = fake.person("alice")
    async with start_bot():
        unknown = await fake.dm(alice, "用 Runway 做一个小狗的视频")
        found = await fake.wait_for(lambda: replies(fake, unknown))
        menu = await fake.dm(alice, "try another model")
        await fake.wait_for(lambda: len(replies(fake, menu)) > len(found))
        picked = await fake.dm(alice, "2")
        await fake.wait_for(lambda: replies(fake, picked)[-1].content.startswith("✅"))
    said = [m.content for m in replies(fake, picked)]
    assert said[0].startswith("没找到「Runway」这个模型。可以选:")
    assert said[-1].startswith("✅ Got it! From now on I'll use")
