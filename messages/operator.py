"""What the operator's commands print (``videobot jobs``, ``videobot credits``), zh and en."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from messages.format import credits_text
from messages.reply import Lang
from messages.text import Text
from providers.types import CreditUnit

JOBS_HEADER = Text(
    "{id:<22} {state:<11} {user:<24} {model:<18} {provider:<12} {cost:>10} {age:>8}",
    "{id:<22} {state:<11} {user:<24} {model:<18} {provider:<12} {cost:>10} {age:>8}",
)
JOBS_COLUMNS: dict[Lang, tuple[str, ...]] = {
    "zh": ("任务", "状态", "用户", "模型", "服务", "费用", "时长"),
    "en": ("job", "state", "user", "model", "provider", "cost", "age"),
}
# Under an uncertain job: what an operator needs to find it in the provider's console.
TO_CHECK = Text(
    "    下单于 {sent} · 参数 {params} · 提示词 {prompt}",
    "    ordered at {sent} · params {params} · prompt {prompt}",
)
NO_JOBS = Text("没有符合条件的任务。", "No jobs match.")
NOT_FOUND = Text("没有这个任务:{id}", "No such job: {id}")
SHOW = Text(
    "任务 {id}\n状态:{state}\n用户:{user}({platform})\n模型:{model}(服务:{provider})\n"
    "费用:{cost}\n服务端任务:{task}\n已送达:{steps}\n创建于:{created}\n提示词:{prompt}\n\n历史:",
    "Job {id}\nState: {state}\nUser: {user} ({platform})\nModel: {model} (provider: {provider})\n"
    "Cost: {cost}\nProvider task: {task}\nDelivered: {steps}\nCreated: {created}\n"
    "Prompt: {prompt}\n\nHistory:",
)
EVENT = Text("  {at}  {state:<10} {note}", "  {at}  {state:<10} {note}")
BALANCE = Text("{provider:<14} {amount}", "{provider:<14} {amount}")
BALANCE_UNKNOWN = Text(
    "{provider:<14} 余额未知(该服务不提供查询)", "{provider:<14} unknown (not offered by its API)"
)
NONE = Text("无", "none")


def age_text(seconds: float) -> str:
    """``42s``, ``7m``, ``3h``, ``2d``."""
    if seconds < 60:
        return f"{int(seconds)}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"


def job_row(
    lang: Lang,
    *,
    job_id: str,
    state: str,
    user: str,
    model: str,
    provider: str,
    credits: int | None,
    unit: CreditUnit,
    age_s: float,
) -> str:
    cost = credits_text(lang, credits, unit) if credits is not None else "-"
    return JOBS_HEADER(
        lang,
        id=job_id,
        state=state,
        user=user[:24],
        model=model[:18],
        provider=provider[:12],
        cost=cost,
        age=age_text(age_s),
    )


def jobs_header(lang: Lang) -> str:
    fields = ("id", "state", "user", "model", "provider", "cost", "age")
    return JOBS_HEADER(lang, **dict(zip(fields, JOBS_COLUMNS[lang], strict=True)))


def to_check(lang: Lang, *, sent: datetime | None, params: dict[str, object], prompt: str) -> str:
    """The line under an uncertain job: when it was sent, with what, so it can be found by hand."""
    when = sent.isoformat(timespec="seconds") if sent else NONE(lang)
    shown = ", ".join(f"{key}={value}" for key, value in params.items()) or NONE(lang)
    return TO_CHECK(lang, sent=when, params=shown, prompt=prompt[:120] or NONE(lang))


def no_jobs(lang: Lang) -> str:
    return NO_JOBS(lang)


def job_not_found(lang: Lang, job_id: str) -> str:
    return NOT_FOUND(lang, id=job_id)


def job_details(
    lang: Lang,
    *,
    job_id: str,
    state: str,
    user: str,
    platform: str,
    model: str,
    provider: str,
    credits: int | None,
    unit: CreditUnit,
    task_id: str | None,
    steps: Sequence[str],
    created: datetime,
    prompt: str,
) -> str:
    none = NONE(lang)
    return SHOW(
        lang,
        id=job_id,
        state=state,
        user=user,
        platform=platform,
        model=model,
        provider=provider,
        cost=credits_text(lang, credits, unit) if credits is not None else none,
        task=task_id or none,
        steps=", ".join(steps) or none,
        created=created.isoformat(timespec="seconds"),
        prompt=prompt[:200] or none,
    )


def job_event(lang: Lang, *, at: datetime, state: str, note: str) -> str:
    return EVENT(lang, at=at.isoformat(timespec="seconds"), state=state, note=note)


def balance_line(lang: Lang, *, provider: str, amount: int | None, unit: CreditUnit) -> str:
    if amount is None:
        return BALANCE_UNKNOWN(lang, provider=provider)
    return BALANCE(lang, provider=provider, amount=credits_text(lang, amount, unit))
