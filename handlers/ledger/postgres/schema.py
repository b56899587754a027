"""The PostgreSQL ledger's schema: numbered migrations, a version table, and the upgrade that applies them.

The tables are the SQLite ledger's (:mod:`handlers.ledger.schema`), in PostgreSQL's types: times are
``timestamptz``, a job's record is ``jsonb``, photos are ``bytea``. Two columns are new: a job's lease
(``owner``, ``lease_until``: the instance working it, :mod:`handlers.ledger.postgres.leases`) and
``seq``, the order jobs were first recorded in. The preferences table (one JSONB document per user)
lives here too, so one upgrade brings the whole database to one version.

Every instance upgrades at start; an advisory lock makes concurrent starts take turns, so each
migration runs once. ``videobot db status`` and ``videobot db upgrade`` use the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import AsyncConnection

from handlers.jobs import FINAL_STATES
from prefs.postgres import PREFERENCES_TABLE

_FINAL = ", ".join(f"'{state.value}'" for state in sorted(FINAL_STATES))
UPGRADE_LOCK = 0x7669_6465_6F62  # "videob": concurrent upgrades take turns on this advisory lock

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE jobs (
            id text PRIMARY KEY,
            inbound_key text NOT NULL UNIQUE,
            user_key text NOT NULL,
            state text NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            finished_at timestamptz,
            seq bigserial NOT NULL,
            owner text,
            lease_until timestamptz,
            record jsonb NOT NULL
        )""",
        "CREATE INDEX jobs_user_created ON jobs (user_key, created_at, seq)",
        "CREATE INDEX jobs_created ON jobs (created_at, seq)",
        "CREATE INDEX jobs_finished ON jobs (finished_at)",
        f"CREATE INDEX jobs_unfinished ON jobs (lease_until) WHERE state NOT IN ({_FINAL})",
        "CREATE INDEX jobs_owner ON jobs (owner) WHERE owner IS NOT NULL",
        """CREATE TABLE job_events (
            id bigserial PRIMARY KEY,
            job_id text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            at timestamptz NOT NULL,
            state text NOT NULL,
            note text NOT NULL
        )""",
        "CREATE INDEX job_events_job ON job_events (job_id, id)",
        "CREATE TABLE inbound (key text PRIMARY KEY, seen_at timestamptz NOT NULL)",
        "CREATE INDEX inbound_seen ON inbound (seen_at)",
        """CREATE TABLE spend (
            job_id text PRIMARY KEY,
            user_key text NOT NULL,
            chat_key text,
            at timestamptz NOT NULL,
            millicents bigint NOT NULL,
            state text NOT NULL
        )""",
        "CREATE INDEX spend_user ON spend (user_key, at)",
        "CREATE INDEX spend_chat ON spend (chat_key, at)",
        """CREATE TABLE limits (
            scope text NOT NULL,
            period text NOT NULL,
            millicents bigint,
            PRIMARY KEY (scope, period)
        )""",
        """CREATE TABLE controls (
            kind text NOT NULL,
            key text NOT NULL,
            value text NOT NULL,
            PRIMARY KEY (kind, key)
        )""",
        "CREATE TABLE photos (digest text PRIMARY KEY, data bytea NOT NULL)",
        """CREATE TABLE job_photos (
            job_id text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            digest text NOT NULL REFERENCES photos (digest),
            PRIMARY KEY (job_id, digest)
        )""",
        "CREATE INDEX job_photos_digest ON job_photos (digest)",
        """CREATE TABLE audit (
            id bigserial PRIMARY KEY,
            at timestamptz NOT NULL,
            actor text NOT NULL,
            action text NOT NULL,
            target text NOT NULL,
            detail text NOT NULL
        )""",
        PREFERENCES_TABLE,
    ),
    # each admission counts its user's working and queued jobs: a few index entries, not all their jobs
    2: ("CREATE INDEX jobs_user_state ON jobs (user_key, state)",),
}
LATEST = max(MIGRATIONS)
VERSIONS_TABLE = """CREATE TABLE IF NOT EXISTS videobot_schema (
    version integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
)"""


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database stands: its version (0: empty) and the newest this videobot knows."""

    version: int
    latest: int = LATEST

    @property
    def pending(self) -> list[int]:
        return [number for number in sorted(MIGRATIONS) if number > self.version]

    @property
    def too_new(self) -> bool:
        """Written by a newer videobot: this one must not touch it."""
        return self.version > self.latest


class SchemaTooNew(Exception):
    """The database was upgraded by a newer videobot."""


async def status(conn: AsyncConnection[Any]) -> SchemaStatus:
    """The database's schema version, read without changing anything."""
    found = await conn.execute("SELECT to_regclass('videobot_schema') IS NOT NULL")
    exists = await found.fetchone()
    if not exists or not exists[0]:
        return SchemaStatus(0)
    row = await (await conn.execute("SELECT coalesce(max(version), 0) FROM videobot_schema")).fetchone()
    return SchemaStatus(int(row[0]) if row else 0)


async def upgrade(conn: AsyncConnection[Any]) -> list[int]:
    """Apply every pending migration in one transaction (all or none); returns the versions applied.

    :class:`SchemaTooNew` when a newer videobot upgraded the database (nothing is changed then).
    """
    applied: list[int] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (UPGRADE_LOCK,))
        await conn.execute(VERSIONS_TABLE)
        now = await status(conn)
        if now.too_new:
            raise SchemaTooNew(
                f"was upgraded by a newer videobot (schema {now.version}, this one knows {LATEST})"
            )
        for number in now.pending:
            async with conn.transaction():
                for statement in MIGRATIONS[number]:
                    await conn.execute(statement)
                await conn.execute("INSERT INTO videobot_schema (version) VALUES (%s)", (number,))
            applied.append(number)
    return applied
