"""The job store in PostgreSQL: the ledger several instances share (``VIDEOBOT_DATABASE_URL``).

psycopg 3's async driver with its connection pool, on the event loop (no worker thread). Every call
is one transaction, committed before it returns. Admission takes advisory locks on the user and the
chat for its transaction, so limits, queues and budgets hold whichever instance admits; the inbound
claim and the one-job-per-message rule are constraints.

**Leases.** Each unfinished job is held by the instance that last wrote it, until ``lease_until``
(now + ``lease_s``). The instance renews its hold on all its jobs every third of that
(:meth:`renew_leases`); when it dies, its jobs are free once the lease runs out and the next
:meth:`take_over` of another instance (``SELECT ... FOR UPDATE SKIP LOCKED``) claims them, to resume
them exactly as a restart would. A write to a job another live instance holds changes nothing and
raises :class:`~handlers.jobs.JobLeased`: two instances never both work one job, so a create is
never sent twice. A clean stop (:meth:`close`) lets go of its jobs at once. A queued job is held by
no one: whichever instance frees a place of its user promotes it, and every :meth:`take_over` hands
the queued jobs back, so each instance tries again to start them (under the user's advisory lock).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Collection
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, TypeVar

from psycopg import AsyncConnection

from handlers.budgets import Budget, Charge, Period, Scope, Usage
from handlers.controls import AuditEntry, Control, ControlKey
from handlers.jobs import Admission, Job, JobEvent, JobState, LedgerFigures, Milestones
from handlers.ledger import queries as rows
from handlers.ledger.errors import LedgerError
from handlers.ledger.postgres import locks, money, queries
from handlers.ledger.postgres.database import Database
from handlers.ledger.postgres.queries import FINAL, Lease

T = TypeVar("T")
Conn = AsyncConnection[Any]
DEFAULT_LEASE_S = 30.0


def instance_name() -> str:
    """This process's name in the leases: host, pid and a random part (a pid is reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class PostgresJobStore:
    """A :class:`~handlers.jobs.JobStore` in PostgreSQL, shared by several instances."""

    shared = True

    def __init__(
        self, database: Database, *, owner: str | None = None, lease_s: float = DEFAULT_LEASE_S
    ) -> None:
        self.database = database  # shared with the preferences (prefs.postgres); closed with this store
        self._lease = Lease(owner or instance_name(), lease_s)
        self._closed = False

    @classmethod
    async def open(
        cls, url: str, *, lease_s: float = DEFAULT_LEASE_S, owner: str | None = None
    ) -> PostgresJobStore:
        """Connect and bring the schema up to date now, so an unreachable or too new database fails at
        start, not mid-job."""
        database = Database(url)
        await database.open()
        return cls(database, owner=owner, lease_s=lease_s)

    @property
    def where(self) -> str:
        return self.database.where

    async def add(self, job: Job) -> None:
        await self.save(job)

    async def admit(
        self, job: Job, *, max_working: int, charge: Charge | None = None, max_queued: int = 0
    ) -> Admission:
        candidate = rows.Candidate.of(job)
        return await self._run(
            lambda conn: queries.admit_job(conn, candidate, self._lease, max_working, max_queued, charge)
        )

    async def promote(self, user_key: str, *, max_working: int) -> Job | None:
        row = await self._run(lambda conn: queries.promote_job(conn, user_key, max_working, self._lease))
        return None if row is None else await self.get(row.id)

    async def save(self, job: Job) -> None:
        row, milestones = rows.JobRow.of(job), Milestones.of(job)
        await self._run(lambda conn: queries.write_job(conn, row, milestones, self._lease))

    async def get(self, job_id: str, *, photos: bool = True) -> Job | None:
        return await self._run(lambda conn: queries.get_job(conn, job_id, photos=photos))

    async def by_inbound(self, inbound_key: str) -> Job | None:
        return await self._run(lambda conn: queries.job_by_inbound(conn, inbound_key))

    async def active(self, user_key: str | None = None) -> list[Job]:
        return await self._run(lambda conn: queries.active_jobs(conn, user_key))

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

    # -- leases -----------------------------------------------------------------------------------

    async def take(self, job_id: str, *, when: Collection[JobState], photos: bool = True) -> Job | None:
        async def take(conn: Conn) -> Job | None:
            await conn.execute(
                """UPDATE jobs SET owner = %s, lease_until = now() + make_interval(secs => %s)
                WHERE id = %s AND state = ANY(%s)""",
                (self._lease.owner, self._lease.seconds, job_id, [state.value for state in when]),
            )
            return await queries.get_job(conn, job_id, photos=photos)

        return await self._run(take)

    async def take_over(self, platforms: Collection[str], user_key: str | None = None) -> list[Job]:
        async def claim(conn: Conn) -> list[Job]:
            cursor = await conn.execute(
                f"""WITH free AS (
                    SELECT id FROM jobs
                    WHERE state <> ALL(%(final)s)
                      AND (owner IS NULL OR (owner <> %(me)s AND lease_until < now()))
                      AND record->'chat'->>'platform' = ANY(%(platforms)s)
                      {"AND user_key = %(user)s" if user_key is not None else ""}
                    FOR UPDATE SKIP LOCKED)
                UPDATE jobs SET
                    owner = CASE WHEN jobs.state = %(queued)s THEN NULL ELSE %(me)s END,
                    lease_until = CASE WHEN jobs.state = %(queued)s THEN NULL
                                       ELSE now() + make_interval(secs => %(lease_s)s) END
                FROM free WHERE jobs.id = free.id
                RETURNING jobs.created_at, jobs.seq, jobs.record::text""",
                {
                    "final": FINAL,
                    "queued": JobState.QUEUED.value,
                    "me": self._lease.owner,
                    "platforms": list(platforms),
                    "user": user_key,
                    "lease_s": self._lease.seconds,
                },
            )
            found = sorted(await cursor.fetchall())
            return [await queries.with_photos(conn, Job.model_validate_json(record)) for *_, record in found]

        return await self._run(claim)

    def hold(self, name: str) -> AbstractAsyncContextManager[asyncio.Event]:
        every_s = self._lease.seconds / 3  # a dead holder's lock is free once its session is gone
        return locks.held(self.database, f"videobot:{name}", retry_s=every_s, check_s=every_s)

    async def renew_leases(self) -> frozenset[str]:
        async def renew(conn: Conn) -> frozenset[str]:
            cursor = await conn.execute(
                """UPDATE jobs SET lease_until = now() + make_interval(secs => %s)
                WHERE owner = %s AND state <> ALL(%s) RETURNING id""",
                (self._lease.seconds, self._lease.owner, FINAL),
            )
            return frozenset(job_id for (job_id,) in await cursor.fetchall())

        return await self._run(renew)

    async def release_leases(self) -> int:
        """Let go of this instance's unfinished jobs: another instance (or the next start) takes them."""

        async def release(conn: Conn) -> int:
            cursor = await conn.execute(
                "UPDATE jobs SET owner = NULL, lease_until = NULL WHERE owner = %s AND state <> ALL(%s)",
                (self._lease.owner, FINAL),
            )
            return cursor.rowcount

        return await self._run(release)

    # -- money and admin --------------------------------------------------------------------------

    async def usage(self, scope: Scope, key: str, budget: Budget, now: datetime) -> Usage:
        return await self._run(lambda conn: money.usage(conn, scope, key, budget, now))

    async def set_limit(
        self, scope: Scope, key: str, period: Period | None, millicents: int | None, entry: AuditEntry
    ) -> None:
        await self._run(lambda conn: money.set_limit(conn, scope, key, period, millicents, entry))

    async def set_control(self, kind: Control, key: str, value: str | None, entry: AuditEntry) -> None:
        await self._run(lambda conn: money.set_control(conn, kind, key, value, entry))

    async def controls(self) -> dict[ControlKey, str]:
        return await self._run(money.controls)

    async def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        return await self._run(lambda conn: money.audit_log(conn, limit))

    async def figures(self) -> LedgerFigures:
        return await self._run(queries.figures)

    async def close(self) -> None:
        """Let go of this instance's jobs, then close the database. Safe to call twice."""
        if self._closed:
            return
        try:
            with contextlib.suppress(LedgerError):  # unreachable: the leases run out by themselves
                await self.release_leases()
        finally:
            self._closed = True
            await self.database.close()

    async def _run(self, work: Callable[[Conn], Awaitable[T]]) -> T:
        if self._closed:
            raise LedgerError(self.where, "is closed")
        async with self.database.connection() as conn:
            return await work(conn)
