"""Operator commands: ``videobot jobs`` (recent jobs, one job's history), ``videobot credits``, and the
admin's ``usage``, ``budget``, ``admin`` and ``audit`` (through the same desk as ``/admin`` in a chat)."""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from typing import TextIO

from bot.providers import build_providers
from bot.settings import Settings
from bot.stores import build_stores
from bot.wiring import build_app
from handlers.admin.commands import BadCommand, parse_admin
from handlers.inbound import ChatRef
from handlers.jobs import Job, JobState, JobStore
from handlers.timing import utc_now
from messages import operator as text
from messages.admin import admin_help
from providers.balances import balances
from providers.types import CreditUnit


async def list_jobs(
    settings: Settings, out: TextIO, *, state: JobState | None, user: str | None, limit: int = 50
) -> int:
    store = build_stores(settings).jobs
    try:
        jobs = await store.recent(state=state, user_key=user, limit=limit)
    finally:
        await store.close()
    lang = settings.lang
    if not jobs:
        print(text.no_jobs(lang), file=out)
        return 0
    print(text.jobs_header(lang), file=out)
    now = utc_now()
    for job in jobs:
        credits, unit = _cost(job)
        row = text.job_row(
            lang,
            job_id=job.id,
            state=job.state.value,
            user=job.user_key,
            model=job.model_name,
            provider=job.provider,
            credits=credits,
            unit=unit,
            age_s=(now - job.created_at).total_seconds(),
        )
        print(row, file=out)
        if job.state is JobState.UNCERTAIN:
            params = job.quote.params if job.quote else {}
            print(
                text.to_check(lang, sent=job.submitted_at, params=params, prompt=job.request.prompt), file=out
            )
    return 0


async def show_job(settings: Settings, out: TextIO, job_id: str) -> int:
    store: JobStore = build_stores(settings).jobs
    try:
        job = await store.get(job_id)
        events = await store.history(job_id) if job else []
    finally:
        await store.close()
    lang = settings.lang
    if job is None:
        print(text.job_not_found(lang, job_id), file=out)
        return 1
    credits, unit = _cost(job)
    details = text.job_details(
        lang,
        job_id=job.id,
        state=job.state.value,
        user=job.chat.user_id,
        platform=job.chat.platform,
        model=job.model_name,
        provider=job.provider,
        credits=credits,
        unit=unit,
        task_id=job.handle.task_id if job.handle else None,
        steps=sorted(step.value for step in job.delivered),
        created=job.created_at,
        prompt=job.request.prompt,
    )
    print(details, file=out)
    for event in events:
        print(text.job_event(lang, at=event.at, state=event.state.value, note=event.note), file=out)
    return 0


def _cost(job: Job) -> tuple[int | None, CreditUnit]:
    return (job.quote.credits, job.quote.unit) if job.quote else (None, CreditUnit.POINTS)


async def show_credits(settings: Settings, out: TextIO) -> int:
    """Each configured provider's balance where its API tells it."""
    providers = build_providers(settings)
    try:
        found = await balances(providers)
    finally:
        for provider in providers:
            await provider.aclose()
    for balance in found:
        print(
            text.balance_line(
                settings.lang, provider=balance.provider, amount=balance.amount, unit=balance.unit
            ),
            file=out,
        )
    return 0


async def run_admin(settings: Settings, out: TextIO, words: Sequence[str]) -> int:
    """One admin command from the shell; the actor in the audit is ``cli:<login>``. Exit 2 when the
    words are not a command (the list of commands is printed)."""
    app = build_app(settings)
    try:
        await app.prepare()
        chat = ChatRef(platform="cli", chat_id="operator", user_id=_login(), lang=settings.lang)
        line = "/admin " + " ".join(words)
        try:
            parse_admin(line)
        except BadCommand:
            print(admin_help(settings.lang, not_understood=True), file=out)
            return 2
        print(await app.conversation.operate(chat, line), file=out)
        return 0
    finally:
        await app.aclose()


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"
