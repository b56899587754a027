"""Fixtures: a fake IMA on 127.0.0.1 and an ImaClient pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from providers.ima import ImaClient
from tests.fakes.ima import DEFAULT_KEY, FakeIma
from tests.fakes.server import serve


@pytest.fixture
def fake() -> FakeIma:
    return FakeIma(queued_s=0.0, processing_s=0.0, empty_url_s=0.0)


@pytest.fixture
async def fake_url(fake: FakeIma) -> AsyncIterator[str]:
    async with serve(fake.app()) as url:
        yield url


@pytest.fixture
async def client(fake_url: str) -> AsyncIterator[ImaClient]:
    ima = ImaClient(api_key=DEFAULT_KEY, base_url=fake_url, upload_base_url=fake_url)
    yield ima
    await ima.aclose()
