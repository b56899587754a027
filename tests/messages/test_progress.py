import pytest

from messages import progress, progress_percent


@pytest.mark.parametrize(
    ("elapsed", "max_s", "expected"),
    [
        (120, 180, 66),
        (200, 180, 95),
        (0, 180, 0),
        (30, 120, 25),
        (171, 180, 95),
        (179.9, 180, 95),
        (90, 360, 25),
    ],
)
def test_seed_formula(elapsed: float, max_s: float, expected: int) -> None:
    assert progress_percent(elapsed, max_s) == expected


def test_percent_never_negative_and_guards_missing_estimate() -> None:
    assert progress_percent(-5, 180) == 0
    assert progress_percent(10, 0) == 95
    assert progress_percent(10, -1) == 95


def test_progress_zh_seed_lines() -> None:
    text = progress("zh", percent=66, elapsed_s=120, max_s=180, overdue=False)
    assert text == "⏳ 视频生成中… 66%\n已等待 120s,预计最长 180s"


def test_progress_zh_overdue_appends_reassurance() -> None:
    text = progress("zh", percent=95, elapsed_s=200, max_s=180, overdue=True)
    assert text == "⏳ 视频生成中… 95%\n已等待 200s,预计最长 180s\n快了,稍等一下…"


def test_progress_en() -> None:
    assert (
        progress("en", percent=66, elapsed_s=120, max_s=180, overdue=False)
        == "⏳ Generating your video… 66%\nWaited 120s, expected at most 180s"
    )
    assert progress("en", percent=95, elapsed_s=200, max_s=180, overdue=True).endswith(
        "\nAlmost there, hang on…"
    )
