"""Seed 001's protocol, rule by rule where issue 12 found it bent; each test quotes the seed."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from handlers import replies
from handlers.jobs import Job, JobState
from handlers.timing import utc_now
from messages.reply import ReplyKind
from providers.types import ImageInput, TaskType
from tests.bot.test_chat_providers import providers
from tests.support import Chat, running_app


async def a_finished_job(tmp_path: Path) -> Job:
    async with running_app(tmp_path) as (app, _channel):
        user = Chat(app, "ann", lang="en")
        await user.say("make a video of a paper boat on a pond")
        await user.settle(30)
        (job,) = await app.jobs.recent(user_key="cli:ann")
    return job


async def test_almost_there_only_past_the_estimate(tmp_path: Path) -> None:
    """Seed: "If elapsed > estimated_max: keep P at 95% and append 「快了,稍等一下…」" and the example
    "elapsed=200s, max=180s → P = 95%(冻结 + 「快了,稍等一下…」)"."""
    job = (await a_finished_job(tmp_path)).model_copy(update={"started_at": utc_now() - timedelta(hours=1)})
    top = job.eta.max_s
    at_max = replies.progress_update(job, top + 0.9).text  # shown as "waited {max}s": not past it
    past = replies.progress_update(job, top + 1.0).text
    assert "Almost there" not in at_max and f"Waited {top}s, expected at most {top}s" in at_max
    assert "… 95%" in at_max
    assert past.endswith("Almost there, hang on…") and f"Waited {top + 1}s" in past and "… 95%" in past
    example = job.model_copy(update={"eta": job.eta.model_copy(update={"min_s": 90, "max_s": 180})})
    assert replies.progress_update(example, 120).text.startswith("⏳ Generating your video… 66%")
    zh = example.model_copy(update={"chat": example.chat.model_copy(update={"lang": "zh"})})
    assert replies.progress_update(zh, 200).text.endswith("快了,稍等一下…")
    assert "快了" not in replies.progress_update(zh, 180.5).text


async def test_the_language_sticks_to_the_conversation(tmp_path: Path) -> None:
    """Seed: "Adapt language to match the user." A number, a photo alone or a click has no words of its
    own: it is answered in the language the user last wrote in, not the bot's default (zh here)."""
    async with running_app(tmp_path) as (app, channel):
        user = Chat(app, "bea")  # no language of its own: each message's words decide
        await user.say("try another model")
        await user.say("3")
        picked = channel.of("bea")[-1].text
        await user.say("", images=(ImageInput(data=b"\x89PNG fake", content_type="image/png"),))
        photo = channel.of("bea")[-1].text
        await user.say("换个模型")
        await user.say("2")  # a number after Chinese words: Chinese
        chinese = channel.of("bea")[-1].text
    assert picked.startswith("✅ Got it! From now on I'll use")
    assert photo.startswith("📷 Got your picture!")
    assert chinese.startswith("✅ 已记住!以后视频生成默认用")
    assert app.conversation.lang_for(user.ref, "") == "zh"


def photo() -> ImageInput:
    """A real little PNG (the sandbox draws it)."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, format="PNG")
    return ImageInput(data=buffer.getvalue(), content_type="image/png")


async def test_cheapest_once_means_the_cheapest_for_the_next_request_whatever_its_kind(
    tmp_path: Path,
) -> None:
    """Seed: 「用便宜的」/ "cheapest" alone is for the next request only, and the pre-notification says
    "使用 Vidu Q2(5 积分,最省钱选项)": the model named is the one that runs."""
    async with running_app(tmp_path) as (app, channel):
        user = Chat(app, "cal", lang="en")
        await user.say("animate this", images=(photo(),))
        await user.settle(30)
        await user.say("use the cheapest")
        once = channel.of("cal")[-1].text
        await user.say("make a video of a kite")
        await user.settle(30)
        job = await app.jobs.latest("cli:cal")
        cheapest = await app.catalogue.cheapest(TaskType.TEXT_TO_VIDEO)
        assert job is not None
        notice = next(r for r in channel.of("cal") if r.kind is ReplyKind.NOTICE and r.job_id == job.id)
    assert once.startswith("💰 OK, your next video uses the cheapest model that can make it")
    assert cheapest is not None and job.model_key == cheapest.key
    assert cheapest.name in notice.text


async def test_cheapest_right_after_a_failure_retries_on_it_and_says_so(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        user = Chat(app, "dan", lang="zh")
        await user.say("做一个暴风雨的视频 #fail")
        await user.settle(30)
        await user.say("用便宜的")
        said = [r.text for r in channel.of("dan") if r.text.startswith("💰")]
        await user.settle(30)
        jobs = await app.jobs.recent(user_key="cli:dan")
        cheapest = await app.catalogue.cheapest(TaskType.TEXT_TO_VIDEO)
    assert cheapest is not None and said == [
        f"💰 好的,用最省钱的 {cheapest.name} 再试一次(这次不改你的默认模型)"
    ]
    assert len(jobs) == 2 and jobs[0].model_key == cheapest.key and jobs[0].request == jobs[1].request


async def test_no_then_ok_does_not_retry(tmp_path: Path) -> None:
    """Seed Step 4 asks "需要我帮你用其他模型重试吗?": "no" answers it; a later "ok" retries nothing."""
    async with running_app(tmp_path) as (app, channel):
        user = Chat(app, "eli", lang="en")
        await user.say("make a video of a storm #fail")
        await user.settle(30)
        await user.say("no")
        await user.say("ok")
        jobs = await app.jobs.recent(user_key="cli:eli")
    assert len(jobs) == 1
    assert channel.of("eli")[-2].text.startswith("OK, just let me know")
    assert channel.of("eli")[-1].text.startswith("There's nothing to retry right now")


async def test_another_model_lists_the_others_and_a_pick_makes_the_last_video_again(tmp_path: Path) -> None:
    """Seed: 「换个模型」/ "try another model" offers the other models; the pick makes that video."""
    async with running_app(tmp_path) as (app, channel):
        user = Chat(app, "fox", lang="en")
        await user.say("make a video of a paper boat")
        await user.settle(30)
        (first,) = await app.jobs.recent(user_key="cli:fox")
        await user.say("try another model")
        menu = channel.of("fox")[-1].text
        await user.say("1")
        await user.settle(30)
        again, _ = await app.jobs.recent(user_key="cli:fox")
    assert first.model_name not in menu and menu.startswith("Which model would you like?")
    assert again.request == first.request and again.model_key != first.model_key
    assert again.state is JobState.DELIVERED


async def test_best_names_every_model_it_saves(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        user = Chat(app, "gil", lang="en")
        await user.say("best quality")
        said = channel.of("gil")[-1].text
        saved = await app.prefs.all_for("user_cli:gil")
    names = {pref.model_name for pref in saved.values()}
    if len(names) > 1:
        assert said.startswith("✅ Got it! From now on I'll use:\n")
        assert all(name in said for name in names)
    else:
        assert said.endswith(f"{names.pop()} for your videos")


async def test_an_unknown_model_named_in_a_request_is_not_found_plus_the_list(tmp_path: Path) -> None:
    """Seed: a model that does not exist gets "not found" and the models to pick from; nothing runs."""
    async with running_app(tmp_path) as (app, channel):
        user = Chat(app, "hal")
        await user.say("用 Runway 做一个小狗的视频")
        zh = channel.of("hal")[-1].text
        await user.say("make a puppy video with Pika")
        en = channel.of("hal")[-1].text
        await user.say("用 AI 生成一个小狗的视频")  # "AI" names no model: a video is made
        await user.settle(30)
        jobs = await app.jobs.recent(user_key="cli:hal")
    assert zh.startswith("没找到「Runway」这个模型。可以选:") and "Wan 2.6" in zh
    assert en.startswith('I couldn\'t find a model called "Pika". You can pick:')
    assert len(jobs) == 1 and "Runway" not in jobs[0].request.prompt


async def test_a_failure_after_a_restart_names_its_video(tmp_path: Path) -> None:
    """Seed Step 4's "❌ 视频生成失败 • 原因:…" arrives after a restart far from its notice: it says which
    video it is about."""
    slow: dict[str, Any] = {"VIDEOBOT_TIME_SCALE": 0.05}
    async with running_app(tmp_path, **slow) as (app, _):
        user = Chat(app, "ida", lang="en")
        await user.say("make a video of a storm at sea #fail")
        async with asyncio.timeout(10):
            while (job := await app.jobs.latest("cli:ida")) is None or job.state is not JobState.RUNNING:
                await asyncio.sleep(0.01)
    async with running_app(tmp_path, **slow) as (app, channel):
        await app.flow.resume(platforms={"cli"})
        await Chat(app, "ida", lang="en").settle(30)
    failure = channel.of("ida")[-1]
    assert failure.kind is ReplyKind.FAILURE
    assert failure.text.startswith("❌ Video generation failed\n• Reason: ")
    assert '\n• Video: "a storm at sea"\n' in failure.text  # the demo keyword is no part of it


async def test_captions_describe_the_scene_without_our_cue_words(tmp_path: Path) -> None:
    """Seed 3.1's caption ends with "[视频描述]": the scene, not "首帧 尾帧" / "参考" / a demo keyword."""
    async with running_app(tmp_path) as (app, channel):
        user = Chat(app, "jay", lang="zh")
        await user.say("首帧 尾帧 一朵花慢慢开了", images=(photo(), photo()))
        await user.settle(30)
        await user.say("做一个小狗在海边奔跑的视频 #slow")
        await user.settle(60)
    first, second = [r.text for r in channel.of("jay") if r.kind is ReplyKind.VIDEO]
    assert first.endswith("\n\n一朵花慢慢开了") and second.endswith("\n\n小狗在海边奔跑")


async def test_credits_in_the_offline_demo_say_it_is_free(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        user = Chat(app, "kim")
        await user.say("余额")
        zh = channel.of("kim")[-1].text
        await user.say("credits")
    assert zh == "这里是离线演示模式:视频都是免费的,没有余额需要查。"
    assert (
        channel.of("kim")[-1].text
        == "This is the offline demo: videos are free, so there is no balance to check."
    )


async def test_mythiq_prices_are_shown_as_money(tmp_path: Path) -> None:
    async with providers("mythiq") as (_, env), running_app(tmp_path, **env) as (app, channel):
        user = Chat(app, "lou")
        await user.say("做一个小狗在海边奔跑的视频")
        await user.settle(60)
    notice, caption = channel.of("lou")[0].text, channel.of("lou")[-2].text
    assert "\n• 费用:$0.20\n" in notice and "使用 Wan 2.6($0.20," in notice and "积分" not in notice
    assert caption.endswith("\n• 费用:$0.20\n\n小狗在海边奔跑")


async def test_ima_hears_each_users_own_language(tmp_path: Path) -> None:
    """IMA's scripts send ``x_app_language``: the asker's language, not the bot's default."""
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env, VIDEOBOT_LANG="zh") as (app, _):
        await Chat(app, "mia").say("make a video of a paper boat on a pond")
        await Chat(app, "ned").say("做一个纸船在池塘里漂的视频")
        await Chat(app, "mia").settle(30)
        await Chat(app, "ned").settle(30)
    ima = fakes["ima"]
    creates = {
        call.body["parameters"][0]["parameters"]["prompt"]: call.headers["x_app_language"]
        for call in ima.calls("create")
    }
    assert creates == {"a paper boat on a pond": "en", "纸船在池塘里漂": "zh"}
    assert {call.headers["x_app_language"] for call in ima.calls("detail")} == {"en", "zh"}
