"""Ledger calls that arrive together run together: one trip to the worker thread, one transaction.

Under load, hundreds of saves a second each paid for a thread hand-off and a commit. Here the calls
queued while the worker was busy go as one batch: each all or nothing (a call that fails,
e.g. a duplicate job, undoes only its own writes and gets its own error), then one ``COMMIT``.
Every caller still returns only after the commit that holds its writes.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

Work = Callable[[sqlite3.Connection], Any]
MAX_BATCH = 64  # calls per transaction: the write lock is held briefly, answers come in small bursts


@dataclass(frozen=True)
class Outcome:
    """What one call gave back, or raised."""

    value: Any = None
    error: BaseException | None = None


def run_together(conn: sqlite3.Connection, works: list[Work]) -> list[Outcome]:
    """Run ``works`` inside one write transaction, each all or nothing, then commit once.

    A call runs in its own savepoint once an earlier call has succeeded. Until then the transaction
    holds nothing else, so a failing call is undone by rolling it back and beginning again (each
    statement saved is a hand-off of the interpreter's lock to this thread). A failing statement that
    breaks the transaction itself (or the commit) raises for the whole batch.
    """
    outcomes = []
    holds_writes = False  # whether a call has succeeded in this transaction
    conn.execute("BEGIN IMMEDIATE")
    try:
        for work in works:
            if holds_writes:
                conn.execute("SAVEPOINT call")
            try:
                value = work(conn)
            except Exception as exc:
                _undo_call(conn, holds_writes)
                outcomes.append(Outcome(error=exc))
            else:
                if holds_writes:
                    conn.execute("RELEASE call")
                holds_writes = True
                outcomes.append(Outcome(value=value))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    return outcomes


def _undo_call(conn: sqlite3.Connection, in_savepoint: bool) -> None:
    """Undo the writes of the call that failed, and only those."""
    if in_savepoint:
        conn.execute("ROLLBACK TO call")
        conn.execute("RELEASE call")
        return
    if conn.in_transaction:
        conn.rollback()
    conn.execute("BEGIN IMMEDIATE")


class Batcher:
    """Queues calls on the event loop and sends them to one worker thread in batches, in order."""

    def __init__(self, executor: Executor, run: Callable[[list[Work]], list[Outcome]]) -> None:
        self._executor = executor
        self._run = run  # on the worker thread: the batch's outcomes, in order
        self._queued: list[tuple[Work, asyncio.Future[Any]]] = []
        self._sending: asyncio.Task[None] | None = None

    async def call(self, work: Work) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queued.append((work, future))
        if self._sending is None or self._sending.done():
            self._sending = asyncio.create_task(self._send(), name="ledger:batches")
        return await future

    async def idle(self) -> None:
        """Wait until every queued call has been answered."""
        while self._sending is not None and not self._sending.done():
            await asyncio.shield(self._sending)

    async def _send(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queued:
            batch, self._queued = self._queued[:MAX_BATCH], self._queued[MAX_BATCH:]
            try:
                outcomes = await loop.run_in_executor(self._executor, self._run, [work for work, _ in batch])
            except asyncio.CancelledError:
                for _, future in batch + self._queued:
                    future.cancel()
                raise
            except Exception as exc:  # the batch as a whole failed: every call in it says so
                outcomes = [Outcome(error=exc)] * len(batch)
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue  # its caller was cancelled; its writes stand
                if outcome.error is not None:
                    future.set_exception(outcome.error)
                else:
                    future.set_result(outcome.value)
