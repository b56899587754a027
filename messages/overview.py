"""Words of a person's overview of their videos: how each one in progress is doing (进度 / status),
the last ones made (我的视频 / history), and one shown again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from messages.format import credits_words, shown_prompt
from messages.progress import progress_bar
from messages.reply import Lang
from messages.text import Text
from providers.types import CreditUnit


class Phase(StrEnum):
    """Where a video in progress is, in the user's terms."""

    ASKING = "asking"  # waits for their go-ahead
    QUEUED = "queued"  # waits in line for one of their videos to finish
    ORDERING = "ordering"  # being priced, announced or ordered
    MAKING = "making"  # the provider is making it (with a percentage)
    LATE = "late"  # slower than expected: still watched for
    SENDING = "sending"  # it exists and is being sent


class Outcome(StrEnum):
    """How a past video ended, in the user's terms."""

    MADE = "made"
    NOT_MADE = "not_made"
    CANCELLED = "cancelled"
    UNSURE = "unsure"  # may have been ordered and could not be checked
    WORKING = "working"


@dataclass(frozen=True)
class Running:
    prompt: str
    model: str
    phase: Phase
    percent: int = 0
    elapsed_s: int = 0
    max_s: int = 0
    position: int = 0  # in the queue


@dataclass(frozen=True)
class Past:
    prompt: str
    model: str
    outcome: Outcome
    credits: int
    unit: CreditUnit
    when: str  # already formatted in the user's zone, e.g. "12-03 14:05"
    link: str | None  # a web link to the video, when there is one to share


STATUS_TITLE = Text("你的视频进度:", "Your videos in progress:")
PHASES: dict[Phase, Text] = {
    Phase.ASKING: Text("等你确认(回复「好」开始)", 'waiting for your go-ahead (reply "yes" to start)'),
    Phase.QUEUED: Text("在排队,第 {position} 位", "waiting in line, number {position}"),
    Phase.ORDERING: Text("正在下单", "being ordered"),
    Phase.MAKING: Text(
        "{bar} {percent}% · 已等 {elapsed} 秒,预计最长 {max} 秒",
        "{bar} {percent}% · {elapsed} s of at most {max} s",
    ),
    Phase.LATE: Text(
        "比预计慢,我还在等它,好了就发给你", "slower than expected; I'm still watching and will send it"
    ),
    Phase.SENDING: Text("已经做好,正在发送", "done, being sent"),
}
STATUS_FOOT = Text("想取消的话,回复「取消」。", 'To cancel one, say "cancel".')
HISTORY_TITLE = Text("你最近的视频:", "Your latest videos:")
OUTCOMES: dict[Outcome, Text] = {
    Outcome.MADE: Text("✅", "✅"),
    Outcome.NOT_MADE: Text("❌ 未完成", "❌ not made"),
    Outcome.CANCELLED: Text("⏹ 已取消", "⏹ cancelled"),
    Outcome.UNSURE: Text(
        "⚠️ 可能已下单,请联系管理员核实", "⚠️ may have been ordered; ask whoever runs the bot"
    ),
    Outcome.WORKING: Text("⏳ 生成中", "⏳ in progress"),
}
HISTORY_LINE = Text(
    "{index}. {outcome} 「{prompt}」· {model} · {cost} · {when}",
    '{index}. {outcome} "{prompt}" · {model} · {cost} · {when}',
)
RUNNING_LINE = Text("{index}. 「{prompt}」· {model}", '{index}. "{prompt}" · {model}')
HISTORY_FOOT = Text("回复编号可以再看一次那个视频。", "Reply with a number to see that video again.")
NO_HISTORY = Text(
    "你还没有生成过视频。想要什么视频,直接告诉我吧,比如「做一个小狗在海边奔跑的视频」。",
    "You haven't made any videos yet. Tell me what you'd like, e.g. \"make a video of a puppy running on a "
    'beach".',
)
AGAIN = Text("🔁 再看一次:「{prompt}」· {model}", '🔁 Again: "{prompt}" · {model}')
NOT_SHOWABLE = Text(
    "这个视频没有做好,没法再看;可以重新生成一次。",
    "That one wasn't made, so there's nothing to show; you can make it again.",
)
NO_SUCH_VIDEO = Text(
    "没有第 {index} 个视频,看看「我的视频」里的编号吧。",
    'There\'s no video number {index}; see "my videos" for the numbers.',
)


def status_text(lang: Lang, jobs: Sequence[Running]) -> str:
    """Each video in progress with where it is; the caller says "nothing running" when there is none."""
    lines = [STATUS_TITLE(lang)]
    for index, job in enumerate(jobs, 1):
        phase = PHASES[job.phase](
            lang,
            bar=progress_bar(job.percent),
            percent=job.percent,
            elapsed=job.elapsed_s,
            max=job.max_s,
            position=job.position,
        )
        lines.append(RUNNING_LINE(lang, index=index, prompt=shown_prompt(job.prompt), model=job.model))
        lines.append(f"   {phase}")
    lines.append(STATUS_FOOT(lang))
    return "\n".join(lines)


def history_text(lang: Lang, jobs: Sequence[Past]) -> str:
    """The last videos, numbered (1 = newest), with how each ended, its cost and its link."""
    if not jobs:
        return NO_HISTORY(lang)
    lines = [HISTORY_TITLE(lang)]
    for index, job in enumerate(jobs, 1):
        cost = credits_words(lang, job.credits, job.unit) if job.outcome is Outcome.MADE else ""
        line = HISTORY_LINE(
            lang,
            index=index,
            outcome=OUTCOMES[job.outcome](lang),
            prompt=shown_prompt(job.prompt),
            model=job.model,
            cost=cost,
            when=job.when,
        )
        lines.append(line.replace(" ·  · ", " · "))
        if job.link:
            lines.append(f"   {job.link}")
    lines.append(HISTORY_FOOT(lang))
    return "\n".join(lines)


def shown_again(lang: Lang, *, prompt: str, model: str) -> str:
    """The caption of a finished video shown again."""
    return AGAIN(lang, prompt=shown_prompt(prompt), model=model)


def not_showable(lang: Lang) -> str:
    return NOT_SHOWABLE(lang)


def no_such_video(lang: Lang, index: int) -> str:
    return NO_SUCH_VIDEO(lang, index=index)
