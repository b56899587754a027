"""The ledger's one exception, with a message an operator can act on."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class LedgerError(Exception):
    """The job ledger cannot be used: damaged, locked, too new, unwritable, unreachable. Nothing in it
    is changed. ``path`` is the SQLite file, or the PostgreSQL database's address without its password."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"job ledger {path} {reason}")
        self.path = path


def ledger_error(path: Path, exc: sqlite3.Error, *, busy_timeout_s: float) -> LedgerError:
    """Translate an sqlite3 error into one sentence naming the file and what to do about it."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        reason = f"is locked by another process (gave up after {busy_timeout_s:g} s); is another bot running?"
    elif code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        reason = f"is damaged or not a job ledger ({exc}); it was left untouched, move it aside to start anew"
    elif code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM):
        reason = f"cannot be opened for writing ({exc})"
    elif code == sqlite3.SQLITE_FULL:
        reason = "cannot grow: the disk is full"
    else:
        reason = f"failed: {exc}"
    return LedgerError(path, reason)
