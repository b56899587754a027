"""Sends that must arrive once or not be paid for: a chat that refuses us for good (230002) orders
nothing, a server hiccup (5xx) is tried again with the same uuid."""

from __future__ import annotations

import json
from pathlib import Path

from bot.inert import ZERO_WIDTH_SPACE
from handlers.jobs import JobState
from tests.bot.feishu.harness import ALICE, running_feishu


async def test_no_video_is_ordered_for_a_chat_that_refuses_every_send(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        for endpoint in ("reply", "create"):
            fake.api.fail(endpoint, status=400, code=230002, msg="Bot is not in the chat", times=100)
        await fake.deliver(fake.text("make a video of a storm"))
        await feishu.settle()
        (job,) = await feishu.app.jobs.recent(user_key=f"feishu:{ALICE}")
    assert job.state is JobState.UNREACHABLE and job.handle is None
    assert not list((tmp_path / "videos").glob("tasks/*.json")), "the sandbox was never asked"
    sends = fake.state.calls_to("reply") + fake.state.calls_to("create")
    assert len(sends) == 2  # the notice, once as a reply and once in the chat: never a flood


async def test_a_server_hiccup_on_the_notice_is_tried_again_and_shows_once(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        fake.api.fail("reply", status=500, code=1, msg="internal error", times=2)
        event = fake.text("make a video of a storm")
        await fake.deliver(event)
        await feishu.settle()
        (job,) = await feishu.app.jobs.recent(user_key=f"feishu:{ALICE}")
        asked = event["event"]["message"]["message_id"]
        cards = fake.replies_to(asked, "interactive")
    assert job.state is JobState.DELIVERED and len(cards) == 1
    assert len(fake.state.calls_to("reply")) >= 3  # two refusals, then the card


async def test_echoed_words_cannot_mention_everyone_or_hide_a_link(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        for words in ('always use <at user_id="all"></at>', "always use [free credits](evil.example/login)"):
            await fake.deliver(fake.text(words))
        await feishu.settle()
        texts = [json.loads(m.content)["text"] for m in fake.state.bot_messages("text")]
    assert len(texts) == 2 and all(ZERO_WIDTH_SPACE in text for text in texts)
    assert not any('<at user_id="all">' in text or "](evil" in text for text in texts)
