"""A lock among instances: a PostgreSQL session advisory lock on a connection of its own.

Held while its connection lives: when the holder dies or its connection drops, the server releases
it and the next instance waiting gets it. The holder checks its connection every ``check_s`` and
sets the ``lost`` event it was given when the connection is gone (the lock may be another's then).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg import AsyncConnection

from handlers.ledger.postgres.database import Database

log = logging.getLogger(__name__)


@asynccontextmanager
async def held(
    database: Database, name: str, *, retry_s: float, check_s: float
) -> AsyncIterator[asyncio.Event]:
    """Wait until ``name`` is ours (trying every ``retry_s``), hold it for the block; yields ``lost``."""
    conn = await database.dedicated()
    try:
        while not await _try(conn, name):
            await asyncio.sleep(retry_s)
        log.info("holding %s", name)
        lost = asyncio.Event()
        watch = asyncio.create_task(_watch(conn, name, lost, check_s), name=f"lock:{name}")
        try:
            yield lost
        finally:
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
    finally:
        await conn.close()  # the session ends: the lock is free


async def _try(conn: AsyncConnection[Any], name: str) -> bool:
    cursor = await conn.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (name,))
    found = await cursor.fetchone()
    return bool(found and found[0])


async def _watch(conn: AsyncConnection[Any], name: str, lost: asyncio.Event, check_s: float) -> None:
    while True:
        await asyncio.sleep(check_s)
        try:
            await conn.execute("SELECT 1")
        except psycopg.Error:
            log.warning("lost %s: its database connection dropped", name)
            lost.set()
            return
