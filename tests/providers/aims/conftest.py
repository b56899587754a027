from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from providers.aims import AimsClient
from tests.fakes.aims import FakeAims
from tests.fakes.server import serve
from tests.providers.aims.support import KEY


@pytest.fixture
def fake() -> FakeAims:
    return FakeAims()


@pytest.fixture
async def base_url(fake: FakeAims) -> AsyncIterator[str]:
    async with serve(fake.app()) as url:
        yield f"{url}/api/v1"


@pytest.fixture
async def client(base_url: str) -> AsyncIterator[AimsClient]:
    client = AimsClient(KEY, base_url=base_url, request_timeout_s=5.0)
    yield client
    await client.aclose()
