"""Stickers, files, unknown types, broken events and bad pictures: a friendly answer or silence, no crash."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from tests.bot.feishu.harness import FAST, png, running_feishu
from tests.fakes.feishu.state import Message, new_id


def texts(sends: list[Message]) -> list[str]:
    return [str(json.loads(m.content)["text"]) for m in sends]


async def test_stickers_files_and_unknown_types_get_a_friendly_answer(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        odd = [
            fake.message("sticker", {"file_key": "file_v2_sticker"}, dm=True),
            fake.message("file", {"file_key": "file_v3_x", "file_name": "notes.pdf"}),  # a group, with @
            fake.message("share_calendar_event", {"summary": "standup"}, dm=True),
            fake.message("text", "{not json", dm=True),
        ]
        for event in odd:
            assert (await fake.deliver(event)).code == 200
        await fake.wait_quiet(0.3)
        answers = texts(fake.state.sends)
        assert len(answers) == 4 and all("文字和图片" in a for a in answers)
        for event, answer in zip(odd, fake.state.sends, strict=True):
            assert answer.parent_id == event["event"]["message"]["message_id"]


async def test_broken_events_and_other_senders_are_dropped_and_the_bot_goes_on(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        no_message = fake.text("hello", dm=True)
        del no_message["event"]["message"]
        not_a_user = fake.text("make a video", dm=True)
        not_a_user["event"]["sender"]["sender_type"] = "app"
        sticker_without_at = fake.message("sticker", {"file_key": "file_v2_s"}, mention_bot=False)
        read_receipt = {
            "schema": "2.0",
            "header": {"event_id": new_id(""), "event_type": "im.message.message_read_v1", "token": "t"},
            "event": {"reader": {"reader_id": {"open_id": "ou_x"}}, "message_id_list": []},
        }
        for event in (no_message, not_a_user, sticker_without_at, read_receipt, {"schema": "2.0"}):
            assert (await fake.deliver(event)).code in (200, 500)
        await fake.ws.ack(await fake.ws.push({"not": "an event"}))  # the SDK answers 500; we carry on
        await fake.wait_quiet(0.3)
        assert not fake.state.sends
        await fake.deliver(fake.text("help", dm=True))
        await fake.wait_for(lambda: fake.state.sends)
        assert "AI" in texts(fake.state.sends)[0]


async def test_pictures_too_large_not_pictures_or_gone(tmp_path: Path) -> None:
    tuning = dataclasses.replace(FAST, max_image_bytes=2 * 1024 * 1024)
    async with running_feishu(tmp_path, tuning=tuning) as feishu:
        fake = feishu.fake
        big = png(size=(3000, 3000), color=(1, 2, 3))[:100] + bytes(3 * 1024 * 1024)
        gone = fake.message("image", {"image_key": "img_v3_gone"}, dm=True)  # no resource behind the key
        for event in (fake.image(big), fake.image(b"%PDF-1.7 not a picture"), gone):
            await fake.deliver(event)
            await fake.wait_quiet(0.2)
        too_large, not_picture, unavailable = texts(fake.state.sends)
        assert "2 MB" in too_large and "JPG" in not_picture and "重新发送" in unavailable
        assert not await feishu.app.jobs.recent()
