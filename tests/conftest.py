"""Fixtures every test package may use: a real PostgreSQL server (started on first use)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres import Server, need_postgres, running_server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """One server for the session, started only when a test asks for it."""
    with running_server(need_postgres()) as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: Server) -> str:
    """A fresh, empty database of its own for this test."""
    return postgres_server.database()
