"""The PostgreSQL ledger's money and admin statements (as :mod:`handlers.ledger.spending` for SQLite)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from psycopg import AsyncConnection

from handlers.budgets import Budget, Charge, OverBudget, Period, Scope, SpendState, Usage, judge, scope_key
from handlers.controls import AuditEntry, Control, ControlKey

if TYPE_CHECKING:
    from handlers.ledger.queries import JobRow

Conn = AsyncConnection[Any]
_COLUMN = {Scope.USER: "user_key", Scope.CHAT: "chat_key"}
_USED = "SELECT coalesce(sum(millicents), 0) FROM spend WHERE {column} = %s AND at >= %s AND state <> %s"


async def write_spend(conn: Conn, row: JobRow) -> None:
    await conn.execute(
        """INSERT INTO spend (job_id, user_key, chat_key, at, millicents, state)
        VALUES (%s, %s, %s, %s::timestamptz, %s, %s)
        ON CONFLICT (job_id) DO UPDATE SET millicents = excluded.millicents, state = excluded.state""",
        (row.id, row.user_key, row.chat_key, row.created_at, row.cost, row.spend.value),
    )


async def used(conn: Conn, scope: Scope, key: str, since: datetime) -> int:
    cursor = await conn.execute(_USED.format(column=_COLUMN[scope]), (key, since, SpendState.RELEASED.value))
    found = await cursor.fetchone()
    return int(found[0]) if found else 0


async def limits_of(conn: Conn, scope: Scope, key: str, budget: Budget) -> dict[Period, int | None]:
    found: dict[Period, int | None] = {
        period: budget.limits.of(scope, period) for period in (Period.DAY, Period.MONTH, Period.JOB)
    }
    cursor = await conn.execute(
        "SELECT period, millicents FROM limits WHERE scope = %s", (scope_key(scope, key),)
    )
    for period, millicents in await cursor.fetchall():
        found[Period(period)] = millicents
    return found


async def over_budget(conn: Conn, charge: Charge) -> OverBudget | None:
    """Whether ``charge`` fits every budget it touches, read in two statements (the overrides of its
    budgets, and each window's spend), inside the admission's transaction."""
    windows = charge.windows()
    budgets = {(Scope.USER, charge.user)} | {(scope, key) for scope, key, _, _ in windows}
    cursor = await conn.execute(
        "SELECT scope, period, millicents FROM limits WHERE scope = ANY(%s)",
        ([scope_key(scope, key) for scope, key in budgets],),
    )
    overrides = {(name, Period(period)): millicents for name, period, millicents in await cursor.fetchall()}

    def limit(scope: Scope, key: str, period: Period) -> int | None:
        return overrides.get((scope_key(scope, key), period), charge.budget.limits.of(scope, period))

    limits: dict[tuple[Scope, Period], int | None] = {
        (Scope.USER, Period.JOB): limit(Scope.USER, charge.user, Period.JOB)
    }
    for scope, key, period, _ in windows:
        limits[(scope, period)] = limit(scope, key, period)
    sums = ", ".join(
        f"coalesce(sum(millicents) FILTER (WHERE {_COLUMN[scope]} = %s AND at >= %s), 0)"
        for scope, *_ in windows
    )
    params: list[object] = [value for _, key, _, start in windows for value in (key, start)]
    cursor = await conn.execute(
        f"SELECT {sums} FROM spend WHERE state <> %s AND (user_key = %s OR chat_key = %s)",
        (*params, SpendState.RELEASED.value, charge.user, charge.chat),
    )
    found = await cursor.fetchone() or ()
    used_now = {
        (scope, period): int(total) for (scope, _, period, _), total in zip(windows, found, strict=True)
    }
    return judge(charge, used_now, limits)


async def barred(conn: Conn, charge: Charge) -> Control | None:
    cursor = await conn.execute(
        "SELECT kind FROM controls WHERE (kind = %s AND key = %s) OR (kind = %s AND key = %s) LIMIT 1",
        (Control.BLOCKED.value, charge.user, Control.PAUSED.value, charge.chat or ""),
    )
    found = await cursor.fetchone()
    return Control(found[0]) if found else None


async def usage(conn: Conn, scope: Scope, key: str, budget: Budget, now: datetime) -> Usage:
    calendar = budget.calendar
    limits = await limits_of(conn, scope, key, budget)
    return Usage(
        scope=scope,
        key=key,
        day=await used(conn, scope, key, calendar.start(Period.DAY, now)),
        month=await used(conn, scope, key, calendar.start(Period.MONTH, now)),
        day_limit=limits[Period.DAY],
        month_limit=limits[Period.MONTH],
        job_limit=limits[Period.JOB],
        day_resets=calendar.next_start(Period.DAY, now),
        month_resets=calendar.next_start(Period.MONTH, now),
    )


async def set_limit(
    conn: Conn, scope: Scope, key: str, period: Period | None, millicents: int | None, entry: AuditEntry
) -> None:
    async with conn.transaction():
        name = scope_key(scope, key)
        if period is None:
            await conn.execute("DELETE FROM limits WHERE scope = %s", (name,))
        else:
            await conn.execute(
                """INSERT INTO limits (scope, period, millicents) VALUES (%s, %s, %s)
                ON CONFLICT (scope, period) DO UPDATE SET millicents = excluded.millicents""",
                (name, period.value, millicents),
            )
        await audit(conn, entry)


async def set_control(conn: Conn, kind: Control, key: str, value: str | None, entry: AuditEntry) -> None:
    async with conn.transaction():
        if value is None:
            await conn.execute("DELETE FROM controls WHERE kind = %s AND key = %s", (kind.value, key))
        else:
            await conn.execute(
                """INSERT INTO controls (kind, key, value) VALUES (%s, %s, %s)
                ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value""",
                (kind.value, key, value),
            )
        await audit(conn, entry)


async def controls(conn: Conn) -> dict[ControlKey, str]:
    cursor = await conn.execute("SELECT kind, key, value FROM controls")
    return {(Control(kind), key): value for kind, key, value in await cursor.fetchall()}


async def audit_log(conn: Conn, limit: int) -> list[AuditEntry]:
    cursor = await conn.execute(
        "SELECT at, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT %s", (max(limit, 0),)
    )
    return [
        AuditEntry(at=at, actor=actor, action=action, target=target, detail=detail)
        for at, actor, action, target, detail in await cursor.fetchall()
    ]


async def audit(conn: Conn, entry: AuditEntry) -> None:
    await conn.execute(
        "INSERT INTO audit (at, actor, action, target, detail) VALUES (%s, %s, %s, %s, %s)",
        (entry.at, entry.actor, entry.action, entry.target, entry.detail),
    )
