"""A fake Media.io on 127.0.0.1 and a client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from providers.mediaio import MediaioClient
from tests.fakes.mediaio import FakeMediaio
from tests.fakes.server import serve
from tests.providers.mediaio.samples import API_KEY


@pytest.fixture
def fake() -> FakeMediaio:
    return FakeMediaio(api_key=API_KEY, queue_s=0.02, process_s=0.02)


@pytest.fixture
async def base_url(fake: FakeMediaio) -> AsyncIterator[str]:
    async with serve(fake.app()) as url:
        yield url


@pytest.fixture
async def client(base_url: str) -> AsyncIterator[MediaioClient]:
    client = MediaioClient(api_key=API_KEY, base_url=base_url)
    yield client
    await client.aclose()
