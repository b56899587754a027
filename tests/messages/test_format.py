import pytest

from messages import (
    credits_range_text,
    credits_text,
    credits_words,
    eta_text,
    minutes,
    minutes_range_text,
    task_label,
    trait_label,
)
from messages.format import TRAITS
from providers.types import CreditUnit, TaskType

PTS, CREDITS, FREE = CreditUnit.POINTS, CreditUnit.CREDITS, CreditUnit.FREE


def test_credits_text_in_bullets() -> None:
    assert credits_text("zh", 25, PTS) == "25 pts"
    assert credits_text("en", 25, PTS) == "25 pts"
    assert credits_text("zh", 25, CREDITS) == "25 积分"
    assert credits_text("en", 25, CREDITS) == "25 credits"
    assert credits_text("en", 1, CREDITS) == "1 credit"
    assert credits_text("zh", 0, FREE) == "免费"
    assert credits_text("en", 0, FREE) == "free"


def test_credits_words_in_prose() -> None:
    assert credits_words("zh", 25, PTS) == "25 积分"
    assert credits_words("en", 25, PTS) == "25 credits"
    assert credits_words("zh", 150, CREDITS) == "150 积分"
    assert credits_words("en", 150, CREDITS) == "150 credits"
    assert credits_words("zh", 0, FREE) == "免费"
    assert credits_words("en", 0, FREE) == "free"


def test_credits_range_text() -> None:
    assert credits_range_text("zh", 25, 120, PTS) == "25~120 pts"
    assert credits_range_text("en", 25, 120, PTS) == "25~120 pts"
    assert credits_range_text("en", 38, 38, PTS) == "38 pts"
    assert credits_range_text("zh", 5, 70, CREDITS) == "5~70 积分"
    assert credits_range_text("en", 5, 70, CREDITS) == "5~70 credits"
    assert credits_range_text("en", 0, 0, FREE) == "free"
    assert credits_range_text("zh", 0, 10, FREE) == "免费"


def test_eta_text_seed_format() -> None:
    assert eta_text("zh", 60, 120) == "60 ~ 120 秒(约 1 ~ 2 分钟)"
    assert eta_text("en", 60, 120) == "60 ~ 120 s (about 1 ~ 2 min)"
    assert eta_text("zh", 90, 180) == "90 ~ 180 秒(约 1.5 ~ 3 分钟)"
    assert eta_text("en", 120, 300) == "120 ~ 300 s (about 2 ~ 5 min)"
    assert eta_text("zh", 60, 60) == "60 秒(约 1 分钟)"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(60, "1"), (90, "1.5"), (100, "1.7"), (45, "0.8"), (3, "0.1"), (0, "0"), (360, "6")],
)
def test_minutes_one_decimal_at_most(seconds: int, expected: str) -> None:
    assert minutes(seconds) == expected


def test_minutes_range_text() -> None:
    assert minutes_range_text("zh", 180, 360) == "约 3 ~ 6 分钟"
    assert minutes_range_text("en", 90, 180) == "about 1.5 ~ 3 min"
    assert minutes_range_text("en", 120, 120) == "about 2 min"


def test_trait_labels_cover_every_spec_trait_in_both_languages() -> None:
    from providers.specs import SPECS

    assert {spec.trait for spec in SPECS} <= set(TRAITS)
    for trait in (
        "popular",
        "quality",
        "budget",
        "fast",
        "audio",
        "premium",
        "cinematic",
        "stable",
        "general",
    ):
        assert trait_label("zh", trait) and trait_label("en", trait)
        assert trait_label("zh", trait) != trait_label("en", trait)
    assert trait_label("zh", "popular") == "最受欢迎"
    assert trait_label("en", "fast") == "fast"
    assert trait_label("zh", "stable") == "最稳定"


def test_unknown_trait_reads_as_general() -> None:
    assert trait_label("zh", "mystery") == trait_label("zh", "general")
    assert trait_label("en", "") == trait_label("en", "general")


def test_task_labels() -> None:
    assert task_label("zh", TaskType.TEXT_TO_VIDEO) == "文生视频"
    assert task_label("zh", TaskType.IMAGE_TO_VIDEO) == "图生视频"
    assert task_label("en", TaskType.IMAGE_TO_VIDEO) == "image-to-video"
    labels = {task_label(lang, task) for lang in ("zh", "en") for task in TaskType}
    assert len(labels) == 2 * len(TaskType)


@pytest.mark.parametrize("unit", [CreditUnit.CREDITS, CreditUnit.POINTS])
def test_a_paid_price_of_zero_is_unknown_not_free(unit: CreditUnit) -> None:
    # Media.io publishes no prices: its quotes are 0, and must never read as "0 credits" or "free".
    assert credits_text("en", 0, unit) == "as billed by the provider"
    assert credits_words("zh", 0, unit) == "按平台实际计费"
    assert credits_range_text("en", 0, 0, unit) == "as billed by the provider"
    assert credits_text("en", 0, CreditUnit.FREE) == "free"


def test_money_prices_read_as_money_in_both_languages() -> None:
    """MythIQ prices each call in US dollars: "$0.23", never "23 积分" (issue 12)."""
    usd = CreditUnit.USD_CENTS
    assert credits_text("zh", 23, usd) == "$0.23" and credits_words("en", 350, usd) == "$3.50"
    assert credits_range_text("zh", 20, 35, usd) == "$0.20~$0.35"
