"""Direct messages end to end: no @ needed, a photo then words make one request, commands, redelivery."""

from __future__ import annotations

import json
import time
from pathlib import Path

from providers.types import TaskType
from tests.bot.feishu.harness import ALICE, png, running_feishu
from tests.fakes.feishu.content import card_text
from tests.fakes.feishu.state import Message


def _text_of(message: Message) -> str:
    return str(json.loads(message.content)["text"])


async def test_photo_then_words_make_one_image_to_video_request(tmp_path: Path) -> None:
    picture = png(color=(30, 60, 220))
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        photo = fake.image(picture)
        await fake.deliver(photo)
        await fake.wait_for(lambda: fake.state.sends)
        (got_it,) = fake.replies_to(photo["event"]["message"]["message_id"])
        assert "收到图片" in _text_of(got_it)
        words = fake.text("让小船慢慢漂走", dm=True)
        await fake.deliver(words)
        await feishu.settle()
        job = await feishu.app.jobs.latest(f"feishu:{ALICE}")
        assert job is not None and job.request.task_type is TaskType.IMAGE_TO_VIDEO
        assert job.request.images[0].data == picture and job.request.prompt == "让小船慢慢漂走"
        asked = words["event"]["message"]["message_id"]
        assert [m.msg_type for m in fake.replies_to(asked)] == ["interactive", "media", "text"]
        assert len(await feishu.app.jobs.recent()) == 1


async def test_photo_and_words_sent_at_once_still_make_one_request(tmp_path: Path) -> None:
    picture = png()
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        fake.state.delays["resource"] = 0.3  # the photo's download is still under way when the words arrive
        photo, words = fake.image(picture), fake.text("make it snow", dm=True)
        await fake.ws.push(photo)
        await fake.ws.push(words)
        await feishu.settle()
        job = await feishu.app.jobs.latest(f"feishu:{ALICE}")
        assert job is not None and job.request.task_type is TaskType.IMAGE_TO_VIDEO
        assert job.request.images[0].data == picture


async def test_help_and_preferences_work_as_in_the_terminal(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        for text in ("help", "always use Kling O1", "my preferences"):
            await fake.deliver(fake.text(text, dm=True))
            await fake.wait_quiet(0.2)
        answers = [_text_of(m) for m in fake.state.sends]
        assert len(answers) == 3 and "Kling O1" in answers[1] and "Kling O1" in answers[2]
        await fake.deliver(fake.text("make a video of a fox", dm=True))
        await feishu.settle()
        notice = fake.state.bot_messages("interactive")[0]
        assert "Kling O1" in card_text(notice.body)


async def test_the_same_message_redelivered_with_a_new_event_id_makes_one_job(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        event = fake.text("make a video of a lighthouse at dusk", dm=True)
        first, again = await fake.deliver(event), await fake.deliver(fake.redelivered(event))
        assert first.code == again.code == 200  # both acked: Feishu stops resending
        await feishu.settle()
        await fake.deliver(fake.redelivered(event))  # late backfill after the job finished
        await feishu.settle()
        assert len(await feishu.app.jobs.recent()) == 1
        assert [m.msg_type for m in fake.state.sends] == ["interactive", "media", "text"]


async def test_a_message_delivered_hours_late_starts_nothing(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        late = fake.text("make a video of the sea", dm=True, sent_at=time.time() - 3 * 3600)
        await fake.deliver(late)
        await fake.deliver(fake.redelivered(late))
        await fake.wait_quiet(0.3)
        (answer,) = fake.state.sends
        assert "send it again" in _text_of(answer)
        assert not await feishu.app.jobs.recent()
