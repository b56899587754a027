"""Every statement the ledger runs, as functions of a connection. Runs on the ledger's worker thread.

Timestamps are stored as fixed-width ISO 8601 text in UTC, so text order is time order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from handlers.budgets import Charge, SpendState
from handlers.jobs import (
    FINAL_STATES,
    WORKING_STATES,
    Admission,
    DuplicateJob,
    Job,
    JobEvent,
    JobState,
    LedgerFigures,
    Milestones,
    Step,
)
from handlers.ledger import spending
from handlers.ledger.schema import stamp, transaction
from providers.errors import ErrorKind

_FINAL = tuple(sorted(state.value for state in FINAL_STATES))
_NOT_FINAL = f"state NOT IN ({', '.join('?' * len(_FINAL))})"
_IS_FINAL = f"state IN ({', '.join('?' * len(_FINAL))})"
_WORKING = tuple(sorted(state.value for state in WORKING_STATES))
COUNT_WORKING = (
    f"SELECT count(*) FROM jobs WHERE user_key = ? AND state IN ({', '.join('?' * len(_WORKING))})"
)
COUNT_QUEUED = "SELECT count(*) FROM jobs WHERE user_key = ? AND state = ?"
SPEND_KEPT = timedelta(days=62)
_UPSERT_JOB = """
    INSERT INTO jobs (id, inbound_key, user_key, state, created_at, updated_at, finished_at, record)
    VALUES (:id, :inbound_key, :user_key, :state, :created_at, :updated_at, :finished_at, :record)
    ON CONFLICT (id) DO UPDATE SET
        state = excluded.state, updated_at = excluded.updated_at, finished_at = excluded.finished_at,
        record = excluded.record"""  # a job's id, inbound key, user and creation time never change


@dataclass(frozen=True)
class JobRow:
    """A job as the ledger stores it, taken on the event loop so later changes to the job cannot leak in."""

    id: str
    inbound_key: str
    user_key: str
    state: str
    created_at: str
    updated_at: str
    finished_at: str | None
    record: str
    chat_key: str | None
    cost: int
    spend: SpendState
    photos: tuple[tuple[str, bytes], ...]  # (digest, bytes) of the photos the record names

    @classmethod
    def of(cls, job: Job) -> JobRow:
        return cls(
            id=job.id,
            inbound_key=job.inbound_key,
            user_key=job.user_key,
            state=job.state.value,
            created_at=stamp(job.created_at),
            updated_at=stamp(job.updated_at),
            finished_at=stamp(job.finished_at) if job.finished and job.finished_at else None,
            record=_without_photos(job).model_dump_json(),
            chat_key=job.chat.space_key,
            cost=job.cost,
            spend=job.spend,
            photos=tuple((i.digest, i.data) for i in job.request.images if i.digest and i.data),
        )


@dataclass(frozen=True)
class Candidate:
    """A new job as it would be recorded to run now, and as it would be recorded queued."""

    row: JobRow
    milestones: Milestones
    queued_row: JobRow
    queued_milestones: Milestones

    @classmethod
    def of(cls, job: Job) -> Candidate:
        queued = job.model_copy(update={"state": JobState.QUEUED})
        return cls(JobRow.of(job), Milestones.of(job), JobRow.of(queued), Milestones.of(queued))


def admit_job(
    conn: sqlite3.Connection,
    job: Candidate,
    at: datetime,
    max_working: int,
    max_queued: int,
    charge: Charge | None,
) -> Admission:
    """One transaction: an admin's block or pause, the user's working (then queued) jobs and the budgets
    are checked, then the job (to run, or queued) and its reservation are recorded, or nothing is."""
    with transaction(conn):
        if charge is not None and (barred := spending.barred(conn, charge)) is not None:
            return Admission(admitted=False, barred=barred)
        user = job.row.user_key
        working: int = conn.execute(COUNT_WORKING, (user, *_WORKING)).fetchone()[0]
        queued = _count_queued(conn, user) if working >= max_working else 0
        if working >= max_working and queued >= max_queued:
            return Admission(admitted=False)
        if charge is not None and (over := spending.over_budget(conn, charge)) is not None:
            return Admission(admitted=False, over_budget=over)
        if working >= max_working:
            _write(conn, job.queued_row, job.queued_milestones, at)
            return Admission(admitted=True, position=queued + 1)
        _write(conn, job.row, job.milestones, at)
        return Admission(admitted=True)


def promote_job(conn: sqlite3.Connection, user_key: str, max_working: int, at: datetime) -> JobRow | None:
    """One transaction: a free place for ``user_key`` goes to their oldest queued job (its row)."""
    with transaction(conn):
        working: int = conn.execute(COUNT_WORKING, (user_key, *_WORKING)).fetchone()[0]
        if working >= max_working:
            return None
        found = conn.execute(
            "SELECT record FROM jobs WHERE user_key = ? AND state = ? ORDER BY created_at, id LIMIT 1",
            (user_key, JobState.QUEUED.value),
        ).fetchone()
        if found is None:
            return None
        job = Job.model_validate_json(found[0])
        job.advance(JobState.QUOTED if job.quote is not None else JobState.RECEIVED)
        row = JobRow.of(job)
        _write(conn, row, Milestones.of(job), at)
        return row


def _count_queued(conn: sqlite3.Connection, user_key: str) -> int:
    found: int = conn.execute(COUNT_QUEUED, (user_key, JobState.QUEUED.value)).fetchone()[0]
    return found


def write_job(conn: sqlite3.Connection, row: JobRow, milestones: Milestones, at: datetime) -> None:
    """Insert or update a job; append a history event when its state or a milestone changed."""
    with transaction(conn):
        _write(conn, row, milestones, at)


def _write(conn: sqlite3.Connection, row: JobRow, milestones: Milestones, at: datetime) -> None:
    before = _milestones(conn, row.id)
    try:
        conn.execute(_UPSERT_JOB, asdict(row))
    except sqlite3.IntegrityError as exc:
        raise DuplicateJob(f"{row.inbound_key} already made a job other than {row.id}") from exc
    spending.write_spend(conn, row.id, row.user_key, row.chat_key, row.created_at, row.cost, row.spend)
    for digest, data in row.photos:
        conn.execute("INSERT INTO photos (digest, data) VALUES (?, ?) ON CONFLICT DO NOTHING", (digest, data))
        conn.execute("INSERT INTO job_photos VALUES (?, ?) ON CONFLICT DO NOTHING", (row.id, digest))
    note = milestones.note_since(before)
    if note is not None:
        conn.execute(
            "INSERT INTO job_events (job_id, at, state, note) VALUES (?, ?, ?, ?)",
            (row.id, stamp(at), row.state, note),
        )


def _milestones(conn: sqlite3.Connection, job_id: str) -> Milestones | None:
    found = conn.execute(
        """SELECT state, json_extract(record, '$.delivered'), json_extract(record, '$.handle.task_id'),
            json_extract(record, '$.status_message_id'), json_extract(record, '$.error_kind')
        FROM jobs WHERE id = ?""",
        (job_id,),
    ).fetchone()
    if found is None:
        return None
    state, delivered, task_id, status_message_id, error_kind = found
    return Milestones(
        state=JobState(state),
        delivered=frozenset(Step(step) for step in json.loads(delivered or "[]")),
        task_id=task_id,
        status_message_id=status_message_id,
        error_kind=ErrorKind(error_kind) if error_kind else None,
    )


def get_job(conn: sqlite3.Connection, job_id: str, *, photos: bool = True) -> Job | None:
    found = conn.execute("SELECT record FROM jobs WHERE id = ?", (job_id,)).fetchone()
    if found is None:
        return None
    job = Job.model_validate_json(found[0])
    return _with_photos(conn, job) if photos else job


def names_photos(record: str) -> bool:
    """Whether a stored record holds a photo by digest (its bytes are in ``photos``)."""
    return '"digest":"' in record


def job_by_inbound(conn: sqlite3.Connection, inbound_key: str) -> Job | None:
    return _one(conn.execute("SELECT record FROM jobs WHERE inbound_key = ?", (inbound_key,)))


def active_jobs(conn: sqlite3.Connection, user_key: str | None) -> list[Job]:
    if user_key is None:
        sql = f"SELECT record FROM jobs WHERE {_NOT_FINAL} ORDER BY created_at, rowid"
        return _all(conn.execute(sql, _FINAL))
    sql = f"SELECT record FROM jobs WHERE user_key = ? AND {_NOT_FINAL} ORDER BY created_at, rowid"
    return _all(conn.execute(sql, (user_key, *_FINAL)))


def unfinished_ids(conn: sqlite3.Connection) -> frozenset[str]:
    return frozenset(job_id for (job_id,) in conn.execute(f"SELECT id FROM jobs WHERE {_NOT_FINAL}", _FINAL))


def latest_job(conn: sqlite3.Connection, user_key: str) -> Job | None:
    sql = "SELECT record FROM jobs WHERE user_key = ? ORDER BY created_at DESC, rowid DESC LIMIT 1"
    return _one(conn.execute(sql, (user_key,)))


def recent_jobs(
    conn: sqlite3.Connection, state: JobState | None, user_key: str | None, limit: int
) -> list[Job]:
    filters = {"state = ?": state.value if state else None, "user_key = ?": user_key}
    chosen = {clause: value for clause, value in filters.items() if value is not None}
    where = f"WHERE {' AND '.join(chosen)}" if chosen else ""
    sql = f"SELECT record FROM jobs {where} ORDER BY created_at DESC, rowid DESC LIMIT ?"
    return _all(conn.execute(sql, (*chosen.values(), max(limit, 0))))


def job_history(conn: sqlite3.Connection, job_id: str) -> list[JobEvent]:
    rows = conn.execute("SELECT at, state, note FROM job_events WHERE job_id = ? ORDER BY id", (job_id,))
    return [
        JobEvent(at=datetime.fromisoformat(at), state=JobState(state), note=note) for at, state, note in rows
    ]


def claim_inbound(conn: sqlite3.Connection, inbound_key: str, now: datetime) -> bool:
    """Atomic: of any number of claims of one key (threads, processes), exactly one returns True."""
    with transaction(conn):
        cursor = conn.execute(
            "INSERT INTO inbound (key, seen_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (inbound_key, stamp(now)),
        )
        return cursor.rowcount == 1


def prune(conn: sqlite3.Connection, finished_before: datetime, inbound_before: datetime) -> int:
    """Delete finished jobs (their events cascade) and inbound claims older than the bounds."""
    with transaction(conn):
        removed = conn.execute(
            f"DELETE FROM jobs WHERE {_IS_FINAL} AND finished_at < ?", (*_FINAL, stamp(finished_before))
        ).rowcount
        conn.execute("DELETE FROM inbound WHERE seen_at < ?", (stamp(inbound_before),))
        conn.execute("DELETE FROM photos WHERE digest NOT IN (SELECT digest FROM job_photos)")
        spend_before = min(finished_before, inbound_before - SPEND_KEPT)  # budgets look back a month
        conn.execute("DELETE FROM spend WHERE at < ?", (stamp(spend_before),))
        return removed


def _one(cursor: sqlite3.Cursor) -> Job | None:
    found = cursor.fetchone()
    return _with_photos(cursor.connection, Job.model_validate_json(found[0])) if found else None


def _all(cursor: sqlite3.Cursor) -> list[Job]:
    return [
        _with_photos(cursor.connection, Job.model_validate_json(record)) for (record,) in cursor.fetchall()
    ]


def _without_photos(job: Job) -> Job:
    """The record as stored: each held photo by its digest only (its bytes go to ``photos`` once)."""
    images = job.request.images
    if not any(image.digest and image.data for image in images):
        return job
    kept = tuple(image.model_copy(update={"data": None}) if image.digest else image for image in images)
    return job.model_copy(update={"request": job.request.model_copy(update={"images": kept})})


def held_photos(job: Job) -> list[str]:
    """The digests of the photos ``job`` names without their bytes (as stored)."""
    return [image.digest for image in job.request.images if image.digest and image.data is None]


def with_photo_bytes(job: Job, found: Mapping[str, bytes]) -> Job:
    """``job`` with the bytes of its held photos put back from ``found`` (digest -> bytes)."""
    images = tuple(
        image.model_copy(update={"data": found.get(image.digest)})
        if image.digest and image.data is None
        else image
        for image in job.request.images
    )
    return job.model_copy(update={"request": job.request.model_copy(update={"images": images})})


def _with_photos(conn: sqlite3.Connection, job: Job) -> Job:
    digests = held_photos(job)
    if not digests:
        return job
    found = {}
    for digest in digests:
        row = conn.execute("SELECT data FROM photos WHERE digest = ?", (digest,)).fetchone()
        if row is not None:
            found[digest] = row[0]
    return with_photo_bytes(job, found)


def figures(conn: sqlite3.Connection) -> LedgerFigures:
    states = {
        str(state): int(count)
        for state, count in conn.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state")
    }
    rows = conn.execute(
        """SELECT json_extract(j.record, '$.provider'), json_extract(j.record, '$.quote.unit'),
                  SUM(json_extract(j.record, '$.quote.credits'))
           FROM spend s JOIN jobs j ON j.id = s.job_id
           WHERE s.state = ? AND json_extract(j.record, '$.quote.unit') IS NOT NULL
           GROUP BY 1, 2""",
        (SpendState.CHARGED.value,),
    )
    return LedgerFigures(states, {(str(p), str(u)): int(c or 0) for p, u, c in rows})
