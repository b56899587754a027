"""Spending on Feishu: a question card before words that did not ask for a video (only the asker's tap
counts), a group's shared budget, and an admin pausing the bot in a group (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path

from handlers.jobs import Ask, JobState
from tests.bot.feishu.harness import ALICE, running_feishu
from tests.bot.test_chat_providers import providers
from tests.fakes.feishu.content import card_buttons, card_text

BOB = "ou_bob00000000000000000000000002"
CAROL = "ou_carol000000000000000000000003"


async def test_a_question_card_and_its_make_it_button(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        event = fake.text("a storm over the sea")  # no request word: asked first
        await fake.deliver(event)
        asked = event["event"]["message"]["message_id"]
        await fake.wait_for(lambda: fake.replies_to(asked, "interactive"))
        card = feishu.status_card(asked)
        assert "Shall I make a video of this?" in card_text(card.body)
        assert [b["text"]["content"] for b in card_buttons(card.body)] == ["Make it", "Cancel"]
        (job,) = await feishu.app.jobs.recent()
        assert job.state is JobState.AWAITING and job.ask is Ask.WORDS

        other = await fake.deliver(fake.click(card.message_id, "Make it", operator=BOB))
        assert other.data is not None and "card" not in other.data  # someone else's tap changes nothing
        assert other.data["toast"]["content"] == "This button is for the person who asked 🙂"
        assert len(card_buttons(card.body)) == 2

        ack = await fake.deliver(fake.click(card.message_id, "Make it"))
        assert ack.data is not None and ack.data["toast"]["content"] == "🎬 OK, starting it"
        assert card_buttons(card.body) == [] and "OK, starting it" in card_text(card.body)
        await feishu.settle()
        done = await feishu.app.jobs.get(job.id)
    assert done is not None and done.state is JobState.DELIVERED
    assert [m.msg_type for m in fake.replies_to(asked)][-2:] == ["media", "text"]


async def test_the_cancel_button_calls_it_off(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        event = fake.text("一只猫在弹钢琴", dm=True)
        await fake.deliver(event)
        asked = event["event"]["message"]["message_id"]
        await fake.wait_for(lambda: fake.replies_to(asked, "interactive"))
        card = feishu.status_card(asked)
        ack = await fake.deliver(fake.click(card.message_id, "取消"))
        assert ack.data is not None and ack.data["toast"]["content"] == "👌 好的,已取消"
        await feishu.settle()
        (job,) = await feishu.app.jobs.recent()
    assert job.state is JobState.CANCELLED
    texts = [json.loads(m.content).get("text", "") for m in fake.replies_to(asked, "text")]
    assert any("已取消,没有扣费" in text for text in texts)


async def test_members_of_a_group_share_its_daily_budget(tmp_path: Path) -> None:
    async with (
        providers("ima") as (fakes, env),
        running_feishu(tmp_path, **env, VIDEOBOT_BUDGET_CHAT_DAILY="0.80") as feishu,
    ):
        fake = feishu.fake
        for sender in (ALICE, BOB, CAROL):
            await fake.deliver(fake.message("text", {"text": "@_user_1 做一个海浪的视频"}, sender=sender))
            await feishu.settle(sender)
        texts = [json.loads(m.content)["text"] for m in fake.state.bot_messages("text")]
    assert len(fakes["ima"].tasks) == 2
    assert any("这个群今天的额度不够了" in text and "还剩 0 积分" in text for text in texts)


async def test_an_admin_pauses_the_bot_in_a_group_and_members_hear_nothing(tmp_path: Path) -> None:
    async with running_feishu(tmp_path, VIDEOBOT_ADMINS=f"feishu:{ALICE}") as feishu:
        fake = feishu.fake
        await fake.deliver(fake.text("/admin pause"))
        await fake.wait_quiet(0.3)
        answers = [json.loads(m.content)["text"] for m in fake.state.bot_messages("text")]
        assert answers and answers[-1].startswith("⏸️")
        before = len(fake.state.sends)
        await fake.deliver(fake.message("text", {"text": "@_user_1 make a video of a fox"}, sender=BOB))
        await fake.wait_quiet(0.3)
        assert len(fake.state.sends) == before and await feishu.app.jobs.recent() == []  # silence
        await fake.deliver(fake.message("text", {"text": "@_user_1 /admin resume"}, sender=BOB))
        await fake.wait_quiet(0.3)
        assert len(fake.state.sends) == before  # a member cannot resume it
        await fake.deliver(fake.text("/admin resume"))
        await fake.wait_for(lambda: len(fake.state.sends) > before)  # resumed before Bob asks again
        await fake.deliver(fake.message("text", {"text": "@_user_1 make a video of a fox"}, sender=BOB))
        await feishu.settle(BOB)
        jobs = await feishu.app.jobs.recent()
    assert [job.state for job in jobs] == [JobState.DELIVERED]
