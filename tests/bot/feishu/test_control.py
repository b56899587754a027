"""Cancel on Feishu: the running status card's Cancel button (its asker's alone), and "取消" in words;
the done card's follow-ups."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from handlers.jobs import Job, JobState
from tests.bot.feishu.harness import ALICE, Feishu, running_feishu
from tests.fakes.feishu import FakeFeishu
from tests.fakes.feishu.content import card_buttons, card_text

SLOW = 0.05  # the sandbox's video takes about five seconds: time to cancel it
BOB = "ou_bob00000000000000000000000002"


async def running_job(feishu: Feishu) -> Job:
    async with asyncio.timeout(10):
        while (
            job := await feishu.app.jobs.latest(f"feishu:{ALICE}")
        ) is None or job.state is not JobState.RUNNING:
            await asyncio.sleep(0.01)
    return job


async def test_the_cancel_button_stops_the_job_and_greys_the_card(tmp_path: Path) -> None:
    async with running_feishu(tmp_path, VIDEOBOT_TIME_SCALE=SLOW) as feishu:
        fake = feishu.fake
        event = fake.text("make a video of a slow sunrise")
        await fake.deliver(event)
        job = await running_job(feishu)
        card = feishu.status_card(event["event"]["message"]["message_id"])
        (button,) = card_buttons(card.body)
        assert button["text"]["content"] == "Cancel" and button["behaviors"][0]["value"]["job"] == job.id

        refused = await fake.deliver(fake.click(card.message_id, "Cancel", operator=BOB))
        assert refused.data is not None and "for the person who asked" in refused.data["toast"]["content"]
        ack = await fake.deliver(fake.click(card.message_id, "Cancel"))
        assert ack.data == {"toast": {"type": "info", "content": "Cancelling…"}}
        await feishu.settle()
        ended = await feishu.app.jobs.get(job.id)
    assert ended is not None and ended.state is JobState.CANCELLED
    assert card.body["header"]["template"] == "grey" and card_buttons(card.body) == []
    assert card_text(card.body).startswith("⏹ Video cancelled")
    assert 'Stopped "a slow sunrise"' in card_text(card.body)
    assert not [m for m in fake.replies_to(event["event"]["message"]["message_id"]) if m.msg_type == "media"]


async def test_cancel_in_words_greys_the_same_card(tmp_path: Path) -> None:
    async with running_feishu(tmp_path, VIDEOBOT_TIME_SCALE=SLOW) as feishu:
        fake = feishu.fake
        event = fake.text("做一个日出的视频")
        await fake.deliver(event)
        job = await running_job(feishu)
        await fake.deliver(fake.text("取消"))
        await feishu.settle()
        card = feishu.status_card(event["event"]["message"]["message_id"])
        ended = await feishu.app.jobs.get(job.id)
    assert ended is not None and ended.state is JobState.CANCELLED
    assert card_text(card.body).startswith("⏹ 视频已取消") and "已停止「日出」" in card_text(card.body)


async def test_the_done_card_follows_up_with_a_tap(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        event = fake.text("make a video of a paper boat")
        await fake.deliver(event)
        await feishu.settle()
        card = feishu.status_card(event["event"]["message"]["message_id"])
        refused = await fake.deliver(fake.click(card.message_id, "Again", operator=BOB))
        ack = await fake.deliver(fake.click(card.message_id, "Again"))
        await asyncio.sleep(0.1)
        await feishu.settle()
        jobs = await feishu.app.jobs.recent(user_key=f"feishu:{ALICE}")
    assert refused.data is not None and "for the person who asked" in refused.data["toast"]["content"]
    assert ack.data == {"toast": {"type": "info", "content": "🎬 OK, starting it"}}
    assert [b["text"]["content"] for b in card_buttons(card.body)] == [
        "🔁 Again",
        "🎨 Another model",
        "📱 Vertical",
    ]
    again, first = jobs
    assert again.request == first.request and again.state is JobState.DELIVERED


async def test_status_cards_lay_out_in_markdown_and_escape_what_users_typed(tmp_path: Path) -> None:
    """Card JSON 2.0 markdown: our labels in bold, a bar while it runs; a prompt's markdown, links and
    @all stay plain text."""
    typed = "make a video of *bold* [win](click-me) <font color=red>x</font> # not a heading"
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        event = fake.text(typed)
        await fake.deliver(event)
        await feishu.settle()
        card = feishu.status_card(event["event"]["message"]["message_id"])
    first = json.loads(card.content)["body"]["elements"][0]
    assert first["tag"] == "markdown" and "\n• **Model:**" in first["content"]
    progress = [json.loads(patch)["body"]["elements"][0]["content"] for patch in card.patches[:-1]]
    assert progress and all("▰" in p or "▱" in p for p in progress)
    caption = next(e["content"] for e in card.body["body"]["elements"] if e["tag"] == "markdown")
    assert r"\*bold\*" in caption and r"\[win\]\(click-me\)" in caption
    assert "&lt;font color=red&gt;x&lt;/font&gt;" in caption and "<font" not in caption
    assert "*bold* [win](click-me) <font color=red>x</font>" in card_text(card.body)  # as typed


async def test_a_follow_up_tap_works_after_a_restart(tmp_path: Path) -> None:
    """The card's callback value names the job and the asker: nothing in memory is needed."""
    fake = FakeFeishu()
    async with running_feishu(tmp_path, fake=fake) as feishu:
        event = fake.text("make a video of a paper boat")
        await fake.deliver(event)
        await feishu.settle()
        card = feishu.status_card(event["event"]["message"]["message_id"])
    async with running_feishu(tmp_path, fake=fake) as feishu:
        ack = await fake.deliver(fake.click(card.message_id, "Vertical"))
        await asyncio.sleep(0.1)
        await feishu.settle()
        vertical, first = await feishu.app.jobs.recent(user_key=f"feishu:{ALICE}")
    assert ack.code == 200 and vertical.request.params.aspect_ratio == "9:16"
    assert vertical.request.prompt == first.request.prompt and vertical.state is JobState.DELIVERED


async def test_a_queued_request_and_status_on_feishu(tmp_path: Path) -> None:
    """Over the limit the request waits in line: its notice is a card with a Cancel button; 进度 lists
    both videos with their buttons; the tap on the queued one's Cancel drops it, nothing ordered."""
    one_at_a_time: dict[str, Any] = {"VIDEOBOT_MAX_JOBS_PER_USER": 1, "VIDEOBOT_TIME_SCALE": SLOW}
    async with running_feishu(tmp_path, **one_at_a_time) as feishu:
        fake = feishu.fake
        await fake.deliver(fake.text("做一个日出的视频"))
        await running_job(feishu)
        second = fake.text("做一个日落的视频")
        await fake.deliver(second)
        await fake.wait_quiet(0.3)
        note = feishu.status_card(second["event"]["message"]["message_id"])
        first_look = json.loads(note.content)
        asked = fake.text("进度")
        await fake.deliver(asked)
        await fake.wait_quiet(0.3)
        (status,) = fake.replies_to(asked["event"]["message"]["message_id"], "interactive")
        tapped = await fake.deliver(fake.click(note.message_id, "取消"))
        await asyncio.sleep(0.2)
        queued = await feishu.app.jobs.latest(f"feishu:{ALICE}")
    assert "⏳ 已排队:你已有视频在生成,这个排在第 1 位" in card_text(first_look) and tapped.code == 200
    assert [b["text"]["content"] for b in card_buttons(first_look)] == ["取消"]
    assert "在排队,第 1 位" in card_text(json.loads(status.content))
    assert [b["text"]["content"] for b in card_buttons(json.loads(status.content))] == ["取消 1", "取消 2"]
    assert queued is not None and queued.state is JobState.CANCELLED
    assert card_text(note.body).startswith("⏹ 视频已取消") and "还没有下单,不会扣费" in card_text(note.body)


async def test_history_by_words_and_the_language_kept_across_a_number_on_feishu(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        await fake.deliver(fake.text("make a video of a paper boat"))
        await feishu.settle()
        asked = fake.text("my videos")
        await fake.deliver(asked)
        await fake.wait_quiet(0.3)
        number = fake.text("1")  # no words of its own: answered in the conversation's language
        await fake.deliver(number)
        await feishu.settle()
        history = fake.replies_to(asked["event"]["message"]["message_id"])
        again = fake.replies_to(number["event"]["message"]["message_id"])
    (listed,) = history
    assert json.loads(listed.content)["text"].startswith('Your latest videos:\n1. ✅ "a paper boat"')
    kinds = [m.msg_type for m in again]
    assert "media" in kinds, "the video shown again, playable"
    texts = [json.loads(m.content).get("text", "") for m in again if m.msg_type == "text"]
    assert any(t.startswith("🔗 This is an offline demo video") for t in texts)
