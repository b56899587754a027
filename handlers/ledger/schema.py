"""The ledger file: its schema and version, connection settings, and the checks made on opening.

Durability: WAL with ``synchronous=NORMAL``. A commit is in the WAL (the OS's cache) when it returns, so
it survives the process being killed at any point, which is our threat model (a crash, a deploy, an OOM
kill). A power cut or kernel panic may lose the last few commits but never corrupts the file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from handlers.ledger.errors import LedgerError, ledger_error

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3  # PRAGMA user_version; 0 is a new, empty file

SCHEMA = (
    """CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        inbound_key TEXT NOT NULL UNIQUE,
        user_key TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT,
        record TEXT NOT NULL
    )""",
    "CREATE INDEX jobs_state ON jobs (state)",
    "CREATE INDEX jobs_user_created ON jobs (user_key, created_at)",
    "CREATE INDEX jobs_created ON jobs (created_at)",
    "CREATE INDEX jobs_finished ON jobs (finished_at)",
    """CREATE TABLE job_events (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        state TEXT NOT NULL,
        note TEXT NOT NULL
    )""",
    "CREATE INDEX job_events_job ON job_events (job_id, id)",
    "CREATE TABLE inbound (key TEXT PRIMARY KEY, seen_at TEXT NOT NULL)",
    "CREATE INDEX inbound_seen ON inbound (seen_at)",
)
# Version 2: money and admin. A spend row outlives its job (budgets look back a month), so no cascade.
MONEY = (
    """CREATE TABLE spend (
        job_id TEXT PRIMARY KEY,
        user_key TEXT NOT NULL,
        chat_key TEXT,
        at TEXT NOT NULL,
        millicents INTEGER NOT NULL,
        state TEXT NOT NULL
    )""",
    "CREATE INDEX spend_user ON spend (user_key, at)",
    "CREATE INDEX spend_chat ON spend (chat_key, at)",
    """CREATE TABLE limits (
        scope TEXT NOT NULL,
        period TEXT NOT NULL,
        millicents INTEGER,
        PRIMARY KEY (scope, period)
    )""",
    """CREATE TABLE controls (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    )""",
    # A photo a user sent, stored once (by its SHA-256) apart from the records that use it
    "CREATE TABLE photos (digest TEXT PRIMARY KEY, data BLOB NOT NULL)",
    """CREATE TABLE job_photos (
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        digest TEXT NOT NULL REFERENCES photos (digest),
        PRIMARY KEY (job_id, digest)
    )""",
    "CREATE INDEX job_photos_digest ON job_photos (digest)",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        detail TEXT NOT NULL
    )""",
)
# Version 3: each admission counts its user's working and queued jobs. By (user, state) that is a few
# index entries; by ``jobs_state`` it read every queued job of every user (seconds with thousands in line).
USER_STATE = ("CREATE INDEX jobs_user_state ON jobs (user_key, state)",)
MIGRATIONS: dict[int, tuple[str, ...]] = {1: SCHEMA, 2: MONEY, 3: USER_STATE}  # version -> what reaches it


def stamp(at: datetime) -> str:
    """``2025-01-02T03:04:05.000006+00:00``: naive times are taken as UTC."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.isoformat(timespec="microseconds")


def connect(path: Path, *, busy_timeout_s: float) -> sqlite3.Connection:
    """Open the ledger at ``path``, creating it if new. A bad file raises :class:`LedgerError`, unaltered."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():  # a new ledger is its owner's only from the first byte
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError as exc:
        raise LedgerError(path, f"cannot be created: {exc.strerror}") from exc
    try:
        conn = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None)
    except sqlite3.Error as exc:
        raise ledger_error(path, exc, busy_timeout_s=busy_timeout_s) from exc
    try:
        _prepare(conn, path)
        _owner_only(path)
    except sqlite3.Error as exc:
        conn.close()
        raise ledger_error(path, exc, busy_timeout_s=busy_timeout_s) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _owner_only(path: Path) -> None:
    """The ledger holds people's requests: readable by its owner only (0600; SQLite gives its WAL files
    the same mode). An older ledger is tightened once it proved to be ours."""
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except OSError as exc:  # not ours to change (another owner, a read-only mount): say so, go on
        log.warning("job ledger %s stays readable by others: %s", path, exc.strerror)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taking the write lock up front (no deadlock between readers upgrading).

    Inside a transaction already, the call is one of a batch (:mod:`handlers.ledger.batches`), which
    runs each call in its own savepoint: all or nothing still, committed with the batch, and no second
    savepoint (every statement is a hand-off of the interpreter's lock to the ledger's thread). No
    ledger call nests transactions.
    """
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    conn.execute("COMMIT")


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    # Read-only checks first, so a damaged or foreign file is refused before anything could write to it.
    # quick_check reads the whole file: milliseconds for a ledger of thousands of jobs.
    problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        first = " ".join(problems[0].split())  # it reports on several lines
        raise LedgerError(path, f"is damaged ({first}); it was left untouched, move it aside to start anew")
    _check_version(conn, path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    with transaction(conn):  # also proves that we can write: a lock held elsewhere fails here, at start
        version = _check_version(conn, path)
        for step in range(version + 1, SCHEMA_VERSION + 1):  # an older ledger is upgraded in place
            for statement in MIGRATIONS[step]:
                conn.execute(statement)
        if version < SCHEMA_VERSION:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _check_version(conn: sqlite3.Connection, path: Path) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise LedgerError(
            path, f"was written by a newer videobot (schema {version}, this one reads {SCHEMA_VERSION})"
        )
    if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise LedgerError(
            path, "is an SQLite file of something else, not a job ledger; it was left untouched"
        )
    return version
