"""``videobot migrate-sqlite``: an existing SQLite ledger copied into PostgreSQL, in one transaction.

Jobs (with their history and photos), inbound claims, spend rows, limit overrides, controls and the
admins' audit are copied as they are; the copied jobs are held by no instance, so the first one to
start takes them over. Running it again copies only what is not there yet (a job already copied
keeps its history once), so an interrupted copy can simply be run again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psycopg import AsyncConnection

from handlers.ledger.schema import connect
from handlers.ledger.sqlite import DEFAULT_BUSY_TIMEOUT_S

Conn = AsyncConnection[Any]


@dataclass(frozen=True)
class Copied:
    """How many rows of each kind were copied."""

    jobs: int
    events: int
    inbound: int
    spend: int
    photos: int
    limits: int
    controls: int
    audit: int


def read_rows(conn: sqlite3.Connection, sql: str, *params: object) -> Iterator[tuple[Any, ...]]:
    yield from conn.execute(sql, params)


async def copy_ledger(source: Path, target: Conn) -> Copied:
    """Copy the SQLite ledger at ``source`` (upgraded to the current schema first) into ``target``."""
    with closing(connect(source, busy_timeout_s=DEFAULT_BUSY_TIMEOUT_S)) as old:
        async with target.transaction():
            return await _copy(old, target)


async def _copy(old: sqlite3.Connection, new: Conn) -> Copied:
    jobs = events = 0
    for row in read_rows(
        old,
        "SELECT id, inbound_key, user_key, state, created_at, updated_at, finished_at, record "
        "FROM jobs ORDER BY created_at, rowid",
    ):
        cursor = await new.execute(
            """INSERT INTO jobs (id, inbound_key, user_key, state, created_at, updated_at, finished_at,
                                 record)
            VALUES (%s, %s, %s, %s, %s::timestamptz, %s::timestamptz, %s::timestamptz, %s::jsonb)
            ON CONFLICT DO NOTHING RETURNING id""",
            row,
        )
        if await cursor.fetchone() is None:
            continue  # copied before
        jobs += 1
        for at, state, note in read_rows(
            old, "SELECT at, state, note FROM job_events WHERE job_id = ? ORDER BY id", row[0]
        ):
            await new.execute(
                "INSERT INTO job_events (job_id, at, state, note) VALUES (%s, %s::timestamptz, %s, %s)",
                (row[0], at, state, note),
            )
            events += 1
    photos = await _each(
        new,
        read_rows(old, "SELECT digest, data FROM photos"),
        "INSERT INTO photos (digest, data) VALUES (%s, %s) ON CONFLICT DO NOTHING",
    )
    await _each(
        new,
        read_rows(old, "SELECT job_id, digest FROM job_photos"),
        "INSERT INTO job_photos (job_id, digest) VALUES (%s, %s) ON CONFLICT DO NOTHING",
    )
    inbound = await _each(
        new,
        read_rows(old, "SELECT key, seen_at FROM inbound"),
        "INSERT INTO inbound (key, seen_at) VALUES (%s, %s::timestamptz) ON CONFLICT DO NOTHING",
    )
    spend = await _each(
        new,
        read_rows(old, "SELECT job_id, user_key, chat_key, at, millicents, state FROM spend"),
        """INSERT INTO spend (job_id, user_key, chat_key, at, millicents, state)
        VALUES (%s, %s, %s, %s::timestamptz, %s, %s) ON CONFLICT DO NOTHING""",
    )
    limits = await _each(
        new,
        read_rows(old, "SELECT scope, period, millicents FROM limits"),
        "INSERT INTO limits (scope, period, millicents) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
    )
    controls = await _each(
        new,
        read_rows(old, "SELECT kind, key, value FROM controls"),
        "INSERT INTO controls (kind, key, value) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
    )
    audit = await _each(
        new,
        read_rows(old, "SELECT at, actor, action, target, detail FROM audit ORDER BY id"),
        """INSERT INTO audit (at, actor, action, target, detail)
        SELECT %(at)s::timestamptz, %(actor)s, %(action)s, %(target)s, %(detail)s
        WHERE NOT EXISTS (SELECT 1 FROM audit WHERE at = %(at)s::timestamptz AND actor = %(actor)s
                          AND action = %(action)s AND target = %(target)s AND detail = %(detail)s)""",
        names=("at", "actor", "action", "target", "detail"),
    )
    return Copied(jobs, events, inbound, spend, photos, limits, controls, audit)


async def _each(new: Conn, rows: Iterator[tuple[Any, ...]], sql: str, *, names: tuple[str, ...] = ()) -> int:
    """Insert each row; returns how many were new."""
    count = 0
    for row in rows:
        params = dict(zip(names, row, strict=True)) if names else row
        cursor = await new.execute(sql, params)
        count += cursor.rowcount
    return count
