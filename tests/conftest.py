"""Fixtures every test package may use: a real PostgreSQL server (started on first use); and every
async test runs on the loop the bot runs on (bot/eventloop.py: uvloop)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import pytest

from bot.eventloop import loop_factory
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


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], object]]:
    """The product's default loop for every async test (one factory: test ids stay as they are)."""
    factory = loop_factory("uvloop")
    assert factory is not None
    return {"uvloop": factory}
