"""Several instances on one PostgreSQL ledger: each job is worked by one, a dead one's jobs move on,
admission holds its limits and budgets whichever instance admits (a real server, two stores)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from handlers.budgets import Budget, Charge, Limits
from handlers.jobs import Job, JobLeased, JobState
from handlers.ledger.errors import LedgerError
from handlers.ledger.postgres import PostgresJobStore
from handlers.timing import utc_now
from tests.handlers.ledger.factory import EPOCH, make_job, quote_for

SHORT_LEASE_S = 0.5
CLI = {"cli"}


@pytest.fixture
async def pair(postgres_url: str) -> AsyncIterator[tuple[PostgresJobStore, PostgresJobStore]]:
    first = await PostgresJobStore.open(postgres_url, owner="a", lease_s=SHORT_LEASE_S)
    second = await PostgresJobStore.open(postgres_url, owner="b", lease_s=SHORT_LEASE_S)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


def quoted(number: int, user: str = "alice") -> Job:
    job = make_job(number, user=user)
    job.quote = quote_for(job)
    job.advance(JobState.QUOTED)
    return job


async def test_a_job_held_by_a_live_instance_is_neither_taken_nor_written(
    pair: tuple[PostgresJobStore, PostgresJobStore],
) -> None:
    a, b = pair
    job = quoted(1)
    await a.add(job)
    assert await b.take_over(CLI) == []
    job.advance(JobState.NOTIFIED)
    with pytest.raises(JobLeased) as raised:
        await b.save(job)
    assert raised.value.job_id == job.id
    stored = await a.get(job.id)
    assert stored is not None and stored.state is JobState.QUOTED, "the refused write changed nothing"


async def test_a_dead_instance_s_jobs_are_taken_over_once_its_lease_runs_out(
    pair: tuple[PostgresJobStore, PostgresJobStore],
) -> None:
    a, b = pair
    jobs = [quoted(n) for n in range(1, 4)]
    for job in jobs:
        await a.add(job)
    await asyncio.sleep(SHORT_LEASE_S + 0.2)  # "a" stopped renewing: it died
    taken = await b.take_over(CLI)
    assert [job.id for job in taken] == [job.id for job in jobs], "oldest first, each once"
    assert await b.take_over(CLI) == [], "b holds them now"
    jobs[0].advance(JobState.NOTIFIED)
    with pytest.raises(JobLeased):
        await a.save(jobs[0])  # "a" was only paused: its late write is refused, b's work stands
    taken[0].advance(JobState.NOTIFIED)
    await b.save(taken[0])


async def test_renewing_keeps_the_jobs(pair: tuple[PostgresJobStore, PostgresJobStore]) -> None:
    a, b = pair
    job = quoted(1)
    await a.add(job)
    for _ in range(4):
        await asyncio.sleep(SHORT_LEASE_S / 3)
        assert await a.renew_leases() == {job.id}
        assert await b.take_over(CLI) == []


async def test_a_clean_stop_lets_go_at_once(postgres_url: str) -> None:
    a = await PostgresJobStore.open(postgres_url, owner="a", lease_s=60)
    b = await PostgresJobStore.open(postgres_url, owner="b", lease_s=60)
    try:
        job = quoted(1)
        await a.add(job)
        finished = quoted(2)
        await a.add(finished)
        finished.advance(JobState.FAILED)
        await a.save(finished)
        await a.close()
        assert [taken.id for taken in await b.take_over(CLI)] == [job.id]
    finally:
        await a.close()
        await b.close()


async def test_take_over_is_by_platform_and_user_and_never_shared(postgres_url: str) -> None:
    stores = [await PostgresJobStore.open(postgres_url, owner=f"i{n}", lease_s=60) for n in range(4)]
    try:
        jobs = [quoted(n, user=f"u{n % 3}") for n in range(30)]
        for job in jobs:
            await stores[0].add(job)
        await stores[0].release_leases()
        assert await stores[1].take_over({"feishu"}) == []
        mine = await stores[1].take_over(CLI, user_key="cli:u0")
        assert {job.user_key for job in mine} == {"cli:u0"} and len(mine) == 10
        rest = await asyncio.gather(*(store.take_over(CLI) for store in stores[1:]))
        ids = [job.id for found in rest for job in found]
        assert len(ids) == 20 and len(set(ids)) == 20, "SKIP LOCKED: each job to exactly one instance"
    finally:
        for store in stores:
            await store.close()


async def test_queued_jobs_are_held_by_no_one_and_promoted_by_any_instance(
    pair: tuple[PostgresJobStore, PostgresJobStore],
) -> None:
    a, b = pair
    first, second = make_job(1), make_job(2)
    assert (await a.admit(first, max_working=1, max_queued=1)).admitted
    assert (await a.admit(second, max_working=1, max_queued=1)).position == 1
    assert [job.id for job in await b.take_over(CLI)] == [second.id], "handed out, not held"
    first.advance(JobState.CANCELLED)
    await a.save(first)
    promoted = await b.promote(first.user_key, max_working=1)
    assert promoted is not None and promoted.id == second.id and promoted.state is JobState.RECEIVED
    promoted.advance(JobState.QUOTED)
    with pytest.raises(JobLeased):
        await a.save(promoted)  # b promoted it: b works it


async def test_admission_holds_the_limit_and_the_budget_across_instances(
    pair: tuple[PostgresJobStore, PostgresJobStore],
) -> None:
    budget = Budget(Limits(user_day=None, user_month=None, chat_day=100_000, chat_month=None, job=None))
    jobs = [make_job(n, user=f"u{n}", created_at=EPOCH) for n in range(20)]
    for job in jobs:
        job.chat = job.chat.model_copy(update={"space": "team"})
        job.cost = 30_000

    async def admit(store: PostgresJobStore, job: Job) -> bool:
        chat = job.chat.space_key
        charge = Charge(user=job.user_key, chat=chat, millicents=job.cost, at=job.created_at, budget=budget)
        return (await store.admit(job, max_working=5, charge=charge)).admitted

    admitted = await asyncio.gather(*(admit(pair[n % 2], job) for n, job in enumerate(jobs)))
    assert sum(admitted) == 3, "the chat's 1,000-cent day holds three 300-cent jobs, whoever admits"

    same_user = [make_job(100 + n, user="kim") for n in range(10)]
    admissions = await asyncio.gather(
        *(pair[n % 2].admit(job, max_working=2, max_queued=3) for n, job in enumerate(same_user))
    )
    assert sum(a.admitted and a.position is None for a in admissions) == 2
    assert sorted(a.position for a in admissions if a.position) == [1, 2, 3]


async def test_one_inbound_claim_across_instances(pair: tuple[PostgresJobStore, PostgresJobStore]) -> None:
    now = utc_now()
    claims = await asyncio.gather(*(pair[n % 2].claim_inbound("feishu:om_1", now) for n in range(10)))
    assert claims.count(True) == 1


async def test_an_unreachable_database_is_one_clear_error() -> None:
    with pytest.raises(LedgerError) as raised:
        await PostgresJobStore.open("postgresql://videobot:s3cret@127.0.0.1:1/nowhere")
    assert "127.0.0.1:1/nowhere" in str(raised.value) and "s3cret" not in str(raised.value)


async def test_prune_and_history_work_across_the_lease_columns(
    pair: tuple[PostgresJobStore, PostgresJobStore],
) -> None:
    a, _ = pair
    job = quoted(1)
    await a.add(job)
    job.advance(JobState.FAILED)
    await a.save(job)
    assert [event.state for event in await a.history(job.id)] == [JobState.QUOTED, JobState.FAILED]
    removed = await a.prune(finished_before=utc_now() + timedelta(days=1), inbound_before=utc_now())
    assert removed == 1 and await a.get(job.id) is None


async def test_a_user_s_action_takes_the_job_unless_its_create_is_under_way(
    pair: tuple[PostgresJobStore, PostgresJobStore],
) -> None:
    a, b = pair
    running, submitting = quoted(1), quoted(2)
    for job in (running, submitting):
        job.advance(JobState.NOTIFIED)
        job.advance(JobState.SUBMITTING)
        await a.add(job)
    acting_on = {JobState.NOTIFIED, JobState.RUNNING}  # never a create under way (SUBMITTING)
    left = await b.take(submitting.id, when=acting_on)
    assert left is not None and left.state is JobState.SUBMITTING
    with pytest.raises(JobLeased):
        await b.save(left)  # a's create is under way: the job stays a's
    assert await b.take("job_unknown", when=acting_on) is None

    running.advance(JobState.RUNNING)
    await a.save(running)
    taken = await b.take(running.id, when=acting_on)
    assert taken is not None and taken.state is JobState.RUNNING
    taken.advance(JobState.CANCELLED)
    await b.save(taken)
    running.advance(JobState.LATE)
    with pytest.raises(JobLeased):
        await a.save(running)  # a lets it go at its next write
    stored = await a.get(running.id)
    assert stored is not None and stored.state is JobState.CANCELLED
