"""Shared fixtures: a fake AIVideoMaker on 127.0.0.1 and a time-scaled client pointed at it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from providers.aivideomaker import AivideomakerClient
from providers.types import (
    GenerationRequest,
    ImageInput,
    ModelRef,
    Offer,
    TaskHandle,
    TaskStatus,
    TaskType,
    VideoParams,
)
from tests.fakes.aivideomaker import FakeAivideomaker
from tests.fakes.server import serve

KEY = "ak_test_key"
SCALE = 0.01  # a minute lasts 0.6 s
IMAGE_URL = "https://example.com/cat.png"
PNG = b"\x89PNG\r\n\x1a\nfake-png-bytes"


def offer(model_id: str) -> Offer:
    return Offer(model_key=f"aivideomaker-{model_id}", model_name=model_id, ref=ModelRef(model_id=model_id))


def text_request(prompt: str = "a cat surfing", **params: object) -> GenerationRequest:
    return GenerationRequest(
        task_type=TaskType.TEXT_TO_VIDEO, prompt=prompt, params=VideoParams.model_validate(params)
    )


def image_request(image: ImageInput, prompt: str = "it jumps", **params: object) -> GenerationRequest:
    return GenerationRequest(
        task_type=TaskType.IMAGE_TO_VIDEO,
        prompt=prompt,
        images=(image,),
        params=VideoParams.model_validate(params),
    )


async def start(client: AivideomakerClient, request: GenerationRequest, model_id: str = "t2v") -> TaskHandle:
    return await client.submit(await client.quote(request, offer(model_id)), request)


async def until_done(client: AivideomakerClient, handle: TaskHandle, every_s: float = 0.02) -> TaskStatus:
    status = await client.poll(handle)
    while not status.done:
        await asyncio.sleep(every_s)
        status = await client.poll(handle)
    return status


@pytest.fixture
def fake() -> FakeAivideomaker:
    return FakeAivideomaker(
        api_keys=(KEY, "ak_other_key"), queued_s=0.05, processing_s=0.05, time_scale=SCALE
    )


@pytest.fixture
async def base_url(fake: FakeAivideomaker) -> AsyncIterator[str]:
    async with serve(fake.app()) as url:
        yield url


@pytest.fixture
async def client(base_url: str) -> AsyncIterator[AivideomakerClient]:
    client = AivideomakerClient(api_key=KEY, base_url=base_url, time_scale=SCALE)
    yield client
    await client.aclose()
