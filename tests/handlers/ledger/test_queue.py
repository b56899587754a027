"""The queue in the ledger: admission over the limit records a queued job in the same transaction as
the checks; promotion hands a free place to the oldest queued job, once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from handlers.budgets import SpendState
from handlers.jobs import JobState, JobStore
from tests.handlers.ledger.factory import make_job, quote_for
from tests.handlers.ledger.stores import opened_store


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[JobStore]:
    async with opened_store(request, tmp_path) as opened:
        yield opened


async def test_over_the_limit_jobs_are_queued_in_order_up_to_the_cap(store: JobStore) -> None:
    jobs = [make_job(number) for number in range(1, 5)]
    admissions = [await store.admit(job, max_working=1, max_queued=2) for job in jobs]
    assert [(a.admitted, a.position) for a in admissions] == [
        (True, None),
        (True, 1),
        (True, 2),
        (False, None),
    ]
    assert admissions[3].busy
    assert {job.state for job in jobs} == {JobState.RECEIVED}, "the flow moves its own copy (to queued)"
    stored = [await store.get(job.id) for job in jobs[:3]]
    assert [job.state if job else None for job in stored] == [
        JobState.RECEIVED,
        JobState.QUEUED,
        JobState.QUEUED,
    ]
    assert stored[1] is not None and stored[1].spend is SpendState.RESERVED  # the money is held
    assert await store.get(jobs[3].id) is None


async def test_promotion_takes_the_oldest_queued_job_once_a_place_is_free(store: JobStore) -> None:
    first, second, third = (make_job(number) for number in range(1, 4))
    second.quote = quote_for(second)
    for job in (first, second, third):
        await store.admit(job, max_working=1, max_queued=5)
    assert await store.promote("cli:alice", max_working=1) is None  # the first still works
    first.advance(JobState.FAILED)
    await store.save(first)
    promoted = await asyncio.gather(*(store.promote("cli:alice", max_working=1) for _ in range(3)))
    moved = [job for job in promoted if job is not None]
    assert [job.id for job in moved] == [second.id]  # one place, one job, whatever the race
    assert moved[0].state is JobState.QUOTED  # it had a quote; without one it would be received
    assert (await store.get(third.id)).state is JobState.QUEUED  # type: ignore[union-attr]
