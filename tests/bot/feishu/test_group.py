"""Group chats end to end: @ with text, a post with a picture and an @, a reply to a picture, no @."""

from __future__ import annotations

import json
from pathlib import Path

from providers.types import TaskType
from tests.bot.feishu.harness import ALICE, png, running_feishu
from tests.fakes.feishu import FakeFeishu
from tests.fakes.feishu.content import card_buttons, card_text


async def test_group_mention_text_card_progress_video_link(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        event = fake.text("做一个小狗在海边奔跑的视频")
        assert (await fake.deliver(event)).code == 200
        await feishu.settle()
        asked = event["event"]["message"]["message_id"]

        replies = fake.replies_to(asked)
        assert [m.msg_type for m in replies] == ["interactive", "media", "text"]  # all threaded under it
        card, media, link = replies
        first = json.loads(card.content)
        assert first["config"]["update_multi"] and first["schema"] == "2.0"
        assert "视频生成中" in card_text(first) and "预计耗时" in card_text(first)
        progress = [json.loads(p) for p in card.patches[:-1]]
        assert progress and all("%" in card_text(p) and "预计耗时" in card_text(p) for p in progress)
        assert all("▰" in card_text(p) or "▱▱▱▱▱▱▱▱▱▱" in card_text(p) for p in progress)  # a bar too
        done = card.body
        assert "视频已完成" in card_text(done) and "视频生成成功" in card_text(done)
        cover = done["body"]["elements"][0]  # the video's cover heads the done card
        assert cover["tag"] == "img" and fake.state.uploads[cover["img_key"]].kind == "image"
        buttons = card_buttons(done)  # a local sandbox file: no link to open, only the follow-ups
        assert [b["text"]["content"] for b in buttons] == ["🔁 再来一个", "🎨 换个模型", "📱 竖屏版"]
        assert all(b["behaviors"][0]["type"] == "callback" for b in buttons)

        content = json.loads(media.content)
        video, cover = fake.state.uploads[content["file_key"]], fake.state.uploads[content["image_key"]]
        assert video.kind == "mp4" and video.data[4:8] == b"ftyp" and video.duration_ms
        assert 1500 < video.duration_ms < 5000 and cover.kind == "image"
        assert "离线演示视频" in json.loads(link.content)["text"] and "file://" not in link.content

        job = await feishu.app.jobs.latest(f"feishu:{ALICE}")
        assert job is not None and job.request.prompt == "小狗在海边奔跑"
        keys = {message_id: key for key, (message_id, _) in fake.state.uuids.items()}
        assert [keys[m.message_id] for m in replies] == [
            f"{job.id}:notice",
            f"{job.id}:video",
            f"{job.id}:link",
        ]


async def test_post_with_picture_and_mention_is_image_to_video(tmp_path: Path) -> None:
    picture = png()
    async with running_feishu(tmp_path) as feishu:
        event = feishu.fake.post("让它动起来,慢慢推近", picture)
        await feishu.fake.deliver(event)
        await feishu.settle()
        job = await feishu.app.jobs.latest(f"feishu:{ALICE}")
        assert job is not None and job.request.task_type is TaskType.IMAGE_TO_VIDEO
        assert job.request.images[0].data == picture and job.request.images[0].content_type == "image/png"
        assert job.request.prompt == "让它动起来,慢慢推近"
        asked = event["event"]["message"]["message_id"]
        assert [m.msg_type for m in feishu.fake.replies_to(asked)] == ["interactive", "media", "text"]


async def test_reply_to_a_picture_uses_that_picture(tmp_path: Path) -> None:
    picture = png(color=(10, 200, 90))
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        bare = fake.image(picture, dm=False)  # a bare picture cannot @ the bot: never delivered to it
        parent = bare["event"]["message"]["message_id"]
        await fake.deliver(fake.text("animate this", parent_id=parent))
        await feishu.settle()
        job = await feishu.app.jobs.latest(f"feishu:{ALICE}")
        assert job is not None and job.request.task_type is TaskType.IMAGE_TO_VIDEO
        assert job.request.images[0].data == picture
        assert fake.state.calls_to("get") and fake.state.calls_to("resource")


async def test_group_without_mention_is_ignored_unless_configured(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        await feishu.fake.deliver(feishu.fake.text("做一个视频", mention_bot=False))
        other = feishu.fake.text("做一个视频", mention_bot=False)
        other["event"]["message"]["mentions"] = [
            {"key": "@_user_1", "id": {"open_id": "ou_bob"}, "name": "Bob"}
        ]
        await feishu.fake.deliver(other)
        await feishu.fake.wait_quiet(0.3)
        assert not feishu.fake.state.sends
    async with running_feishu(tmp_path, feishu={"FEISHU_REQUIRE_MENTION": "false"}) as feishu:
        await feishu.fake.deliver(feishu.fake.text("make a video of a kite", mention_bot=False))
        await feishu.settle()
        assert [m.msg_type for m in feishu.fake.state.sends] == ["interactive", "media", "text"]


async def test_without_the_bots_identity_any_mention_counts(tmp_path: Path) -> None:
    fake = FakeFeishu()
    fake.api.fail("bot_info", status=500, code=1, msg="internal error")
    async with running_feishu(tmp_path, fake=fake):
        await fake.deliver(fake.text("help"))
        await fake.wait_for(lambda: fake.state.sends)
        assert fake.state.calls_to("bot_info")[0].status == 500
