"""End to end: one message (text + attachments) -> one intent."""

import time
from dataclasses import replace

import pytest

from handlers.intent import (
    Affirm,
    AnotherModel,
    CancelJob,
    Choice,
    Deny,
    Empty,
    Generate,
    Help,
    Intent,
    ListModels,
    ModelMention,
    Policy,
    ResetPrefs,
    SetModel,
    ShowPrefs,
    UnknownModel,
    parse,
)
from providers.types import TaskType, VideoParams

T2V = TaskType.TEXT_TO_VIDEO


def family(name: str, text: str) -> ModelMention:
    return ModelMention(key=None, family=name, text=text)


def model(key: str, text: str) -> ModelMention:
    return ModelMention(key=key, family=None, text=text)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("", Empty()),
        ("   \n\t", Empty()),
        ("\u3000", Empty()),
        ("@_user_1", Empty()),
        ("@videobot  ", Empty()),
        ("<@123456789>", Empty()),
        ("。。。", Empty()),
        ("@_user_1 help", Help()),
        ("@videobot /help", Help()),
        ("／ｈｅｌｐ", Help()),
        ("？", Help()),
        ("你好", Help()),
        ("@videobot 你好", Help()),
        ("hi", Help()),
        ("thanks!", Help()),
        ("谢谢！", Help()),
        ("/models", ListModels()),
        ("有哪些模型？", ListModels()),
        ("models", ListModels()),
        ("/prefs", ShowPrefs()),
        ("我的偏好", ShowPrefs()),
        ("my preferences", ShowPrefs()),
        ("/reset", ResetPrefs()),
        ("恢复默认", ResetPrefs()),
        ("reset preferences", ResetPrefs()),
        ("换个模型", AnotherModel()),
        ("try another model", AnotherModel()),
        ("other models", AnotherModel()),
        ("@_user_1 1", Choice(index=1)),
        ("２", Choice(index=2)),
        ("第二个", Choice(index=2)),
        ("the second one", Choice(index=2)),
        ("好的", Affirm()),
        ("重试", Affirm()),
        ("OK", Affirm()),
        ("go ahead", Affirm()),
        ("算了", Deny()),
        ("nope", Deny()),
        ("cancel", CancelJob()),
    ],
)
def test_commands_and_empty(text: str, intent: Intent) -> None:
    assert parse(text) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # "用XXX / 换成XXX / 改用XXX / use XXX / switch to XXX": switch and save (seed 001)
        ("用可灵", SetModel(model=family("kling", "可灵"), remember=True)),
        ("换成海螺", SetModel(model=family("hailuo", "海螺"), remember=True)),
        ("改用万相", SetModel(model=family("wan", "万相"), remember=True)),
        ("用即梦吧", SetModel(model=family("seedance", "即梦"), remember=True)),
        ("use kling", SetModel(model=family("kling", "kling"), remember=True)),
        ("switch to Veo", SetModel(model=family("veo", "Veo"), remember=True)),
        ("use sora", SetModel(model=family("sora", "sora"), remember=True)),
        ("use vidu please", SetModel(model=family("vidu", "vidu"), remember=True)),
        ("use pixverse", SetModel(model=family("pixverse", "pixverse"), remember=True)),
        ("用 Kling O1", SetModel(model=model("kling-o1", "Kling O1"), remember=True)),
        ("用可灵2.6", SetModel(model=model("kling-2.6", "可灵2.6"), remember=True)),
        ("换成wan2.6", SetModel(model=model("wan-2.6", "wan2.6"), remember=True)),
        ("改用海螺02", SetModel(model=model("hailuo-2.0", "海螺02"), remember=True)),
        ("use veo 3.1", SetModel(model=model("veo-3.1", "veo 3.1"), remember=True)),
        ("switch to pixverse v5", SetModel(model=model("pixverse-v5", "pixverse v5"), remember=True)),
        ("use kling-o1", SetModel(model=model("kling-o1", "kling-o1"), remember=True)),
        ("Kling O1", SetModel(model=model("kling-o1", "Kling O1"), remember=True)),
        ("可灵", SetModel(model=family("kling", "可灵"), remember=True)),
        ("用ｋｌｉｎｇ　Ｏ１", SetModel(model=model("kling-o1", "kling O1"), remember=True)),
        ("换成可灵然后重试", SetModel(model=family("kling", "可灵"), remember=True)),
        ("@videobot 用可灵！", SetModel(model=family("kling", "可灵"), remember=True)),
        # "以后都用XXX / always use XXX"
        ("以后都用可灵O1", SetModel(model=model("kling-o1", "可灵O1"), remember=True)),
        ("以后用海螺", SetModel(model=family("hailuo", "海螺"), remember=True)),
        ("默认用 wan2.6", SetModel(model=model("wan-2.6", "wan2.6"), remember=True)),
        ("always use Kling O1", SetModel(model=model("kling-o1", "Kling O1"), remember=True)),
        ("from now on use sora 2", SetModel(model=model("sora-2", "sora 2"), remember=True)),
        # this time only
        ("这次用可灵", SetModel(model=family("kling", "可灵"), remember=False)),
        # "用最好的 / best quality": save; "用便宜的 / cheapest": only with "以后都用 / always"
        ("用最好的", SetModel(policy=Policy.BEST, remember=True)),
        ("最好的模型", SetModel(policy=Policy.BEST, remember=True)),
        ("best quality", SetModel(policy=Policy.BEST, remember=True)),
        ("use the best", SetModel(policy=Policy.BEST, remember=True)),
        ("用便宜的", SetModel(policy=Policy.CHEAPEST, remember=False)),
        ("最便宜", SetModel(policy=Policy.CHEAPEST, remember=False)),
        ("用最便宜的", SetModel(policy=Policy.CHEAPEST, remember=False)),
        ("cheapest", SetModel(policy=Policy.CHEAPEST, remember=False)),
        ("use the cheapest", SetModel(policy=Policy.CHEAPEST, remember=False)),
        ("以后都用最便宜的", SetModel(policy=Policy.CHEAPEST, remember=True)),
        ("always use the cheapest", SetModel(policy=Policy.CHEAPEST, remember=True)),
    ],
)
def test_set_model(text: str, intent: Intent) -> None:
    assert parse(text) == intent


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("用 FooBar", "FooBar"),
        ("use foobar", "foobar"),
        ("switch to Runway Gen3", "Runway Gen3"),
        ("以后都用 MagicVid", "MagicVid"),
        ("用kling 3", "kling 3"),
        ("use veo3", "veo3"),
        ("用可灵3.0", "可灵3.0"),
        ("@videobot use foobar.", "foobar"),
    ],
)
def test_unknown_model(text: str, name: str) -> None:
    assert parse(text) == UnknownModel(name=name)


def test_use_many_words_is_a_prompt() -> None:
    intent = parse("use one two three four five")
    assert isinstance(intent, Generate) and intent.prompt == "use one two three four five"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("use foobar to make a video of a cat", "foobar"),
        ("用foobar做一只小狗", "foobar"),
        ("用 Runway 做一个小狗的视频", "Runway"),
        ("请用 Pika 帮我做一个视频", "Pika"),
        ("make a puppy video with Runway", "Runway"),
        ("make a cat video using Luma", "Luma"),
        ("make a video with the Foo model", "Foo"),
    ],
)
def test_an_unknown_model_inside_a_request_is_not_found(text: str, name: str) -> None:
    """Seed 001: an unknown model is "not found" plus the list, never silently the default."""
    assert parse(text) == UnknownModel(name=name)


@pytest.mark.parametrize(
    "text",
    [
        "make a video of Paris with Eiffel Tower",
        "make a video of a dog playing with a ball",
        "用 AI 生成一个小狗的视频",
        "用 iPhone 拍的视频",
        "use this to make a video",
    ],
)
def test_scene_words_are_no_model(text: str) -> None:
    assert isinstance(parse(text), Generate)


@pytest.mark.parametrize(
    ("text", "prompt", "mention", "policy", "remember"),
    [
        ("用可灵做一个小狗的视频", "小狗", family("kling", "可灵"), None, True),
        ("帮我用海螺做个海螺在沙滩上的视频", "海螺在沙滩上", family("hailuo", "海螺"), None, True),
        ("以后都用可灵O1，做一个下雨的视频", "下雨", model("kling-o1", "可灵O1"), None, True),
        ("这次用可灵做一只猫", "一只猫", family("kling", "可灵"), None, False),
        ("用最便宜的模型生成一个日落", "日落", None, Policy.CHEAPEST, False),
        ("用最好的模型做一个龙飞过山的视频", "龙飞过山", None, Policy.BEST, True),
        ("make a video of a cat with the cheapest model", "a cat", None, Policy.CHEAPEST, False),
        ("always use Kling O1 and make a video of rain", "rain", model("kling-o1", "Kling O1"), None, True),
        ("use kling to make a video of a fox", "a fox", family("kling", "kling"), None, True),
        ("a fox in the snow, using veo 3.1", "a fox in the snow", model("veo-3.1", "veo 3.1"), None, True),
        ("wan2.6 a cat surfing", "a cat surfing", model("wan-2.6", "wan2.6"), None, True),
        ("best quality: a dragon over mountains", "a dragon over mountains", None, Policy.BEST, True),
        ("always use the cheapest and make a video of the sea", "the sea", None, Policy.CHEAPEST, True),
        # mixed zh/en
        ("用 Kling O1 做 a cat dancing", "a cat dancing", model("kling-o1", "Kling O1"), None, True),
        ("make a video of 熊猫吃竹子 with 可灵", "熊猫吃竹子", family("kling", "可灵"), None, True),
    ],
)
def test_generate_with_a_model_choice(
    text: str, prompt: str, mention: ModelMention | None, policy: Policy | None, remember: bool
) -> None:
    assert parse(text) == Generate(
        prompt=prompt, task_type=T2V, model=mention, policy=policy, remember=remember
    )


@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("做一个小狗在海边奔跑的视频", "小狗在海边奔跑"),
        ("make a video of a puppy running on a beach", "a puppy running on a beach"),
        ("@_user_1 帮我生成一段海浪的视频", "海浪"),
        ("请做一个猫咪跳舞的短片。", "猫咪跳舞"),
        ("一只猫在弹钢琴", "一只猫在弹钢琴"),
        ("a cat playing the piano", "a cat playing the piano"),
        ("swan lake ballet", "swan lake ballet"),
        ("a girl wandering in the rain", "a girl wandering in the rain"),
        ("a vidual artist painting", "a vidual artist painting"),
        ("a wan smile", "a wan smile"),
        ("一个人用海螺吹出声音", "一个人用海螺吹出声音"),
        ("做一个海螺在沙滩上的视频", "海螺在沙滩上"),
        ("我最好的朋友在跳舞", "我最好的朋友在跳舞"),
        ("a beautiful landscape at dawn", "a beautiful landscape at dawn"),
        ("a portrait of an old man smiling", "a portrait of an old man smiling"),
        ("veo3 a cat", "veo3 a cat"),
        ("🐱🐶", "🐱🐶"),
        ("help me make a video of a dog", "a dog"),
        ("hello, make a video of a dog!", "a dog"),
        ("做一个视频", ""),
    ],
)
def test_free_text_is_a_video_request(text: str, prompt: str) -> None:
    found = parse(text)
    assert isinstance(found, Generate)
    assert replace(found, asked=True) == Generate(prompt=prompt, task_type=T2V)


@pytest.mark.parametrize(
    ("text", "prompt", "params"),
    [
        ("做一个10秒竖屏1080P的小狗视频", "小狗",
         VideoParams(duration=10, aspect_ratio="9:16", resolution="1080p")),
        ("小狗在跑，十五秒，横屏", "小狗在跑", VideoParams(duration=15, aspect_ratio="16:9")),
        ("小狗在跑 五秒 方形", "小狗在跑", VideoParams(duration=5, aspect_ratio="1:1")),
        ("一只猫，９：１６，４Ｋ", "一只猫", VideoParams(aspect_ratio="9:16", resolution="4k")),
        ("一只猫 10 秒 720p", "一只猫", VideoParams(duration=10, resolution="720p")),
        ("make a 10-second vertical video of a cat in 4K", "a cat",
         VideoParams(duration=10, aspect_ratio="9:16", resolution="4k")),
        ("a cat, 5s, 16:9, 1080p", "a cat", VideoParams(duration=5, aspect_ratio="16:9", resolution="1080p")),
        ("a cat for 8 seconds in landscape mode", "a cat", VideoParams(duration=8, aspect_ratio="16:9")),
        ("a square video of a dog, 10 sec", "a dog", VideoParams(duration=10, aspect_ratio="1:1")),
        ("10秒", "", VideoParams(duration=10)),
        ("竖屏 做个视频", "", VideoParams(aspect_ratio="9:16")),  # "竖屏" alone follows the last video up
    ],
)  # fmt: skip
def test_params_are_read_and_removed(text: str, prompt: str, params: VideoParams) -> None:
    assert parse(text) == Generate(prompt=prompt, task_type=T2V, params=params)


def test_model_with_params_but_no_subject_is_a_request_without_a_prompt() -> None:
    assert parse("用可灵2.6做一个10秒的视频") == Generate(
        prompt="",
        task_type=T2V,
        params=VideoParams(duration=10),
        model=model("kling-2.6", "可灵2.6"),
        remember=True,
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("用别的", AnotherModel()),
        ("用其他模型", AnotherModel()),
        ("use something else", AnotherModel()),
        ("不用了，用可灵吧", SetModel(model=family("kling", "可灵"), remember=True)),
        ("no, use kling", SetModel(model=family("kling", "kling"), remember=True)),
        ("以后，都用海螺", SetModel(model=family("hailuo", "海螺"), remember=True)),
        ("用这个吧", Affirm()),
        ("一个人也用海螺吹", Generate(prompt="一个人也用海螺吹", task_type=T2V)),
        ("做一个视频，内容是小猫钓鱼", Generate(prompt="小猫钓鱼", task_type=T2V)),
        ("小狗\n在跑\n\n10秒", Generate(prompt="小狗 在跑", task_type=T2V, params=VideoParams(duration=10))),
    ],
)
def test_conversational_variants(text: str, intent: Intent) -> None:
    assert parse(text) == intent


@pytest.mark.parametrize(
    "text",
    [
        " " * 10_000 + "a",
        "，" * 10_000 + "a",
        "kling " * 2_000,
        "always " * 2_000 + "x",
        "视频" * 5_000,
        "以后" * 5_000 + "用",
        "-" * 10_000 + "kling",
        "@a" * 5_000,
    ],
    ids=lambda text: repr(text[:12]),
)
def test_degenerate_long_input_stays_fast(text: str) -> None:
    started = time.perf_counter()
    parse(text)
    assert time.perf_counter() - started < 2.0
