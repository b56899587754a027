from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from providers.mythiq import MythiqClient
from tests.fakes.mythiq import FakeMythiq
from tests.fakes.server import serve
from tests.providers.mythiq.support import KEY


@pytest.fixture
def fake() -> FakeMythiq:
    return FakeMythiq()


@pytest.fixture
async def base_url(fake: FakeMythiq) -> AsyncIterator[str]:
    async with serve(fake.app()) as url:
        yield f"{url}/v1"


@pytest.fixture
async def client(base_url: str) -> AsyncIterator[MythiqClient]:
    client = MythiqClient(KEY, base_url=base_url, request_timeout_s=5.0)
    yield client
    await client.aclose()
