"""The durable job store: one SQLite file, read and written off the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from handlers.budgets import Budget, Charge, Period, Scope, Usage
from handlers.controls import AuditEntry, Control, ControlKey
from handlers.jobs import FINAL_STATES, Admission, Job, JobEvent, JobState, LedgerFigures, Milestones
from handlers.ledger import queries, spending
from handlers.ledger.batches import Batcher, Outcome, Work, run_together
from handlers.ledger.errors import LedgerError, ledger_error
from handlers.ledger.schema import connect
from handlers.timing import utc_now

T = TypeVar("T")

DEFAULT_BUSY_TIMEOUT_S = 5.0
_FINAL = frozenset(state.value for state in FINAL_STATES)


class SqliteJobStore:
    """A :class:`~handlers.jobs.JobStore` in one SQLite file (WAL, ``synchronous=NORMAL``).

    One connection, owned by one worker thread: calls queue there in order and never block the event loop;
    calls that arrive together go as one batch, one commit (:mod:`handlers.ledger.batches`).
    Every write is one transaction, committed before the call returns, so a job recorded before the
    provider's create survives the process being killed (see :mod:`handlers.ledger.schema`). A job
    is serialised on the loop when saved, so later changes to it cannot race the write. Every sqlite3
    failure surfaces as :class:`LedgerError` naming the file.

    The process holding the data directory's lock is the only one that writes jobs, so the record of
    each unfinished job it saved is also kept here (text, never photo bytes): the polls and progress
    ticks of thousands of running jobs read it without a trip to the worker thread.

    Several instances on one ledger need the PostgreSQL store (:mod:`handlers.ledger.postgres`).
    """

    shared = False  # one process per data directory (bot.lifecycle): no leases

    def __init__(self, path: Path, *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S) -> None:
        self.path = path
        self._busy_timeout_s = busy_timeout_s
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger")
        self._conn: sqlite3.Connection | None = None  # touched on the worker thread only
        self._closed = False
        self._batches = Batcher(self._worker, self._on_worker)
        self._unfinished: dict[str, str] = {}  # job id -> its record as last saved (no photo bytes)

    @classmethod
    async def open(cls, path: Path, *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S) -> SqliteJobStore:
        """Open (or create) the ledger now, so a damaged or locked file fails at start, not mid-job."""
        store = cls(path, busy_timeout_s=busy_timeout_s)
        try:
            await store._run(lambda _: None)
        except BaseException:
            await store.close()
            raise
        return store

    async def add(self, job: Job) -> None:
        await self.save(job)

    async def admit(
        self, job: Job, *, max_working: int, charge: Charge | None = None, max_queued: int = 0
    ) -> Admission:
        candidate = queries.Candidate.of(job)
        at = utc_now()
        admission = await self._run(
            lambda conn: queries.admit_job(conn, candidate, at, max_working, max_queued, charge)
        )
        if admission.admitted:
            self._remember(candidate.row if admission.position is None else candidate.queued_row)
        return admission

    async def promote(self, user_key: str, *, max_working: int) -> Job | None:
        at = utc_now()
        row = await self._run(lambda conn: queries.promote_job(conn, user_key, max_working, at))
        if row is None:
            return None
        self._remember(row)
        return Job.model_validate_json(row.record)

    async def save(self, job: Job) -> None:
        row, milestones, at = queries.JobRow.of(job), Milestones.of(job), utc_now()
        try:
            await self._run(lambda conn: queries.write_job(conn, row, milestones, at))
        except BaseException:
            self._unfinished.pop(row.id, None)  # the file decides what was saved
            raise
        self._remember(row)  # what is read is what was committed

    async def get(self, job_id: str, *, photos: bool = True) -> Job | None:
        record = self._unfinished.get(job_id)
        if record is not None and (not photos or not queries.names_photos(record)):
            return Job.model_validate_json(record)
        return await self._run(lambda conn: queries.get_job(conn, job_id, photos=photos))

    def _remember(self, row: queries.JobRow) -> None:
        if row.finished_at is None and row.state not in _FINAL:
            self._unfinished[row.id] = row.record
        else:
            self._unfinished.pop(row.id, None)

    async def by_inbound(self, inbound_key: str) -> Job | None:
        return await self._run(lambda conn: queries.job_by_inbound(conn, inbound_key))

    async def active(self, user_key: str | None = None) -> list[Job]:
        return await self._run(lambda conn: queries.active_jobs(conn, user_key))

    async def take(self, job_id: str, *, when: Collection[JobState], photos: bool = True) -> Job | None:
        return await self.get(job_id, photos=photos)

    async def take_over(self, platforms: Collection[str], user_key: str | None = None) -> list[Job]:
        return [job for job in await self.active(user_key) if job.chat.platform in platforms]

    async def renew_leases(self) -> frozenset[str]:
        return await self._run(queries.unfinished_ids)

    @asynccontextmanager
    async def hold(self, name: str) -> AsyncIterator[asyncio.Event]:
        yield asyncio.Event()  # one process per data directory: every lock is ours

    async def latest(self, user_key: str) -> Job | None:
        return await self._run(lambda conn: queries.latest_job(conn, user_key))

    async def claim_inbound(self, inbound_key: str, now: datetime) -> bool:
        return await self._run(lambda conn: queries.claim_inbound(conn, inbound_key, now))

    async def recent(
        self, *, state: JobState | None = None, user_key: str | None = None, limit: int = 50
    ) -> list[Job]:
        return await self._run(lambda conn: queries.recent_jobs(conn, state, user_key, limit))

    async def history(self, job_id: str) -> list[JobEvent]:
        return await self._run(lambda conn: queries.job_history(conn, job_id))

    async def prune(self, *, finished_before: datetime, inbound_before: datetime) -> int:
        return await self._run(lambda conn: queries.prune(conn, finished_before, inbound_before))

    # -- money and admin (handlers.budgets, handlers.controls) -------------------------------------

    async def usage(self, scope: Scope, key: str, budget: Budget, now: datetime) -> Usage:
        return await self._run(lambda conn: spending.usage(conn, scope, key, budget, now))

    async def set_limit(
        self, scope: Scope, key: str, period: Period | None, millicents: int | None, entry: AuditEntry
    ) -> None:
        await self._run(lambda conn: spending.set_limit(conn, scope, key, period, millicents, entry))

    async def set_control(self, kind: Control, key: str, value: str | None, entry: AuditEntry) -> None:
        await self._run(lambda conn: spending.set_control(conn, kind, key, value, entry))

    async def controls(self) -> dict[ControlKey, str]:
        return await self._run(spending.controls)

    async def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        return await self._run(lambda conn: spending.audit_log(conn, limit))

    async def figures(self) -> LedgerFigures:
        return await self._run(queries.figures)

    async def close(self) -> None:
        """Close the connection and stop the worker. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        await self._batches.idle()
        await asyncio.get_running_loop().run_in_executor(self._worker, self._disconnect)
        self._worker.shutdown()

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        if self._closed:
            raise LedgerError(self.path, "is closed")
        result: T = await self._batches.call(work)
        return result

    def _on_worker(self, works: list[Work]) -> list[Outcome]:
        try:
            if self._conn is None:
                self._conn = connect(self.path, busy_timeout_s=self._busy_timeout_s)
            outcomes = run_together(self._conn, works)
        except sqlite3.Error as exc:
            raise ledger_error(self.path, exc, busy_timeout_s=self._busy_timeout_s) from exc
        return [self._as_ledger_error(outcome) for outcome in outcomes]

    def _as_ledger_error(self, outcome: Outcome) -> Outcome:
        if not isinstance(outcome.error, sqlite3.Error):
            return outcome
        error = ledger_error(self.path, outcome.error, busy_timeout_s=self._busy_timeout_s)
        error.__cause__ = outcome.error
        return Outcome(error=error)

    def _disconnect(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
