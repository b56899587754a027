"""Coalescing task lookups: many pending polls, one ``GET /api/v1/tasks``.

One runner serves all lookups of a client. It waits ``gather_s`` for lookups to gather, then, for
each round, takes a slot from the shared query limiter and answers every lookup pending at that
moment: one lookup -> its own status call; several -> one list call (all tasks of the key),
and a task missing from the list (a page we never see) -> its own status call, with its own
slot. Lookups made while a round waits for a slot or runs join the next round, so under load
the requests per minute stay bounded by the limiter, not by the number of jobs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from providers.aivideomaker.limiter import SlidingWindowLimiter

Record = Mapping[str, Any]
FetchOne = Callable[[str], Awaitable[Record]]
FetchAll = Callable[[], Awaitable[Mapping[str, Record]]]
Waiters = list[asyncio.Future[Record]]


class PollBatcher:
    """Answers ``lookup(task_id)`` with the task's record (a status or a full task object)."""

    def __init__(
        self, *, limiter: SlidingWindowLimiter, fetch_one: FetchOne, fetch_all: FetchAll, gather_s: float
    ) -> None:
        self._limiter = limiter
        self._fetch_one = fetch_one
        self._fetch_all = fetch_all
        self._gather_s = gather_s
        self._pending: dict[str, Waiters] = {}
        self._in_round: dict[str, Waiters] = {}
        self._runner: asyncio.Task[None] | None = None

    async def lookup(self, task_id: str) -> Record:
        future: asyncio.Future[Record] = asyncio.get_running_loop().create_future()
        self._pending.setdefault(task_id, []).append(future)
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        return await future

    async def aclose(self) -> None:
        """Stop the runner; pending lookups are cancelled."""
        if self._runner is not None and not self._runner.done():
            self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)
        for waiters in [*self._pending.values(), *self._in_round.values()]:
            for future in waiters:
                future.cancel()
        self._pending, self._in_round = {}, {}

    async def _run(self) -> None:
        await asyncio.sleep(self._gather_s)
        while self._pending:
            await self._limiter.acquire()
            self._in_round, self._pending = self._pending, {}
            await self._answer_round(self._in_round)
            self._in_round = {}

    async def _answer_round(self, batch: dict[str, Waiters]) -> None:
        if len(batch) == 1:
            [(task_id, waiters)] = batch.items()
            await self._answer_alone(task_id, waiters)
            return
        try:
            records = await self._fetch_all()
        except Exception as error:
            for waiters in batch.values():
                _fail(waiters, error)
            return
        missing: dict[str, Waiters] = {}
        for task_id, waiters in batch.items():
            if task_id in records:
                _resolve(waiters, records[task_id])
            else:
                missing[task_id] = waiters
        await asyncio.gather(
            *(self._answer_alone(task_id, waiters, own_slot=True) for task_id, waiters in missing.items())
        )

    async def _answer_alone(self, task_id: str, waiters: Waiters, *, own_slot: bool = False) -> None:
        try:
            if own_slot:
                await self._limiter.acquire()
            record = await self._fetch_one(task_id)
        except Exception as error:
            _fail(waiters, error)
        else:
            _resolve(waiters, record)


def _resolve(waiters: Waiters, record: Record) -> None:
    for future in waiters:
        if not future.done():
            future.set_result(record)


def _fail(waiters: Waiters, error: Exception) -> None:
    for future in waiters:
        if not future.done():
            future.set_exception(error)
