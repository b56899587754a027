"""Calls that arrive together share one transaction: each still gets its own answer or error."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.jobs import DuplicateJob, JobState
from handlers.ledger import SqliteJobStore
from handlers.ledger.batches import Outcome, Work, run_together
from handlers.ledger.errors import LedgerError
from tests.handlers.ledger.factory import make_job


class CountedStore(SqliteJobStore):
    """The real store, noting how many batches went to its worker thread and how big they were."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.batches: list[int] = []

    def _on_worker(self, works: list[Work]) -> list[Outcome]:
        self.batches.append(len(works))
        return super()._on_worker(works)


async def test_calls_made_together_share_trips_and_each_is_committed(tmp_path: Path) -> None:
    store = CountedStore(tmp_path / "jobs.db")
    jobs = [make_job(number) for number in range(200)]
    try:
        await asyncio.gather(*(store.add(job) for job in jobs))
    finally:
        await store.close()
    assert sum(store.batches) == 200 and len(store.batches) < 20
    reopened = await SqliteJobStore.open(tmp_path / "jobs.db")
    try:
        assert [await reopened.get(job.id) for job in jobs] == jobs
    finally:
        await reopened.close()


async def test_one_failing_call_undoes_only_its_own_writes(tmp_path: Path) -> None:
    store = await SqliteJobStore.open(tmp_path / "jobs.db")
    first, twin, other = make_job(1), make_job(2, inbound_key="cli:alice-1"), make_job(3)
    try:
        await store.add(first)
        answers = await asyncio.gather(store.add(twin), store.add(other), return_exceptions=True)
        assert isinstance(answers[0], DuplicateJob) and answers[1] is None
        assert await store.get(twin.id) is None and await store.get(other.id) == other
        other.advance(JobState.QUOTED)  # the transaction was whole: later calls work
        await store.save(other)
        assert (await store.get(other.id)) == other
    finally:
        await store.close()


async def test_a_batch_that_cannot_commit_fails_every_call_in_it_then_clears(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    store = await SqliteJobStore.open(path, busy_timeout_s=0.05)
    jobs = [make_job(number) for number in range(5)]
    holder = sqlite3.connect(path, isolation_level=None)  # another process holds the write lock
    holder.execute("BEGIN EXCLUSIVE")
    try:
        answers = await asyncio.gather(*(store.add(job) for job in jobs), return_exceptions=True)
        assert all(isinstance(answer, LedgerError) for answer in answers)
    finally:
        holder.rollback()
        holder.close()
    try:
        await asyncio.gather(*(store.add(job) for job in jobs))
        assert [await store.get(job.id) for job in jobs] == jobs
    finally:
        await store.close()


async def test_a_closed_store_refuses_calls(tmp_path: Path) -> None:
    store = await SqliteJobStore.open(tmp_path / "jobs.db")
    await store.close()
    with pytest.raises(LedgerError, match="closed"):
        await store.get("job_x")


def _writes(numbers: tuple[int, ...], fails: bool) -> Work:
    """A call that records ``numbers``, then fails if told to (after its writes)."""

    def work(conn: sqlite3.Connection) -> tuple[int, ...]:
        conn.executemany("INSERT INTO seen VALUES (?)", [(number,) for number in numbers])
        if fails:
            raise ValueError(numbers)
        return numbers

    return work


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(0, 999), max_size=3).map(tuple), st.booleans()), max_size=6))
def test_a_batch_keeps_exactly_the_writes_of_the_calls_that_succeeded(
    calls: list[tuple[tuple[int, ...], bool]],
) -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE seen (number INTEGER)")
    outcomes = run_together(conn, [_writes(numbers, fails) for numbers, fails in calls])
    kept = sorted(number for (numbers, fails) in calls if not fails for number in numbers)
    assert sorted(row[0] for row in conn.execute("SELECT number FROM seen")) == kept
    assert [outcome.error is not None for outcome in outcomes] == [fails for _, fails in calls]
    assert [o.value for o in outcomes if o.error is None] == [n for n, fails in calls if not fails]
    assert not conn.in_transaction
