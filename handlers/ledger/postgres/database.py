"""One PostgreSQL database for a process: its connection pool, opened and upgraded on first use.

The job store and the preference store share it. Opening it brings the schema up to date
(:func:`handlers.ledger.postgres.schema.upgrade`); every failure to reach or use it surfaces as
:class:`~handlers.ledger.errors.LedgerError` naming the database without its password.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from handlers.ledger.errors import LedgerError
from handlers.ledger.postgres.schema import SchemaTooNew, upgrade

Conn = AsyncConnection[Any]
DEFAULT_POOL_SIZE = 10
CONNECT_TIMEOUT_S = 10.0


def redacted(url: str) -> str:
    """The database's address for messages and logs: never its password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(an address that cannot be read)"
    host, port, name = parts.get("host", "localhost"), parts.get("port", "5432"), parts.get("dbname", "")
    return f"postgresql://{host}:{port}/{name}"


async def _in_utc(conn: Conn) -> None:
    await conn.execute("SET TIME ZONE 'UTC'")


class Database:
    """A pool of autocommit connections in UTC (each call opens its own transaction when it writes)."""

    def __init__(self, url: str, *, pool_size: int = DEFAULT_POOL_SIZE) -> None:
        self.where = redacted(url)
        self._url = url
        self._pool: AsyncConnectionPool[Conn] = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True, "connect_timeout": int(CONNECT_TIMEOUT_S)},
            configure=_in_utc,
            check=AsyncConnectionPool.check_connection,
            open=False,
            name="videobot",
        )
        self._opening = asyncio.Lock()
        self._pool_open = False
        self._ready = False  # open and upgraded
        self._closed = False

    async def open(self, *, upgrading: bool = True) -> None:
        """Connect and (unless told not to) upgrade the schema, once; an unreachable or too new database
        raises here."""
        async with self._opening:
            if self._ready or (self._pool_open and not upgrading):
                return
            if self._closed:
                raise LedgerError(self.where, "is closed")
            try:
                if not self._pool_open:
                    await self._probe()
                    await self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
                    self._pool_open = True
                if upgrading:
                    async with self._pool.connection() as conn:
                        await upgrade(conn)
            except PoolTimeout:
                await self._pool.close()
                raise LedgerError(
                    self.where, f"cannot be reached (no connection in {CONNECT_TIMEOUT_S:g} s)"
                ) from None
            except SchemaTooNew as exc:
                await self._pool.close()
                raise LedgerError(self.where, str(exc)) from None
            except psycopg.Error as exc:
                await self._pool.close()
                raise LedgerError(self.where, f"cannot be used: {type(exc).__name__}") from exc
            self._ready = upgrading

    async def _probe(self) -> None:
        """One connection first: a refused one, a wrong password or a missing database is said at once
        (the pool would only retry until its timeout)."""
        try:
            conn = await AsyncConnection.connect(self._url, connect_timeout=int(CONNECT_TIMEOUT_S))
        except psycopg.OperationalError as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise LedgerError(self.where, f"cannot be reached: {reason}") from None
        await conn.close()

    async def dedicated(self) -> Conn:
        """A connection of its own, outside the pool (a session lock lives as long as it does)."""
        await self.open()
        try:
            conn = await AsyncConnection.connect(
                self._url, autocommit=True, connect_timeout=int(CONNECT_TIMEOUT_S)
            )
        except psycopg.OperationalError as exc:
            raise LedgerError(self.where, "cannot be reached: " + " ".join(str(exc).split())) from None
        await _in_utc(conn)
        return conn

    @asynccontextmanager
    async def connection(self, *, upgrading: bool = True) -> AsyncIterator[Conn]:
        """A connection from the pool (opening the database first if need be; ``upgrading=False``: as
        it is, for ``videobot db status`` and ``db upgrade``)."""
        if not self._ready:
            await self.open(upgrading=upgrading)
        try:
            async with self._pool.connection() as conn:
                yield conn
        except PoolTimeout as exc:
            raise LedgerError(self.where, "cannot be reached (every connection is busy or down)") from exc
        except psycopg.Error as exc:
            raise LedgerError(self.where, f"failed: {type(exc).__name__}: {exc}".strip()) from exc

    async def close(self) -> None:
        self._closed = True
        self._ready = False
        await self._pool.close()
