"""Each job store the contract runs against: SQLite in a temporary file, PostgreSQL on a real server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from handlers.jobs import JobStore
from handlers.ledger import SqliteJobStore
from handlers.ledger.postgres import PostgresJobStore


@asynccontextmanager
async def opened_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[JobStore]:
    """The store named by the fixture's parameter (``sqlite`` or ``postgres``), closed after."""
    store: JobStore
    if request.param == "postgres":
        store = await PostgresJobStore.open(request.getfixturevalue("postgres_url"))
    else:
        store = await SqliteJobStore.open(tmp_path / "jobs.db")
    try:
        yield store
    finally:
        await store.close()
