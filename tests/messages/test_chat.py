from messages import (
    choose_model,
    help_text,
    model_not_found,
    models_list,
    no_model_available,
    pref_saved,
    pref_switched,
    prefs_reset,
    prefs_summary,
)
from providers.types import CreditUnit, TaskType
from tests.messages.samples import entry, t2v_entries

T2V, I2V = TaskType.TEXT_TO_VIDEO, TaskType.IMAGE_TO_VIDEO


def test_help_zh_examples() -> None:
    text = help_text("zh")
    for example in (
        "让它动起来",
        "10秒 竖屏 1080p",
        "用可灵",
        "用便宜的",
        "换个模型",
        "模型列表",
        "我的偏好",
        "重置偏好",
    ):
        assert example in text
    assert "演示" not in text  # the sandbox keywords note lives elsewhere


def test_help_en_examples() -> None:
    text = help_text("en")
    for example in (
        "animate this",
        "always use Kling O1",
        "cheapest",
        "models",
        "my preferences",
        "reset preferences",
    ):
        assert example in text


def test_models_list_zh() -> None:
    text = models_list("zh", task_type=T2V, entries=t2v_entries(), default_key="wan-2.6")
    lines = text.splitlines()
    assert lines[0] == "🎬 文生视频可用模型:"
    assert lines[1] == "• Wan 2.6 ⭐ — 25~120 pts · 约 1 ~ 2 分钟 · 最受欢迎"
    assert lines[2] == "• Kling O1 — 48~120 pts · 约 3 ~ 6 分钟 · 带音效"
    assert lines[3] == "• Hailuo 2.3 — 38 pts · 约 1 ~ 2 分钟 · 画质更高"
    assert text.count("⭐") == 2  # the mark and its explanation


def test_models_list_en_with_credits_unit() -> None:
    entries = [
        entry("wan-2.6", 25, 120, unit=CreditUnit.CREDITS),
        entry("veo-3.1", 70, 330, unit=CreditUnit.CREDITS),
    ]
    text = models_list("en", task_type=I2V, entries=entries, default_key="veo-3.1")
    lines = text.splitlines()
    assert lines[0] == "🎬 Models for image-to-video:"
    assert lines[1] == "• Wan 2.6 — 25~120 credits · about 1 ~ 2 min · most popular"
    assert lines[2] == "• Google Veo 3.1 ⭐ — 70~330 credits · about 2 ~ 5 min · cinematic"


def test_models_list_empty_says_none_available() -> None:
    assert models_list("zh", task_type=I2V, entries=[], default_key="wan-2.6") == no_model_available(
        "zh", I2V
    )
    assert no_model_available("zh", I2V) == "暂时没有可用的图生视频模型,请稍后再试 🙏"
    assert (
        no_model_available("en", T2V) == "No text-to-video model is available right now, please try later 🙏"
    )


def test_choose_model_numbered_with_prices() -> None:
    zh = choose_model("zh", t2v_entries()[:2]).splitlines()
    assert zh == [
        "想换哪个模型?回复编号或模型名:",
        "1. Wan 2.6(最受欢迎,25~120 pts)",
        "2. Kling O1(带音效,48~120 pts)",
    ]
    en = choose_model("en", t2v_entries()[3:4]).splitlines()
    assert en == [
        "Which model would you like? Reply with a number or a name:",
        "1. Vidu Q2 (budget friendly, 5~70 pts)",
    ]


def test_model_not_found_lists_unique_names() -> None:
    entries = [*t2v_entries()[:2], entry("wan-2.6", 25, 120, task_type=I2V)]
    assert model_not_found("zh", "可灵9", entries) == "没找到「可灵9」这个模型。可以选:Wan 2.6、Kling O1"
    assert model_not_found("en", "Kling 9", entries) == (
        'I couldn\'t find a model called "Kling 9". You can pick: Wan 2.6, Kling O1'
    )
    assert model_not_found("en", "Kling 9", []) == 'I couldn\'t find a model called "Kling 9".'


def test_pref_saved_seed_lines() -> None:
    assert pref_saved("zh", "Kling O1") == "✅ 已记住!以后视频生成默认用 Kling O1"
    assert pref_saved("en", "Kling O1") == "✅ Got it! From now on I'll use Kling O1 for your videos"


def test_pref_switched() -> None:
    assert pref_switched("zh", "Hailuo 2.3") == "✅ 好的,已换成 Hailuo 2.3,以后视频生成也默认用它"
    assert "Hailuo 2.3" in pref_switched("en", "Hailuo 2.3")


def test_prefs_summary() -> None:
    items = [(T2V, "Wan 2.6"), (TaskType.FIRST_LAST_FRAME_TO_VIDEO, "Kling O1")]
    assert prefs_summary("zh", items) == "你的偏好:\n• 文生视频:Wan 2.6\n• 首尾帧视频:Kling O1"
    assert prefs_summary("en", items) == (
        "Your preferences:\n• text-to-video: Wan 2.6\n• first-and-last-frame video: Kling O1"
    )
    assert prefs_summary("zh", []) == "还没有偏好,会用推荐模型"
    assert prefs_summary("en", []) == "No preferences yet, I'll use the recommended models"


def test_prefs_reset() -> None:
    assert prefs_reset("zh") == "✅ 偏好已清除,之后会用推荐模型"
    assert prefs_reset("en") == "✅ Preferences cleared, I'll use the recommended models from now on"
