"""Operator commands: ``videobot jobs`` (recent jobs, one job's history), ``videobot credits``."""

from __future__ import annotations

from typing import TextIO

from bot.providers import build_providers
from bot.settings import Settings
from handlers.jobs import Job, JobState, JobStore
from handlers.ledger import SqliteJobStore
from handlers.timing import utc_now
from messages import operator as text
from providers.balances import balances
from providers.types import CreditUnit


async def list_jobs(
    settings: Settings, out: TextIO, *, state: JobState | None, user: str | None, limit: int = 50
) -> int:
    store = await SqliteJobStore.open(settings.ledger_path)
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
    store: JobStore = await SqliteJobStore.open(settings.ledger_path)
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
