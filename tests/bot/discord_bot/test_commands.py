"""``/models``, ``/prefs``, ``/help``, model suggestions, and ``/video``'s options and refusals."""

from __future__ import annotations

import json
from pathlib import Path

from bot.wiring import App
from handlers.jobs import JobState
from providers.specs import LONGEST_PROMPT_CHARS
from providers.types import TaskType
from tests.bot.discord_bot.support import StartBot, answered, finished_job, key, photo, png
from tests.bot.discord_bot.test_sync import commands_by_name
from tests.fakes.discord import MIB, FakeDiscord, FakeInteraction, Upload

EPHEMERAL_THINKING = {"type": 5, "data": {"flags": 64}}


def callback_of(fake: FakeDiscord, interaction: FakeInteraction) -> dict[str, object] | None:
    (call,) = [c for c in fake.calls_to("callback") if str(interaction.id) in c.path]
    return call.body


async def test_models_lists_prices_and_times_privately(fake: FakeDiscord, start_bot: StartBot) -> None:
    alice = fake.person("alice")
    async with start_bot():
        interaction = await fake.slash("models", by=alice)
        answer = await answered(fake, interaction)
        by_task = await fake.slash("models", {"task": "image_to_video"}, by=alice)
        image_answer = await answered(fake, by_task)
    assert callback_of(fake, interaction) == EPHEMERAL_THINKING and answer.ephemeral
    assert answer.content.startswith("🎬 Models for text-to-video, image-to-video: pick one in a list")
    assert len(answer.content) < 300, "a menu, not a block of text"
    menus = [c for row in answer.components for c in row["components"]]
    assert [m["custom_id"] for m in menus] == ["vb:use:text_to_video", "vb:use:image_to_video"]
    assert menus[0]["placeholder"] == "text-to-video: pick a model"
    wan = next(o for o in menus[0]["options"] if o["value"] == "wan-2.6")
    assert wan["label"].startswith("Wan 2.6 ⭐ · free")
    assert image_answer.content.startswith("🎬 Models for image-to-video:")
    assert [c["custom_id"] for row in image_answer.components for c in row["components"]] == [
        "vb:use:image_to_video"
    ]


async def test_a_model_picked_in_the_menu_becomes_the_usual_after_a_restart(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    async with start_bot():
        menu = await answered(fake, await fake.slash("models", {"task": "text_to_video"}, by=alice))
    async with start_bot():  # a new client: the menu's custom id names the kind of video
        picked = await fake.select(menu.id, "vb:use:text_to_video", "kling-o1", by=alice)
        answer = await answered(fake, picked)
        shown = await answered(fake, await fake.slash("prefs show", by=alice))
    assert answer.ephemeral and answer.content == "✅ Got it! From now on I'll use Kling O1 for your videos"
    assert "text-to-video: Kling O1" in shown.content


async def test_prefs_set_show_and_reset(fake: FakeDiscord, app: App, start_bot: StartBot) -> None:
    alice = fake.person("alice")
    async with start_bot():
        saved = await answered(fake, await fake.slash("prefs set", {"model": "kling-o1"}, by=alice))
        shown = await answered(fake, await fake.slash("prefs show", by=alice))
        stored = json.loads(Path(app.settings.preferences_file).read_text(encoding="utf-8"))
        reset = await answered(fake, await fake.slash("prefs reset", {"task": "text_to_video"}, by=alice))
        after = await answered(fake, await fake.slash("prefs show", by=alice))
    assert saved.content == "✅ Got it! From now on I'll use Kling O1 for your videos" and saved.ephemeral
    assert "• text-to-video: Kling O1" in shown.content
    assert stored[f"user_discord:{alice['id']}"]["text_to_video"]["model_id"]
    assert reset.content.startswith("✅ Preferences cleared")
    assert "text-to-video" not in after.content and "image-to-video: Kling O1" in after.content


async def test_prefs_set_resolves_typed_names_like_video(fake: FakeDiscord, start_bot: StartBot) -> None:
    alice = fake.person("alice")
    async with start_bot():
        saved = await answered(fake, await fake.slash("prefs set", {"model": "kling o1"}, by=alice))
        family = await answered(fake, await fake.slash("prefs set", {"model": "veo"}, by=alice))
    assert saved.content == "✅ Got it! From now on I'll use Kling O1 for your videos"
    assert family.content.startswith("✅ Got it! From now on I'll use Google Veo 3.1")


async def test_prefs_set_with_a_task_only_sets_that_task(fake: FakeDiscord, start_bot: StartBot) -> None:
    alice = fake.person("alice")
    async with start_bot():
        await answered(
            fake, await fake.slash("prefs set", {"model": "kling-o1", "task": "image_to_video"}, by=alice)
        )
        shown = await answered(fake, await fake.slash("prefs show", by=alice))
    assert shown.content.splitlines()[1:] == ["• image-to-video: Kling O1"]


async def test_help_is_private_and_in_the_users_language(fake: FakeDiscord, start_bot: StartBot) -> None:
    alice = fake.person("alice")
    async with start_bot():
        english = await answered(fake, await fake.slash("help", by=alice))
        chinese = await answered(fake, await fake.slash("help", by=alice, locale="zh-CN"))
    assert english.content.startswith("👋 I turn your words into AI videos. Here, use the slash commands")
    assert english.ephemeral and "/video" in english.content and "/cancel" in english.content
    assert '"try another model"' not in english.content, "no chat phrase that does nothing in a server"
    assert chinese.content.startswith("👋 我可以帮你用 AI 生成视频。在这里用斜杠命令")


async def test_model_suggestions_show_each_models_price_and_time(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    async with start_bot():
        everything = await fake.autocomplete("video", {"prompt": "a cat", "model": ""}, "model", by=alice)
        kling = await fake.autocomplete("video", {"prompt": "a cat", "model": "kling"}, "model", by=alice)
        chinese = await fake.autocomplete("video", {"model": "wan"}, "model", by=alice, locale="zh-CN")
        for_prefs = await fake.autocomplete(
            "prefs set", {"model": "", "task": "first_last_frame_to_video"}, "model", by=alice
        )
    assert 1 < len(everything) <= 25
    wan = next(c for c in everything if c["value"] == "wan-2.6")
    assert wan["name"] == "Wan 2.6 · free · ~2 min"
    assert kling and all("Kling" in c["name"] for c in kling)
    assert chinese == [{"name": "Wan 2.6 · 免费 · 约 2 分钟", "value": "wan-2.6"}]
    assert for_prefs and all(c["value"] != "wan-2.6" for c in for_prefs), "Wan 2.6 has no first+last frame"


async def test_video_options_reach_the_job(fake: FakeDiscord, app: App, start_bot: StartBot) -> None:
    alice = fake.person("alice")
    options = {"prompt": "a cat", "model": "kling-o1", "duration": 10, "aspect_ratio": "9:16"}
    async with start_bot():
        interaction = await fake.slash("video", options, by=alice)
        job = await finished_job(app, key(interaction))
    assert job.model_key == "kling-o1" and job.quote is not None
    assert job.quote.params["duration"] == 10 and job.quote.params["aspect_ratio"] == "9:16"


async def test_a_typed_model_name_is_understood(fake: FakeDiscord, app: App, start_bot: StartBot) -> None:
    alice = fake.person("alice")
    async with start_bot():
        interaction = await fake.slash("video", {"prompt": "a cat", "model": "Veo 3.1"}, by=alice)
        job = await finished_job(app, key(interaction))
    assert job.model_key == "veo-3.1"


async def test_video_with_pictures(fake: FakeDiscord, app: App, start_bot: StartBot) -> None:
    alice = fake.person("alice")
    async with start_bot():
        one = await fake.slash("video", {"prompt": "wave hello", "image": photo()}, by=alice)
        single = await finished_job(app, key(one))
        two = await fake.slash(
            "video", {"prompt": "grow", "image": photo(), "last_frame": photo("b.png")}, by=alice
        )
        pair = await finished_job(app, key(two))
    assert single.request.task_type is TaskType.IMAGE_TO_VIDEO and single.request.images[0].data == png()
    assert pair.request.task_type is TaskType.FIRST_LAST_FRAME_TO_VIDEO and len(pair.request.images) == 2
    assert single.state is pair.state is JobState.DELIVERED


async def test_unusable_pictures_are_refused_privately_before_any_defer(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    cases = {
        "not a picture": (
            {"image": Upload(b"hello", "notes.txt", "text/plain")},
            "That attachment isn't a picture",
        ),
        "too large": (
            {"image": Upload(png(), "big.png", "image/png", size=11 * MIB)},
            "That picture is too large",
        ),
        "end only": ({"last_frame": photo()}, "Please add the opening picture as well"),
    }
    async with start_bot():
        for name, (pictures, expected) in cases.items():
            interaction = await fake.slash("video", {"prompt": "animate", **pictures}, by=alice)
            answer = await answered(fake, interaction)
            assert interaction.response_type == 4 and answer.ephemeral, name
            assert answer.content.startswith(expected), name
            assert await app.jobs.by_inbound(key(interaction)) is None, name
    assert not fake.calls_to("cdn")


async def test_a_prompt_too_long_for_the_model_is_refused_before_the_defer(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    """The option takes what the longest-prompt model takes; the model this request would run on
    (named, remembered, else the default Wan 2.6 at 1,500) is checked before any defer is spent."""
    alice = fake.person("alice")
    long_prompt = "a puppy running on a beach " * 60  # 1,620 characters
    async with start_bot(sync=True):
        refused = await fake.slash("video", {"prompt": long_prompt}, by=alice)
        answer = await answered(fake, refused)
        named = await fake.slash("video", {"prompt": long_prompt, "model": "kling-o1"}, by=alice)
        await answered(fake, named)
    assert refused.response_type == 4 and answer.ephemeral
    assert answer.content.startswith("That description is a bit long: Wan 2.6 takes up to 1500 characters")
    assert await app.jobs.by_inbound(key(refused)) is None
    assert named.response_type == 5, "Kling O1 takes it: deferred and made"
    prompt = next(o for o in commands_by_name(fake)["video"]["options"] if o["name"] == "prompt")
    assert prompt["max_length"] == LONGEST_PROMPT_CHARS


async def test_a_picture_that_cannot_be_downloaded_is_answered(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    async with start_bot():
        expired = Upload(png(), "cat.png", "image/png", expired=True)
        interaction = await fake.slash("video", {"prompt": "animate", "image": expired}, by=alice)
        answer = await answered(fake, interaction)
    assert answer.content == "I couldn't open that picture; please send it again 🙏"
    assert [c.status for c in fake.calls_to("cdn")] == [404]


async def test_a_late_acknowledgement_is_not_retried_and_starts_nothing(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    fake.callback_deadline_s = 0.0  # Discord says 10062: the 3 seconds are over
    alice = fake.person("alice")
    async with start_bot():
        interaction = await fake.slash("video", {"prompt": "a cat"}, by=alice)
        await fake.wait_for(lambda: fake.calls_to("callback"))
        await fake.slash(
            "video", {"prompt": "a cat", "image": Upload(b"hi", "a.txt", "text/plain")}, by=alice
        )
        await fake.slash("help", by=alice)  # handled after the others: everything settled
        await fake.wait_for(lambda: len(fake.calls_to("callback")) == 3)
    assert [c.status for c in fake.calls_to("callback")] == [404] * 3, "one try each"
    assert await app.jobs.by_inbound(key(interaction)) is None
    assert not fake.calls_to("webhook_edit", "webhook_post", "channel_post")
