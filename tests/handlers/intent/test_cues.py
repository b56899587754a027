"""Request cues: free text starts a paid job only when it asks for a video; status, history and usage
words never do."""

from __future__ import annotations

import pytest

from handlers.intent import AskStatus, Generate, ShowHistory, ShowUsage, parse


@pytest.mark.parametrize(
    "text",
    [
        "做一个海螺在沙滩上的视频",
        "生成小狗在海边奔跑",
        "来一段烟花",
        "让这张图动起来 https://example.com/cat.png",
        "help me make a video of a dog",
        "animate a paper boat",
        "a clip of waves",
        "用 Kling 2.6 小狗在跑",  # a model named
        "小狗在海边奔跑 10秒",  # a setting
        "用便宜的 小狗在海边奔跑",
    ],
)
def test_words_that_ask_for_a_video(text: str) -> None:
    found = parse(text)
    assert isinstance(found, Generate) and found.asked


@pytest.mark.parametrize(
    "text",
    [
        "A sunset over mountains",  # the seed's example prompts, sent bare
        "Abstract colorful flowing patterns",
        "A bird flying through clouds",
        "小狗在海边奔跑",
        "一只猫在弹钢琴",
        "what's up with the weather",
        "我明天请假",
    ],
)
def test_words_without_a_request_cue_are_asked_about_first(text: str) -> None:
    found = parse(text)
    assert isinstance(found, Generate) and not found.asked


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("status", AskStatus()),
        ("进度", AskStatus()),
        ("好了吗?", AskStatus()),
        ("history", ShowHistory()),
        ("my videos", ShowHistory()),
        ("我的视频", ShowHistory()),
        ("我的用量", ShowUsage()),
        ("my usage", ShowUsage()),
        ("/usage", ShowUsage()),
    ],
)
def test_status_history_and_usage_never_start_a_job(text: str, intent: object) -> None:
    assert parse(text) == intent
