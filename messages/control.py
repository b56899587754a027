"""Words of job control: cancelling a video (and which one when several are running), the queue, and
the follow-ups a finished video offers."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from messages.format import credits_words, shown_prompt
from messages.reply import Lang
from messages.text import Text
from providers.types import CreditUnit


class CancelOutcome(StrEnum):
    """What a cancel did; each has its own honest words about the money."""

    NOTHING_ORDERED = "nothing_ordered"  # before the create: nothing ordered, nothing charged
    WITHDRAWN = "withdrawn"  # the provider withdrew its task: nothing charged
    STOPPED = "stopped"  # no longer followed; the provider may still charge
    FREE = "free"  # no longer followed; this provider charges nothing anyway (the sandbox)
    TOO_LATE = "too_late"  # the video exists (being delivered), or the job had already ended
    UNKNOWN = "unknown"  # no such job


OUTCOMES: dict[CancelOutcome, Text] = {
    CancelOutcome.NOTHING_ORDERED: Text(
        "已取消「{prompt}」:还没有下单,不会扣费。",
        'Cancelled "{prompt}": nothing was ordered yet, so nothing is charged.',
    ),
    CancelOutcome.WITHDRAWN: Text(
        "已取消「{prompt}」:{model} 的任务已在服务商那边撤回,不会扣费。",
        'Cancelled "{prompt}": the {model} task was withdrawn at the provider, so nothing is charged.',
    ),
    CancelOutcome.STOPPED: Text(
        "已停止「{prompt}」。{model} 已经开始生成,服务商不支持中途取消,这次可能仍会收取 {cost};"
        "这个视频我不会再发给你。",
        'Stopped "{prompt}". {model} had already started and its provider cannot cancel a running task, '
        "so it may still charge {cost}; I won't send this video.",
    ),
    CancelOutcome.FREE: Text(
        "已停止「{prompt}」,这个视频我不会再发给你(它是免费的)。",
        'Stopped "{prompt}"; I won\'t send this video (it was free).',
    ),
    CancelOutcome.TOO_LATE: Text(
        "「{prompt}」已经做好或已结束,没法再取消了。",
        '"{prompt}" is already done or over, so it can\'t be cancelled any more.',
    ),
}
UNKNOWN_JOB = Text(
    "没找到这个视频,它可能已经结束很久了。", "I can't find that video; it may have ended long ago."
)
NOTHING_TO_CANCEL = Text(
    "现在没有正在生成的视频,不需要取消。",
    "No video is being made for you right now, so there's nothing to cancel.",
)
WHICH_ONE = Text(
    "你有 {n} 个视频在生成,要取消哪一个?回复编号,或点它下面的「取消」:\n{items}",
    "You have {n} videos in progress. Which one should I cancel? Reply with its number, "
    'or tap its "Cancel":\n{items}',
)
ITEM = Text("{index}. 「{prompt}」· {model}", '{index}. "{prompt}" · {model}')
CANCEL_LABEL = Text("取消", "Cancel")
CANCEL_NUMBERED = Text("取消 {index}", "Cancel {index}")
CANCELLING = Text("正在取消…", "Cancelling…")
FOLLOW_UPS: dict[str, Text] = {
    "again": Text("🔁 再来一个", "🔁 Again"),
    "another": Text("🎨 换个模型", "🎨 Another model"),
    "vertical": Text("📱 竖屏版", "📱 Vertical"),
    "landscape": Text("🖥 横屏版", "🖥 Landscape"),
}
NOTHING_TO_FOLLOW = Text(
    "还没有做好的视频可以接着做,先告诉我想生成什么吧。",
    "There's no finished video to build on yet; tell me what you'd like first.",
)
QUEUED = Text(
    "⏳ 已排队:你已有视频在生成,这个排在第 {position} 位,前面的做完就自动开始。",
    "⏳ Queued: you already have videos in progress; this one is number {position} in line and starts "
    "by itself when one of them finishes.",
)
QUEUED_FOOT = Text(
    "开始时我会再通知你;不想等了可以点「取消」或回复「取消」。",
    'I\'ll tell you when it starts; to drop it, tap Cancel or say "cancel".',
)
QUEUE_FULL = Text(
    "你已经有 {working} 个视频在生成、{queued} 个在排队了,等其中一个完成后再发新的吧 🙏",
    "You already have {working} videos in progress and {queued} waiting in line; please wait for one to "
    "finish before asking for another 🙏",
)


def cancel_outcome(
    lang: Lang, outcome: CancelOutcome, *, prompt: str, model: str, credits: int, unit: CreditUnit
) -> str:
    """What a cancel did, with what it means for the money."""
    if outcome is CancelOutcome.UNKNOWN:
        return UNKNOWN_JOB(lang)
    cost = credits_words(lang, credits, unit)
    return OUTCOMES[outcome](lang, prompt=shown_prompt(prompt), model=model, cost=cost)


def nothing_to_cancel(lang: Lang) -> str:
    return NOTHING_TO_CANCEL(lang)


def which_to_cancel(lang: Lang, jobs: Sequence[tuple[str, str]]) -> str:
    """Several running: ``jobs`` as ``(prompt, model)``, numbered from 1."""
    items = "\n".join(
        ITEM(lang, index=i, prompt=shown_prompt(prompt), model=model)
        for i, (prompt, model) in enumerate(jobs, 1)
    )
    return WHICH_ONE(lang, n=len(jobs), items=items)


def cancel_label(lang: Lang, index: int | None = None) -> str:
    """The label of a Cancel button (numbered under a list of several)."""
    return CANCEL_LABEL(lang) if index is None else CANCEL_NUMBERED(lang, index=index)


def queued_notice(lang: Lang, *, position: int, bullets: Sequence[str]) -> str:
    """A request over the user's limit waits in line: its place, then the pre-notification's bullets
    (model, time, cost), then what happens next."""
    return "\n".join([QUEUED(lang, position=position), *bullets]) + "\n\n" + QUEUED_FOOT(lang)


def queue_full(lang: Lang, *, working: int, queued: int) -> str:
    """Refused: the user's places and their queue are both full."""
    return QUEUE_FULL(lang, working=working, queued=queued)


def follow_up_label(lang: Lang, action: str) -> str:
    """A finished video's follow-up button: ``again``, ``another``, ``vertical`` or ``landscape``."""
    return FOLLOW_UPS[action](lang)


def nothing_to_follow(lang: Lang) -> str:
    return NOTHING_TO_FOLLOW(lang)


def cancelling_toast(lang: Lang) -> str:
    return CANCELLING(lang)
