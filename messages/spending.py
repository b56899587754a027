"""Words about money: budgets running out, usage, and their amounts in the unit prices are shown in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from messages.format import credits_amount
from messages.reply import Lang
from messages.text import Text
from providers.types import CreditUnit


@dataclass(frozen=True)
class Amount:
    """An amount as people see it: credits of the unit their prices are in, and about how many US$."""

    usd: Decimal
    credits: int | None = None  # None: shown in US$ only (no paid provider to count in)
    unit: CreditUnit | None = None


@dataclass(frozen=True)
class Spent:
    """One line of a usage list: a recent job and what it cost."""

    when: datetime
    model: str
    amount: Amount
    state: str  # the job's SpendState value


def amount_text(lang: Lang, amount: Amount) -> str:
    """``60 积分(约 $0.60)`` / ``60 credits (about $0.60)``, or ``$0.60`` alone."""
    dollars = f"${amount.usd.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}"
    if amount.credits is None or amount.unit in (None, CreditUnit.FREE, CreditUnit.USD_CENTS):
        return dollars
    return ABOUT(lang, amount=credits_amount(lang, amount.credits, amount.unit), usd=dollars)


ABOUT = Text("{amount}(约 {usd})", "{amount} (about {usd})")
UNLIMITED = Text("不限", "no limit")
OVER_JOB = Text(
    "这个视频需要 {cost},超过了每个视频的上限 {limit}。换个便宜点的模型或短一点的时长试试?",
    "This video would cost {cost}, above the limit of {limit} per video. "
    "Try a cheaper model or a shorter video?",
)
OVER = {
    ("user", "day"): Text(
        "你今天的额度不够了:这个视频需要 {cost};今天还剩 {left},每日额度 {limit},{reset} 恢复。",
        "Not enough of your daily allowance left: this video costs {cost}; {left} left today, "
        "of {limit} a day. It renews {reset}.",
    ),
    ("user", "month"): Text(
        "你本月的额度不够了:这个视频需要 {cost};本月还剩 {left},每月额度 {limit},{reset} 恢复。",
        "Not enough of your monthly allowance left: this video costs {cost}; {left} left this month, "
        "of {limit} a month. It renews {reset}.",
    ),
    ("chat", "day"): Text(
        "这个群今天的额度不够了:这个视频需要 {cost};今天还剩 {left},每日额度 {limit},{reset} 恢复。",
        "Not enough of this chat's daily allowance left: this video costs {cost}; {left} left today, "
        "of {limit} a day. It renews {reset}.",
    ),
    ("chat", "month"): Text(
        "这个群本月的额度不够了:这个视频需要 {cost};本月还剩 {left},每月额度 {limit},{reset} 恢复。",
        "Not enough of this chat's monthly allowance left: this video costs {cost}; {left} left this "
        "month, of {limit} a month. It renews {reset}.",
    ),
}
RESET_AT = Text("{when}({zone})", "on {when} ({zone})")
USAGE_HEAD = Text("📊 你的用量", "📊 Your usage")
CHAT_USAGE_HEAD = Text("📊 {name} 的用量", "📊 Usage of {name}")
USAGE_DAY = Text(
    "今天:已用 {used};还剩 {left};每日额度 {limit}", "Today: {used} used; {left} left; {limit} a day"
)
USAGE_MONTH = Text(
    "本月:已用 {used};还剩 {left};每月额度 {limit}", "This month: {used} used; {left} left; {limit} a month"
)
USAGE_JOB = Text("每个视频最多 {limit}", "Up to {limit} per video")
USAGE_RECENT = Text("最近的视频:", "Recent videos:")
USAGE_NONE = Text("还没有生成过视频。", "No videos yet.")
SPEND_STATES = {
    "charged": Text("已扣", "charged"),
    "reserved": Text("预留", "held"),
    "released": Text("未扣费", "not charged"),
}


def over_budget(
    lang: Lang, *, scope: str, period: str, cost: Amount, left: Amount, limit: Amount, reset: str | None
) -> str:
    """A job refused by a budget: what it costs, what is left and when it renews (nothing charged)."""
    if period == "job":
        return OVER_JOB(lang, cost=amount_text(lang, cost), limit=amount_text(lang, limit))
    return OVER[(scope, period)](
        lang,
        cost=amount_text(lang, cost),
        left=amount_text(lang, left),
        limit=amount_text(lang, limit),
        reset=reset or "",
    )


def reset_time(lang: Lang, local: datetime) -> str:
    """When a budget renews, in its own time zone: ``12月4日 00:00(UTC)`` / ``on Dec 4, 00:00 (UTC)``."""
    when = (
        f"{local.month}月{local.day}日 {local:%H:%M}"
        if lang == "zh"
        else f"{local:%b} {local.day}, {local:%H:%M}"
    )
    return RESET_AT(lang, when=when, zone=local.tzname() or "UTC")


def usage_text(
    lang: Lang,
    *,
    title: str | None,
    day: tuple[Amount, Amount | None, Amount | None],
    month: tuple[Amount, Amount | None, Amount | None],
    job_limit: Amount | None,
    recent: Sequence[Spent],
) -> str:
    """Spent today and this month, what is left, and the last jobs with their cost.

    ``day``/``month``: (used, left, limit), ``None`` for no limit. ``title``: a chat's name (admins).
    """

    def shown(amount: Amount | None) -> str:
        return UNLIMITED(lang) if amount is None else amount_text(lang, amount)

    lines = [CHAT_USAGE_HEAD(lang, name=title) if title else USAGE_HEAD(lang)]
    for words, (used, left, limit) in ((USAGE_DAY, day), (USAGE_MONTH, month)):
        lines.append("• " + words(lang, used=amount_text(lang, used), left=shown(left), limit=shown(limit)))
    if job_limit is not None:
        lines.append("• " + USAGE_JOB(lang, limit=amount_text(lang, job_limit)))
    lines.append(USAGE_RECENT(lang) if recent else USAGE_NONE(lang))
    for item in recent:
        state = SPEND_STATES.get(item.state, SPEND_STATES["reserved"])(lang)
        lines.append(f"• {item.when:%m-%d %H:%M} {item.model}: {amount_text(lang, item.amount)} ({state})")
    return "\n".join(lines)
