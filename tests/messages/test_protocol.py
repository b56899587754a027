from messages import (
    Alternative,
    Selection,
    failure,
    open_video_label,
    pre_notification,
    retry_button_label,
    success_caption,
    video_link,
)
from messages.reply import Lang
from providers.errors import ErrorKind
from providers.types import CreditUnit
from tests.messages.samples import entry

PTS = CreditUnit.POINTS
URL = "https://cdn.example.com/videos/cat-on-the-moon.mp4"


def notice(
    lang: Lang,
    *,
    model: str = "Wan 2.6",
    eta: tuple[int, int] = (60, 120),
    credits: int = 25,
    unit: CreditUnit = PTS,
    selection: Selection = Selection.DEFAULT,
    trait: str = "popular",
    cheaper: tuple[str, int] | None = None,
) -> str:
    return pre_notification(
        lang,
        model_name=model,
        eta_min_s=eta[0],
        eta_max_s=eta[1],
        credits=credits,
        unit=unit,
        selection=selection,
        trait=trait,
        cheaper=cheaper,
    )


def test_step1_zh_default_exact() -> None:
    assert notice("zh") == (
        "🎬 开始生成视频,请稍候…\n"
        "• 模型:Wan 2.6\n"
        "• 预计耗时:60 ~ 120 秒(约 1 ~ 2 分钟)\n"
        "• 消耗积分:25 pts\n"
        "\n"
        "使用 Wan 2.6(25 积分,最受欢迎)\n"
        "视频生成需要一定时间,我会每隔一段时间汇报进度 🙏"
    )


def test_step1_en_default_exact() -> None:
    assert notice("en") == (
        "🎬 Starting video generation, this may take 60~120 seconds. I'll update you on progress…\n"
        "• Model: Wan 2.6\n"
        "• Estimated time: 60 ~ 120 s (about 1 ~ 2 min)\n"
        "• Credits: 25 pts\n"
        "\n"
        "Using Wan 2.6 (25 credits, most popular)"
    )


def test_step1_preference_header_and_bullet() -> None:
    lines = notice("zh", selection=Selection.PREFERENCE).splitlines()
    assert lines[0] == "🎬 根据你的使用习惯,将用 Wan 2.6 帮你生成视频…"
    assert lines[1] == "• 模型:Wan 2.6(你的常用模型)"
    assert lines[2] == "• 预计耗时:60 ~ 120 秒(约 1 ~ 2 分钟)"
    assert lines[3] == "• 消耗积分:25 pts"
    en = notice("en", selection=Selection.PREFERENCE).splitlines()
    assert "Wan 2.6" in en[0] and "60~120 seconds" in en[0]
    assert en[1] == "• Model: Wan 2.6 (your usual model)"


def test_step1_premium_when_explicit_or_best() -> None:
    for selection in (Selection.EXPLICIT, Selection.BEST):
        kwargs = {"model": "Kling 2.1 Master", "eta": (90, 180), "credits": 150, "selection": selection}
        zh = notice("zh", **kwargs, cheaper=("Wan 2.6", 25))  # type: ignore[arg-type]
        assert "使用高端模型 Kling 2.1 Master(150 积分),质量最佳" in zh.splitlines()
        assert "Wan 2.6" not in zh
        en = notice("en", **kwargs)  # type: ignore[arg-type]
        assert "Using premium model Kling 2.1 Master (150 credits), best quality" in en.splitlines()


def test_step1_explicit_but_cheap_uses_trait_line() -> None:
    zh = notice("zh", model="Hailuo 2.3", credits=38, selection=Selection.EXPLICIT, trait="quality")
    assert "使用 Hailuo 2.3(38 积分,画质更高)" in zh.splitlines()


def test_step1_cheapest() -> None:
    zh = notice("zh", model="Vidu Q2", credits=5, selection=Selection.CHEAPEST, trait="budget")
    assert "使用 Vidu Q2(5 积分,最省钱选项)" in zh.splitlines()
    en = notice("en", model="Vidu Q2", credits=5, selection=Selection.CHEAPEST, trait="budget")
    assert "Using Vidu Q2 (5 credits, the cheapest option)" in en.splitlines()


def test_step1_expensive_auto_selected_names_a_cheaper_model() -> None:
    for selection in (Selection.DEFAULT, Selection.PREFERENCE):
        zh = notice("zh", model="Google Veo 3.1", credits=150, selection=selection, cheaper=("Wan 2.6", 25))
        assert "使用 Google Veo 3.1(150 积分)。若想省一些,可改用 Wan 2.6(25 积分)" in zh.splitlines()
    en = notice("en", model="Google Veo 3.1", credits=150, cheaper=("Wan 2.6", 25))
    assert "Using Google Veo 3.1 (150 credits). To save credits, you can switch to Wan 2.6 (25 credits)" in en


def test_step1_threshold_is_strictly_above_fifty() -> None:
    at = notice("zh", credits=50, selection=Selection.EXPLICIT, cheaper=("Vidu Q2", 5))
    assert "使用 Wan 2.6(50 积分,最受欢迎)" in at.splitlines()
    above = notice("zh", credits=51, cheaper=("Vidu Q2", 5))
    assert "若想省一些,可改用 Vidu Q2(5 积分)" in above


def test_step1_expensive_without_cheaper_uses_trait_line() -> None:
    zh = notice("zh", model="Kling O1", credits=120, trait="audio")
    assert "使用 Kling O1(120 积分,带音效)" in zh.splitlines()


def test_step1_credits_unit_and_free_demo() -> None:
    zh = notice("zh", unit=CreditUnit.CREDITS)
    assert "• 消耗积分:25 积分" in zh.splitlines()
    en = notice("en", unit=CreditUnit.CREDITS)
    assert "• Credits: 25 credits" in en.splitlines()
    demo_zh = notice("zh", credits=0, unit=CreditUnit.FREE, selection=Selection.CHEAPEST)
    assert "• 消耗积分:免费" in demo_zh.splitlines()
    assert "离线演示模式,不消耗积分" in demo_zh.splitlines()
    assert "最省钱" not in demo_zh
    demo_en = notice("en", credits=0, unit=CreditUnit.FREE)
    assert "• Credits: free" in demo_en.splitlines()
    assert "Offline demo mode, no credits are used" in demo_en.splitlines()


def test_step3_success_caption_exact() -> None:
    zh = success_caption(
        "zh", model_name="Wan 2.6", eta_min_s=60, eta_max_s=120, actual_s=95, credits=25, unit=PTS,
        prompt="一只猫在月球上跳舞",
    )  # fmt: skip
    assert zh == (
        "✅ 视频生成成功!\n• 模型:Wan 2.6\n• 耗时:预计 60~120s,实际 95s\n• 消耗积分:25 pts\n\n"
        "一只猫在月球上跳舞"
    )
    en = success_caption(
        "en", model_name="Kling O1", eta_min_s=180, eta_max_s=360, actual_s=212, credits=48, unit=PTS,
        prompt="A cat dancing on the moon",
    )  # fmt: skip
    assert en == (
        "✅ Your video is ready!\n• Model: Kling O1\n• Time: estimated 180~360s, actual 212s\n"
        "• Credits: 48 pts\n\nA cat dancing on the moon"
    )


def test_step3_caption_without_prompt_and_with_a_long_one() -> None:
    kwargs = {"model_name": "Wan 2.6", "eta_min_s": 60, "eta_max_s": 120, "actual_s": 70, "credits": 25}
    bare = success_caption("zh", **kwargs, unit=PTS, prompt="   ")  # type: ignore[arg-type]
    assert bare.endswith("• 消耗积分:25 pts")
    long_prompt = "海边日落,镜头缓缓推进。" * 40
    caption = success_caption("zh", **kwargs, unit=PTS, prompt=long_prompt)  # type: ignore[arg-type]
    shown = caption.split("\n\n", 1)[1]
    assert len(shown) <= 200 and shown.endswith("…")
    assert long_prompt.startswith(shown[:-1])


def test_step3_video_link() -> None:
    assert video_link("zh", URL) == f"🔗 视频链接(方便复制分享):\n{URL}"
    assert video_link("en", URL) == f"🔗 Video link (easy to copy and share):\n{URL}"
    assert open_video_label("zh") == "打开视频"
    assert open_video_label("en") == "Open video"


def test_step4_failure_exact_with_alternatives() -> None:
    alternatives = [
        Alternative("Hailuo 2.0", "budget", 5, 5, PTS),
        Alternative("Kling O1", "audio", 48, 120, PTS),
    ]
    zh = failure("zh", kind=ErrorKind.TIMEOUT, model_family="wan", alternatives=alternatives)
    assert zh == (
        "❌ 视频生成失败\n"
        "• 原因:视频生成时间过长已超时,建议用更快的模型\n"
        "• 建议改用:\n"
        "  - Hailuo 2.0(性价比高,5 pts)\n"
        "  - Kling O1(带音效,48~120 pts)\n"
        "\n"
        "需要我帮你用其他模型重试吗?"
    )
    en = failure("en", kind=ErrorKind.TIMEOUT, model_family="wan", alternatives=alternatives)
    assert en == (
        "❌ Video generation failed\n"
        "• Reason: Video generation took too long, try a faster model\n"
        "• Try instead:\n"
        "  - Hailuo 2.0 (budget friendly, 5 pts)\n"
        "  - Kling O1 (with audio, 48~120 pts)\n"
        "\n"
        "Want me to retry with another model?"
    )


def test_step4_sora_moderation_reason() -> None:
    text = failure(
        "zh", kind=ErrorKind.CONTENT_POLICY, model_family="sora",
        alternatives=[Alternative("Wan 2.6", "popular", 25, 120, PTS)],
    )  # fmt: skip
    assert "• 原因:提示词包含敏感内容(如人物),Sora 不支持,请换其他模型" in text.splitlines()
    assert "  - Wan 2.6(最受欢迎,25~120 pts)" in text.splitlines()


def test_step4_without_alternatives_asks_to_try_later() -> None:
    zh = failure("zh", kind=ErrorKind.AUTH, model_family=None, alternatives=[])
    assert zh == "❌ 视频生成失败\n• 原因:视频服务的授权出了问题,请联系管理员\n\n请稍后再试 🙏"
    en = failure("en", kind=ErrorKind.NETWORK, model_family=None, alternatives=())
    assert "Try instead" not in en and "retry with another model" not in en
    assert en.endswith("Please try again later 🙏")


def test_alternative_from_catalogue_entry() -> None:
    alt = Alternative.of(entry("kling-o1", 48, 120))
    assert alt == Alternative("Kling O1", "audio", 48, 120, PTS)


def test_retry_button_label() -> None:
    assert retry_button_label("zh", "Kling O1") == "用 Kling O1 重试"
    assert retry_button_label("en", "Kling O1") == "Retry with Kling O1"
