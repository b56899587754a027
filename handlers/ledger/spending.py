"""The ledger's money and admin statements: spend rows, budget checks, limit overrides, controls, audit.

Runs on the ledger's worker thread, inside the transactions of :mod:`handlers.ledger.queries`.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from handlers.budgets import (
    Budget,
    Charge,
    OverBudget,
    Period,
    Scope,
    SpendState,
    Usage,
    judge,
    scope_key,
)
from handlers.controls import AuditEntry, Control, ControlKey
from handlers.ledger.schema import stamp, transaction

_UPSERT_SPEND = """
    INSERT INTO spend (job_id, user_key, chat_key, at, millicents, state)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (job_id) DO UPDATE SET millicents = excluded.millicents, state = excluded.state"""
_USED = "SELECT coalesce(sum(millicents), 0) FROM spend WHERE {column} = ? AND at >= ? AND state != ?"


def write_spend(
    conn: sqlite3.Connection, job_id: str, user: str, chat: str | None, at: str, cost: int, state: SpendState
) -> None:
    conn.execute(_UPSERT_SPEND, (job_id, user, chat, at, cost, state.value))


def used(conn: sqlite3.Connection, scope: Scope, key: str, since: datetime) -> int:
    column = "user_key" if scope is Scope.USER else "chat_key"
    row = conn.execute(_USED.format(column=column), (key, stamp(since), SpendState.RELEASED.value))
    total: int = row.fetchone()[0]
    return total


def limits_of(conn: sqlite3.Connection, scope: Scope, key: str, budget: Budget) -> dict[Period, int | None]:
    """The limits of one budget: the defaults, with any admin override."""
    found: dict[Period, int | None] = {
        period: budget.limits.of(scope, period) for period in (Period.DAY, Period.MONTH, Period.JOB)
    }
    rows = conn.execute("SELECT period, millicents FROM limits WHERE scope = ?", (scope_key(scope, key),))
    for period, millicents in rows:
        found[Period(period)] = millicents
    return found


def over_budget(conn: sqlite3.Connection, charge: Charge) -> OverBudget | None:
    """Whether ``charge`` fits every budget it touches (call inside the admission's transaction)."""
    used_now: dict[tuple[Scope, Period], int] = {}
    limits: dict[tuple[Scope, Period], int | None] = {}
    user_limits = limits_of(conn, Scope.USER, charge.user, charge.budget)
    limits[(Scope.USER, Period.JOB)] = user_limits[Period.JOB]
    for scope, key, period, start in charge.windows():
        scope_limits = user_limits if scope is Scope.USER else limits_of(conn, scope, key, charge.budget)
        limits[(scope, period)] = scope_limits[period]
        used_now[(scope, period)] = used(conn, scope, key, start)
    return judge(charge, used_now, limits)


def barred(conn: sqlite3.Connection, charge: Charge) -> Control | None:
    """An admin's block of the user or pause of the shared chat, if any."""
    found = conn.execute(
        "SELECT kind FROM controls WHERE (kind = ? AND key = ?) OR (kind = ? AND key = ?) LIMIT 1",
        (Control.BLOCKED.value, charge.user, Control.PAUSED.value, charge.chat or ""),
    ).fetchone()
    return Control(found[0]) if found else None


def usage(conn: sqlite3.Connection, scope: Scope, key: str, budget: Budget, now: datetime) -> Usage:
    calendar = budget.calendar
    limits = limits_of(conn, scope, key, budget)
    return Usage(
        scope=scope,
        key=key,
        day=used(conn, scope, key, calendar.start(Period.DAY, now)),
        month=used(conn, scope, key, calendar.start(Period.MONTH, now)),
        day_limit=limits[Period.DAY],
        month_limit=limits[Period.MONTH],
        job_limit=limits[Period.JOB],
        day_resets=calendar.next_start(Period.DAY, now),
        month_resets=calendar.next_start(Period.MONTH, now),
    )


def set_limit(
    conn: sqlite3.Connection,
    scope: Scope,
    key: str,
    period: Period | None,
    millicents: int | None,
    entry: AuditEntry,
) -> None:
    """Override one limit (``None``: no limit); ``period=None`` removes every override (a reset)."""
    with transaction(conn):
        name = scope_key(scope, key)
        if period is None:
            conn.execute("DELETE FROM limits WHERE scope = ?", (name,))
        else:
            conn.execute(
                """INSERT INTO limits (scope, period, millicents) VALUES (?, ?, ?)
                ON CONFLICT (scope, period) DO UPDATE SET millicents = excluded.millicents""",
                (name, period.value, millicents),
            )
        _audit(conn, entry)


def set_control(
    conn: sqlite3.Connection, kind: Control, key: str, value: str | None, entry: AuditEntry
) -> None:
    """Set (or, with ``None``, remove) one control, with its audit row."""
    with transaction(conn):
        if value is None:
            conn.execute("DELETE FROM controls WHERE kind = ? AND key = ?", (kind.value, key))
        else:
            conn.execute(
                """INSERT INTO controls (kind, key, value) VALUES (?, ?, ?)
                ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value""",
                (kind.value, key, value),
            )
        _audit(conn, entry)


def controls(conn: sqlite3.Connection) -> dict[ControlKey, str]:
    return {(Control(kind), key): value for kind, key, value in conn.execute("SELECT * FROM controls")}


def audit_log(conn: sqlite3.Connection, limit: int) -> list[AuditEntry]:
    rows = conn.execute(
        "SELECT at, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT ?", (max(limit, 0),)
    )
    return [
        AuditEntry(at=datetime.fromisoformat(at), actor=actor, action=action, target=target, detail=detail)
        for at, actor, action, target, detail in rows
    ]


def _audit(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    conn.execute(
        "INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
        (stamp(entry.at), entry.actor, entry.action, entry.target, entry.detail),
    )
