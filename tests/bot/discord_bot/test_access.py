"""The access policy on Discord: DMs and servers open, allowlist or off; outsiders spend nothing."""

from __future__ import annotations

from bot.wiring import App
from tests.bot.discord_bot.support import StartBot, finished_job, key
from tests.fakes.discord import FakeDiscord


async def test_dms_on_an_allowlist_let_in_only_who_is_named(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    alice, bob = fake.person("alice"), fake.person("bob")
    async with start_bot(DISCORD_DM_ACCESS="allowlist", DISCORD_ALLOWED_USERS=alice["id"]):
        for _ in range(2):  # asked twice: told once
            refused = await fake.dm(bob, "make a video of a kite")
        await fake.wait_for(lambda: [m for m in fake.in_channel(refused.channel_id) if m.author is fake.bot])
        sent = await fake.dm(alice, "make a video of a kite")
        job = await finished_job(app, f"discord:{sent.id}")
        told = [m for m in fake.in_channel(refused.channel_id) if m.author is fake.bot]
    assert job.chat.user_id == alice["id"] and len(await app.jobs.recent()) == 1
    assert len(told) == 1 and "isn't switched on for you here" in told[0].content


async def test_a_server_outside_the_policy_gets_a_private_note_and_a_listed_role_gets_in(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    async with start_bot(DISCORD_SERVER_ACCESS="allowlist", DISCORD_ALLOWED_CHANNELS="1"):
        refused = await fake.slash("video", {"prompt": "a kite"}, by=alice)
        await fake.wait_for(lambda: refused.response_type is not None)
    data = (refused.response or {}).get("data") or {}
    assert refused.response_type == 4 and data.get("flags", 0) & 64  # a private note, no "thinking…"
    assert "isn't switched on for you here" in data.get("content", "")
    assert not await app.jobs.recent()
    everyone = str(fake.guild_id)  # the @everyone role: every member holds it
    async with start_bot(DISCORD_SERVER_ACCESS="allowlist", DISCORD_ALLOWED_ROLES=everyone):
        admitted = await fake.slash("video", {"prompt": "a kite"}, by=alice)
        job = await finished_job(app, key(admitted))
    assert job.chat.user_id == alice["id"]
