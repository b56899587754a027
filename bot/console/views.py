"""Ledger records as the console's JSON: what an operator reads about a job."""

from __future__ import annotations

from typing import Any

from handlers.jobs import Job, JobEvent
from providers.balances import Balance


def job_row(job: Job) -> dict[str, Any]:
    quote = job.quote
    return {
        "id": job.id,
        "state": job.state.value,
        "user": job.user_key,
        "chat": f"{job.chat.platform}:{job.chat.chat_id}",
        "provider": job.provider,
        "model": job.model_name,
        "credits": quote.credits if quote else None,
        "unit": quote.unit.value if quote else None,
        "created": job.created_at.isoformat(),
        "prompt": job.request.prompt,
    }


def job_detail(job: Job, events: list[JobEvent]) -> dict[str, Any]:
    return job_row(job) | {
        "task": job.request.task_type.value,
        "task_id": job.handle.task_id if job.handle else None,
        "error": job.error_kind.value if job.error_kind else None,
        "video": job.video_url,
        "spend": job.spend.value,
        "steps": sorted(step.value for step in job.delivered),
        "history": [
            {"at": event.at.isoformat(), "state": event.state.value, "note": event.note} for event in events
        ],
    }


def balance_row(balance: Balance) -> dict[str, Any]:
    return {"provider": balance.provider, "amount": balance.amount, "unit": balance.unit.value}
