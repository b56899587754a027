"""Sends that must not repeat or go nowhere: a nonce on every bot send, and chats that refuse us for good."""

from __future__ import annotations

from bot.wiring import App
from handlers.jobs import JobState
from messages.reply import Reply, ReplyKind
from tests.bot.discord_bot.support import StartBot, finished_job
from tests.fakes.discord import FakeDiscord


async def test_every_bot_send_carries_a_nonce_and_a_resend_shows_once(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    async with start_bot():
        sent = await fake.dm(alice, "make a video of a kite")
        job = await finished_job(app, f"discord:{sent.id}")
        posts = fake.calls_to("channel_post")
        assert posts and all(c.body and c.body.get("nonce") and c.body.get("enforce_nonce") for c in posts)
        assert len({c.body["nonce"] for c in posts if c.body}) == len(posts)  # one per step
        shown = fake.in_channel(sent.channel_id)
        link = Reply(kind=ReplyKind.LINK, text=f"link {job.video_url}", job_id=job.id)
        again = await app.outbox.send(job.chat, link)  # the link step sent again (a retry, a restart)
    assert again == str(shown[-1].id) and fake.in_channel(sent.channel_id) == shown  # shown once


async def test_nothing_is_ordered_when_the_user_takes_no_messages_from_the_bot(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    fake.closed_dms.add(int(alice["id"]))  # the user blocked the bot after writing (50007)
    async with start_bot():
        sent = await fake.dm(alice, "make a video of a kite")
        job = await finished_job(app, f"discord:{sent.id}")
    assert job.state is JobState.UNREACHABLE and job.handle is None
    assert [m for m in fake.in_channel(sent.channel_id) if m.author is fake.bot] == []


async def test_a_private_answer_whose_token_is_gone_goes_by_dm_never_to_the_channel(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    fake.token_life_s = 0.0  # the interaction token is refused at once (50027)
    alice = fake.person("alice")
    async with start_bot():
        await fake.slash("help", {}, by=alice)
        dm = fake.dm_channel_of(int(alice["id"]))
        answer = await fake.wait_for(lambda: [m for m in fake.in_channel(dm) if m.author is fake.bot])
    public = [m for m in fake.in_channel(fake.channel_id) if m.author is fake.bot and not m.ephemeral]
    assert public == [], "a private answer never becomes public"
    assert answer[0].content.startswith("👋")  # the help, privately by DM


async def test_echoed_words_cannot_hide_a_link(fake: FakeDiscord, start_bot: StartBot) -> None:
    alice = fake.person("alice")
    async with start_bot():
        sent = await fake.dm(alice, "always use [free nitro](evil.example/login)")
        (answer,) = await fake.wait_for(
            lambda: [m for m in fake.in_channel(sent.channel_id) if m.author is fake.bot]
        )
    assert "free nitro" in answer.content and "](evil" not in answer.content
