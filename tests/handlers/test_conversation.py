"""The conversation end to end on the offline sandbox: the protocol, preferences, limits, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from messages.reply import ReplyKind
from providers.types import ImageInput, TaskType, VideoParams
from tests.providers.sandbox.media import solid_png
from tests.support import Chat, running_app

K = ReplyKind


async def test_text_to_video_runs_the_four_steps_in_order_zh(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        alice = Chat(app)
        await alice.say("做一个小狗在海边奔跑的视频")
        await alice.settle()
    kinds = channel.kinds("alice")
    assert kinds[0] is K.NOTICE and kinds[-2:] == [K.VIDEO, K.LINK]
    assert set(kinds[1:-2]) <= {K.PROGRESS}
    notice, video, link = channel.of("alice")[0], channel.of("alice")[-2], channel.of("alice")[-1]
    assert notice.text.startswith("🎬 开始生成视频,请稍候…") and "Wan 2.6" in notice.text
    assert "预计耗时:60 ~ 120 秒" in notice.text
    assert video.text.startswith("✅ 视频生成成功!") and video.video_url and video.video_url.endswith(".mp4")
    assert Path(video.video_url.removeprefix("file://")).is_file()
    assert link.text.startswith("🔗 视频链接(方便复制分享):") and video.video_url in link.text


async def test_progress_follows_the_formula_and_never_reaches_100(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        alice = Chat(app, lang="en")
        await alice.say("make a video of rain on a window #slow")
        await alice.settle()
    progress = [r.text for r in channel.of("alice") if r.kind is K.PROGRESS]
    assert progress, "a slow job reports progress"
    percents = [int(text.split("… ")[1].split("%")[0]) for text in progress]
    assert percents == sorted(percents) and max(percents) == 95 and 100 not in percents
    assert "Almost there" in progress[-1]
    # progress edits the status message (the pre-notification) where a platform can edit
    notice_id = "msg-1"
    assert all(replace == notice_id for _, reply, replace in channel.replies if reply.kind is K.PROGRESS)


async def test_english_success_and_caption(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        bob = Chat(app, "bob")
        await bob.say("make a video of a puppy running on a beach")
        await bob.settle()
    notice, video = channel.of("bob")[0], channel.of("bob")[-2]
    assert notice.text.startswith("🎬 Starting video generation")
    assert video.text.startswith("✅") and "a puppy running on a beach" in video.text


async def test_failure_offers_two_offered_alternatives_and_yes_retries(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        alice = Chat(app)
        await alice.say("做一个小狗的视频 #fail")
        await alice.settle()
        failure = channel.of("alice")[-1]
        assert failure.kind is K.FAILURE and failure.text.startswith("❌ 视频生成失败")
        assert "需要我帮你用其他模型重试吗?" in failure.text
        # seed table for Wan 2.6: Hailuo 2.0, Kling 1.6 (retired, skipped) -> the next offered one
        assert [b.model_key for b in failure.buttons] == ["hailuo-2.0", "kling-o1"]
        await alice.say("好")
        await alice.settle()
    notices = [r for r in channel.of("alice") if r.kind is K.NOTICE]
    # the same request (its demo keyword included) ran again as a new job on the first alternative
    assert len(notices) == 2 and "Hailuo 2.0" in notices[1].text and notices[0].job_id != notices[1].job_id


async def test_failure_before_a_task_exists_is_translated(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        alice = Chat(app)
        await alice.say("做一个人在跳舞的视频 #fail-policy")
        await alice.settle()
    failure = channel.of("alice")[-1]
    assert failure.kind is K.FAILURE and "提示词" in failure.text
    assert "ContentPolicy" not in failure.text and "policy" not in failure.text


async def test_always_use_saves_and_the_next_job_says_so(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        alice = Chat(app)
        await alice.say("以后都用 Kling O1")
        assert "✅ 已记住!以后视频生成默认用 Kling O1" in channel.texts("alice")
        await alice.say("做一个猫咪的视频")
        await alice.settle()
    notice = next(r for r in channel.of("alice") if r.kind is K.NOTICE)
    assert notice.text.startswith("🎬 根据你的使用习惯,将用 Kling O1 帮你生成视频…")
    saved = json.loads((tmp_path / "prefs.json").read_text(encoding="utf-8"))
    assert saved["user_cli:alice"]["text_to_video"]["model_name"] == "Kling O1"


async def test_cheapest_is_used_once_and_not_saved(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        alice = Chat(app)
        await alice.say("用便宜的")
        await alice.say("做一个海浪的视频")
        await alice.settle()
        await alice.say("做一个森林的视频")
        await alice.settle()
    notices = [r.text for r in channel.of("alice") if r.kind is K.NOTICE]
    assert "Vidu Q2" in notices[0]
    saved = json.loads((tmp_path / "prefs.json").read_text(encoding="utf-8"))
    # the success after the one-off cheapest job saves nothing; the default job after it saves Wan 2.6
    assert saved["user_cli:alice"]["text_to_video"]["model_name"] == "Wan 2.6"
    assert "Wan 2.6" in notices[1]


async def test_two_users_run_at_once(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        alice, bob = Chat(app, "alice"), Chat(app, "bob", lang="en")
        await alice.say("做一个日落的视频")
        await bob.say("make a video of snow falling")
        assert len(await app.jobs.active()) == 2
        await alice.settle()
        await bob.settle()
    assert channel.kinds("alice")[-1] is K.LINK and channel.kinds("bob")[-1] is K.LINK


async def test_per_user_limit_without_a_queue_answers_kindly(tmp_path: Path) -> None:
    env: dict[str, Any] = {"VIDEOBOT_MAX_JOBS_PER_USER": 1, "VIDEOBOT_MAX_QUEUED_PER_USER": 0}
    async with running_app(tmp_path, **env) as (app, channel):
        alice = Chat(app)
        await alice.say("做一个日落的视频")
        await alice.say("做一个日出的视频")
        await alice.settle()
    texts = channel.texts("alice")
    assert "在生成中" in texts and texts.count("✅ 视频生成成功") == 1


async def test_redelivered_message_makes_one_job(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        alice = Chat(app)
        await alice.say("做一个日落的视频")
        alice._count -= 1  # the platform delivers the same message id again
        await alice.say("做一个日落的视频")
        await alice.settle()
    assert channel.kinds("alice").count(K.NOTICE) == 1


async def test_bad_input_gets_friendly_answers(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        alice = Chat(app, lang="en")
        await alice.say("   ")
        assert "I turn your messages into AI videos" in channel.texts("alice")
        await alice.say("use Zorblax")
        assert 'find a model called "Zorblax"' in channel.of("alice")[-1].text
        await alice.say("make a video of " + "waves " * 400)
        assert "up to 1500 characters" in channel.of("alice")[-1].text
        await alice.say("animate this", images=(ImageInput(data=b"not an image", content_type="image/png"),))
        await alice.settle()
    failure = channel.of("alice")[-1]
    assert failure.kind is K.FAILURE and "image" in failure.text.lower()
    assert not any("Traceback" in r.text or "Error" in r.text for r in channel.of("alice"))


async def test_photo_alone_waits_for_its_words(tmp_path: Path) -> None:
    photo = ImageInput(data=solid_png((200, 120, 40)), content_type="image/png")
    async with running_app(tmp_path) as (app, channel):
        alice = Chat(app)
        await alice.say("", images=(photo,))
        assert "收到图片" in channel.of("alice")[-1].text
        assert not await app.jobs.active()
        await alice.say("让它慢慢动起来")
        jobs = await app.jobs.active()
        assert len(jobs) == 1 and jobs[0].request.task_type == "image_to_video" and jobs[0].request.images
        await alice.settle()
    assert channel.kinds("alice")[-1] is K.LINK


async def test_structured_request_and_preference_commands(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        alice = Chat(app, lang="en")
        conversation = app.conversation
        options = await conversation.model_options(TaskType.TEXT_TO_VIDEO, "en", "kling")
        assert [key for key, _ in options] == ["kling-o1", "kling-2.6"] and "free" in options[0][1]
        await conversation.set_model(alice.ref, "kling-2.6", None)
        assert "Kling 2.6" in channel.of("alice")[-1].text
        await conversation.show_prefs(alice.ref)
        assert "Kling 2.6" in channel.of("alice")[-1].text
        await conversation.request_video(
            alice.ref, "cli:slash-1", prompt="a lantern", params=VideoParams(duration=10), model_key="vidu-q2"
        )
        await conversation.request_video(alice.ref, "cli:slash-1", prompt="a lantern")  # redelivered
        await alice.settle()
        await conversation.reset_prefs(alice.ref)
        await conversation.show_models(alice.ref, TaskType.IMAGE_TO_VIDEO)
    notices = [r for r in channel.of("alice") if r.kind is K.NOTICE]
    assert len(notices) == 1 and "Vidu Q2" in notices[0].text
    assert "Models for" in channel.of("alice")[-1].text


async def test_a_structured_request_for_an_unknown_model_starts_nothing(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        alice = Chat(app, lang="en")
        await app.conversation.request_video(alice.ref, "cli:slash-9", prompt="a lantern", model_key="nope-9")
        assert not await app.jobs.active()
    assert 'find a model called "nope-9"' in channel.texts("alice")


async def test_a_retry_click_delivered_twice_makes_one_job(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        alice = Chat(app)
        await alice.say("做一个小狗的视频 #fail")
        await alice.settle()
        failed = await app.jobs.latest(alice.ref.user_key)
        assert failed is not None
        for _ in range(2):  # the platform resends the click
            await app.conversation.retry(alice.ref, failed.id, "hailuo-2.0", "cli:click-7")
        await alice.settle()
    assert channel.kinds("alice").count(K.NOTICE) == 2  # the original job and one retry


async def test_a_message_over_the_size_cap_is_answered_not_read(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        alice = Chat(app, lang="en")
        await alice.say("make a video of " + "rain on a window " * 60_000)  # about 1 MB
        await alice.say("make a video of " + "x" * 5000)  # one note per message, never a flood
        zh = Chat(app, "bo")
        await zh.say("做一个视频" + "下雨" * 5000)
        at_cap = Chat(app, "cy", lang="en")
        await at_cap.say(("make a video of rain " * 200)[:4000])
        await at_cap.settle()
        jobs = await app.jobs.recent()
    assert [r.kind for r in channel.of("alice")] == [K.TEXT, K.TEXT]
    assert "up to 4000 characters" in channel.texts("alice") and "最多能读 4000 个字" in channel.texts("bo")
    assert not jobs and "That description is a bit long" in channel.texts("cy")  # at the cap: read as usual
