from messages import (
    delivery_fallback,
    internal_error,
    model_not_for_task,
    nothing_to_retry,
    ok_no_retry,
    prompt_too_long,
    still_working,
    too_many_jobs,
)
from providers.types import TaskType


def test_too_many_jobs() -> None:
    assert too_many_jobs("zh", 3) == "你已经有 3 个视频在生成中了,等其中一个完成后再发新的吧 🙏"
    assert too_many_jobs("en", 3).startswith("You already have 3 videos in progress")
    assert too_many_jobs("zh", 1) == "你已经有一个视频在生成中了,等它完成后再发新的吧 🙏"
    assert too_many_jobs("en", 1).startswith("You already have a video in progress")


def test_prompt_too_long_names_model_and_limit() -> None:
    assert prompt_too_long("zh", max_chars=1500, model_name="Wan 2.6") == (
        "描述有点长了,Wan 2.6 最多支持 1500 个字,精简一下再发给我吧"
    )
    en = prompt_too_long("en", max_chars=2000, model_name="Kling O1")
    assert "Kling O1" in en and "2000 characters" in en


def test_model_not_for_task_says_which_task_and_the_fallback() -> None:
    zh = model_not_for_task("zh", "Vidu Q2", TaskType.IMAGE_TO_VIDEO)
    assert zh == "Vidu Q2 不支持图生视频,这次先用推荐模型帮你生成"
    en = model_not_for_task("en", "Sora 2 Pro", TaskType.FIRST_LAST_FRAME_TO_VIDEO)
    assert (
        en == "Sora 2 Pro doesn't do first-and-last-frame video, so I'll use the recommended model this time"
    )


def test_retry_notes() -> None:
    assert nothing_to_retry("zh") == "现在没有可以重试的视频,直接告诉我你想生成什么吧"
    assert "nothing to retry" in nothing_to_retry("en")
    assert ok_no_retry("zh") == "好的,有需要随时叫我 🙂"
    assert ok_no_retry("en").startswith("OK")


def test_still_working_internal_error_and_delivery_fallback() -> None:
    assert still_working("zh") == "视频还在生成中,完成后我会第一时间发给你 🙏"
    assert "as soon as it's ready" in still_working("en")
    assert internal_error("zh") == "抱歉,我这边出了点问题,请稍后再试 🙏"
    assert internal_error("en") == "Sorry, something went wrong on my side, please try again in a moment 🙏"
    assert "链接" in delivery_fallback("zh")
    assert "link below" in delivery_fallback("en")
