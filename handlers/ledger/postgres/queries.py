"""The PostgreSQL ledger's job statements, as functions of an async connection.

The same rows as the SQLite ledger (:class:`handlers.ledger.queries.JobRow`), with each write fenced
by the job's lease: a job another live instance works is not written here (:class:`JobLeased`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection, AsyncCursor, errors

from handlers.budgets import Charge, SpendState
from handlers.jobs import (
    FINAL_STATES,
    WORKING_STATES,
    Admission,
    DuplicateJob,
    Job,
    JobEvent,
    JobLeased,
    JobState,
    LedgerFigures,
    Milestones,
    Step,
)
from handlers.ledger.postgres import money
from handlers.ledger.queries import SPEND_KEPT, Candidate, JobRow, held_photos, with_photo_bytes
from providers.errors import ErrorKind

Conn = AsyncConnection[Any]
FINAL = sorted(state.value for state in FINAL_STATES)
WORKING = sorted(state.value for state in WORKING_STATES)
_UPSERT_JOB = """
    INSERT INTO jobs (id, inbound_key, user_key, state, created_at, updated_at, finished_at, owner,
                      lease_until, record)
    VALUES (%(id)s, %(inbound_key)s, %(user_key)s, %(state)s, %(created_at)s::timestamptz,
            %(updated_at)s::timestamptz, %(finished_at)s::timestamptz, %(owner)s,
            CASE WHEN %(owner)s::text IS NULL THEN NULL ELSE now() + make_interval(secs => %(lease_s)s) END,
            %(record)s::jsonb)
    ON CONFLICT (id) DO UPDATE SET
        state = excluded.state, updated_at = excluded.updated_at, finished_at = excluded.finished_at,
        owner = excluded.owner, lease_until = excluded.lease_until, record = excluded.record"""
_MILESTONES = """
    SELECT state, record->'delivered', record->'handle'->>'task_id', record->>'status_message_id',
           record->>'error_kind', owner, lease_until > now()
    FROM jobs WHERE id = %s FOR UPDATE"""


class Lease:
    """Who writes (this instance's id) and for how long a write holds the job (real seconds)."""

    def __init__(self, owner: str, seconds: float) -> None:
        self.owner = owner
        self.seconds = seconds


async def admit_job(
    conn: Conn, job: Candidate, lease: Lease, max_working: int, max_queued: int, charge: Charge | None
) -> Admission:
    """As :func:`handlers.ledger.queries.admit_job`, across instances: the user's and the chat's
    admissions take turns on advisory locks for the transaction, so limits and budgets hold."""
    async with conn.transaction():
        await lock_keys(conn, job.row.user_key, charge.chat if charge else None)
        if charge is not None and (barred := await money.barred(conn, charge)) is not None:
            return Admission(admitted=False, barred=barred)
        user = job.row.user_key
        working = await count_jobs(conn, user, WORKING)
        queued = await count_jobs(conn, user, [JobState.QUEUED.value]) if working >= max_working else 0
        if working >= max_working and queued >= max_queued:
            return Admission(admitted=False)
        if charge is not None and (over := await money.over_budget(conn, charge)) is not None:
            return Admission(admitted=False, over_budget=over)
        if working >= max_working:
            await write(conn, job.queued_row, job.queued_milestones, lease)
            return Admission(admitted=True, position=queued + 1)
        await write(conn, job.row, job.milestones, lease)
        return Admission(admitted=True)


async def promote_job(conn: Conn, user_key: str, max_working: int, lease: Lease) -> JobRow | None:
    async with conn.transaction():
        await lock_keys(conn, user_key, None)
        if await count_jobs(conn, user_key, WORKING) >= max_working:
            return None
        cursor = await conn.execute(
            """SELECT record::text FROM jobs WHERE user_key = %s AND state = %s
            ORDER BY created_at, seq LIMIT 1 FOR UPDATE""",
            (user_key, JobState.QUEUED.value),
        )
        found = await cursor.fetchone()
        if found is None:
            return None
        job = Job.model_validate_json(found[0])
        job.advance(JobState.QUOTED if job.quote is not None else JobState.RECEIVED)
        row = JobRow.of(job)
        await write(conn, row, Milestones.of(job), lease)
        return row


async def lock_keys(conn: Conn, user_key: str, chat_key: str | None) -> None:
    """Advisory locks (this transaction's) on a user and a chat, always in one order: no deadlock."""
    for key in sorted({f"user:{user_key}", *([f"chat:{chat_key}"] if chat_key else [])}):
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))


async def count_jobs(conn: Conn, user_key: str, states: Sequence[str]) -> int:
    cursor = await conn.execute(
        "SELECT count(*) FROM jobs WHERE user_key = %s AND state = ANY(%s)", (user_key, list(states))
    )
    found = await cursor.fetchone()
    return int(found[0]) if found else 0


async def write_job(conn: Conn, row: JobRow, milestones: Milestones, lease: Lease) -> None:
    async with conn.transaction():
        await write(conn, row, milestones, lease)


async def write(conn: Conn, row: JobRow, milestones: Milestones, lease: Lease) -> None:
    """Insert or update a job (taking its lease), with its spend row, photos and history event."""
    cursor = await conn.execute(_MILESTONES, (row.id,))
    found = await cursor.fetchone()
    before = None
    if found is not None:
        state, delivered, task_id, status_message_id, error_kind, owner, live = found
        if owner not in (None, lease.owner) and (live or state in FINAL):
            raise JobLeased(row.id)  # another instance works it, or ended it: never written over
        before = Milestones(
            state=JobState(state),
            delivered=frozenset(Step(step) for step in delivered or ()),
            task_id=task_id,
            status_message_id=status_message_id,
            error_kind=ErrorKind(error_kind) if error_kind else None,
        )
    values = {
        "id": row.id,
        "inbound_key": row.inbound_key,
        "user_key": row.user_key,
        "state": row.state,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "finished_at": row.finished_at,
        "owner": None if row.state == JobState.QUEUED.value else lease.owner,  # any instance may promote it
        "lease_s": lease.seconds,
        "record": row.record,
    }
    note = milestones.note_since(before)
    try:
        async with conn.pipeline():  # one round trip for the writes (they depend on nothing read back)
            await conn.execute(_UPSERT_JOB, values)
            await money.write_spend(conn, row)
            for digest, data in row.photos:
                await conn.execute(
                    "INSERT INTO photos (digest, data) VALUES (%s, %s) ON CONFLICT DO NOTHING", (digest, data)
                )
                await conn.execute(
                    "INSERT INTO job_photos (job_id, digest) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                    (row.id, digest),
                )
            if note is not None:
                await conn.execute(
                    "INSERT INTO job_events (job_id, at, state, note) VALUES (%s, now(), %s, %s)",
                    (row.id, row.state, note),
                )
    except errors.UniqueViolation as exc:  # the primary key is upserted: only the inbound key is left
        raise DuplicateJob(f"{row.inbound_key} already made a job other than {row.id}") from exc


async def get_job(conn: Conn, job_id: str, *, photos: bool = True) -> Job | None:
    cursor = await conn.execute("SELECT record::text FROM jobs WHERE id = %s", (job_id,))
    found = await cursor.fetchone()
    if found is None:
        return None
    job = Job.model_validate_json(found[0])
    return await with_photos(conn, job) if photos else job


async def job_by_inbound(conn: Conn, inbound_key: str) -> Job | None:
    jobs = await read_jobs(conn, "WHERE inbound_key = %s", (inbound_key,))
    return jobs[0] if jobs else None


async def active_jobs(conn: Conn, user_key: str | None) -> list[Job]:
    if user_key is None:
        return await read_jobs(conn, "WHERE state <> ALL(%s) ORDER BY created_at, seq", (FINAL,))
    where = "WHERE user_key = %s AND state <> ALL(%s) ORDER BY created_at, seq"
    return await read_jobs(conn, where, (user_key, FINAL))


async def latest_job(conn: Conn, user_key: str) -> Job | None:
    where = "WHERE user_key = %s ORDER BY created_at DESC, seq DESC LIMIT 1"
    jobs = await read_jobs(conn, where, (user_key,))
    return jobs[0] if jobs else None


async def recent_jobs(conn: Conn, state: JobState | None, user_key: str | None, limit: int) -> list[Job]:
    filters = {"state = %s": state.value if state else None, "user_key = %s": user_key}
    chosen = {clause: value for clause, value in filters.items() if value is not None}
    where = f"WHERE {' AND '.join(chosen)}" if chosen else ""
    return await read_jobs(
        conn, f"{where} ORDER BY created_at DESC, seq DESC LIMIT %s", (*chosen.values(), max(limit, 0))
    )


async def job_history(conn: Conn, job_id: str) -> list[JobEvent]:
    cursor = await conn.execute(
        "SELECT at, state, note FROM job_events WHERE job_id = %s ORDER BY id", (job_id,)
    )
    return [JobEvent(at=at, state=JobState(state), note=note) for at, state, note in await cursor.fetchall()]


async def claim_inbound(conn: Conn, inbound_key: str, now: datetime) -> bool:
    """Atomic across instances: of any number of claims of one key, exactly one returns True."""
    cursor = await conn.execute(
        "INSERT INTO inbound (key, seen_at) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING RETURNING key",
        (inbound_key, now),
    )
    return await cursor.fetchone() is not None


async def prune(conn: Conn, finished_before: datetime, inbound_before: datetime) -> int:
    async with conn.transaction():
        cursor = await conn.execute(
            "DELETE FROM jobs WHERE state = ANY(%s) AND finished_at < %s", (FINAL, finished_before)
        )
        removed = cursor.rowcount
        await conn.execute("DELETE FROM inbound WHERE seen_at < %s", (inbound_before,))
        await conn.execute(
            "DELETE FROM photos p WHERE NOT EXISTS (SELECT 1 FROM job_photos j WHERE j.digest = p.digest)"
        )
        spend_before = min(finished_before, inbound_before - SPEND_KEPT)  # budgets look back a month
        await conn.execute("DELETE FROM spend WHERE at < %s", (spend_before,))
        return removed


async def figures(conn: Conn) -> LedgerFigures:
    cursor = await conn.execute("SELECT state, count(*) FROM jobs GROUP BY state")
    states = {str(state): int(count) for state, count in await cursor.fetchall()}
    cursor = await conn.execute(
        """SELECT j.record->>'provider', j.record->'quote'->>'unit',
                  sum((j.record->'quote'->>'credits')::bigint)
           FROM spend s JOIN jobs j ON j.id = s.job_id
           WHERE s.state = %s AND j.record->'quote'->>'unit' IS NOT NULL
           GROUP BY 1, 2""",
        (SpendState.CHARGED.value,),
    )
    charged = {(str(p), str(u)): int(c or 0) for p, u, c in await cursor.fetchall()}
    return LedgerFigures(states, charged)


async def read_jobs(conn: Conn, where: str, params: Sequence[object]) -> list[Job]:
    cursor: AsyncCursor[Any] = await conn.execute(f"SELECT record::text FROM jobs {where}", params)
    return [await with_photos(conn, Job.model_validate_json(record)) for (record,) in await cursor.fetchall()]


async def with_photos(conn: Conn, job: Job) -> Job:
    digests = held_photos(job)
    if not digests:
        return job
    cursor = await conn.execute("SELECT digest, data FROM photos WHERE digest = ANY(%s)", (digests,))
    return with_photo_bytes(job, {digest: bytes(data) for digest, data in await cursor.fetchall()})
