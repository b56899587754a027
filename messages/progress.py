"""Step 2 of the protocol: the progress line sent while a video is being made."""

from __future__ import annotations

import math

from messages.reply import Lang
from messages.text import Text

PROGRESS_CAP = 95
BAR_CELLS = 10

PROGRESS = Text(
    "⏳ 视频生成中… {percent}%\n已等待 {elapsed}s,预计最长 {max}s",
    "⏳ Generating your video… {percent}%\nWaited {elapsed}s, expected at most {max}s",
)
OVERDUE = Text("快了,稍等一下…", "Almost there, hang on…")


def progress_percent(elapsed_s: float, max_s: float) -> int:
    """``min(95, floor(elapsed / max * 100))``, never negative; 95 when no estimate is known."""
    if max_s <= 0:
        return PROGRESS_CAP
    return max(0, min(PROGRESS_CAP, math.floor(elapsed_s * 100 / max_s)))


def progress(lang: Lang, *, percent: int, elapsed_s: int, max_s: int, overdue: bool) -> str:
    """``⏳ 视频生成中… 66%`` with the waited and expected seconds; overdue adds a reassurance."""
    text = PROGRESS(lang, percent=percent, elapsed=elapsed_s, max=max_s)
    return f"{text}\n{OVERDUE(lang)}" if overdue else text


def progress_bar(percent: int, cells: int = BAR_CELLS) -> str:
    """``▰▰▰▰▰▰▱▱▱▱`` for 62 %: filled cells rounded down, never full before 100."""
    filled = max(0, min(cells, percent * cells // 100))
    return "▰" * filled + "▱" * (cells - filled)


def running_status(notice: str | None, progress_text: str, percent: int | None) -> str:
    """A status message while it runs, on platforms that edit it in place: the pre-notification (model,
    time, cost stay visible), a progress bar, then the protocol's progress lines."""
    body = f"{progress_bar(percent)}\n{progress_text}" if percent is not None else progress_text
    return f"{notice}\n\n{body}" if notice else body
