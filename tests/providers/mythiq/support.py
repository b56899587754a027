"""Shared bits of the MythIQ client tests."""

from __future__ import annotations

import asyncio

from providers.mythiq import MythiqClient
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

KEY = "mythiq_test_key"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
KLING = "kling/kling-2.6"


def offer(model_id: str = KLING) -> Offer:
    return Offer(model_key="kling-2.6", model_name="Kling 2.6", ref=ModelRef(model_id=model_id))


def t2v(prompt: str = "a lighthouse in a storm", params: VideoParams | None = None) -> GenerationRequest:
    return GenerationRequest(task_type=TaskType.TEXT_TO_VIDEO, prompt=prompt, params=params or VideoParams())


def i2v(image: ImageInput) -> GenerationRequest:
    return GenerationRequest(
        task_type=TaskType.IMAGE_TO_VIDEO, prompt="the waves start moving", images=(image,)
    )


def png() -> ImageInput:
    return ImageInput(data=PNG, content_type="image/png", filename="photo.png")


async def finish(client: MythiqClient, handle: TaskHandle, limit_s: float = 5.0) -> TaskStatus:
    """Poll until the task is done."""
    async with asyncio.timeout(limit_s):
        while not (status := await client.poll(handle)).done:
            await asyncio.sleep(0.01)
    return status


async def run(client: MythiqClient, request: GenerationRequest, model_id: str = KLING) -> TaskStatus:
    """Quote, submit and poll one request to its end."""
    quote = await client.quote(request, offer(model_id))
    return await finish(client, await client.submit(quote, request))
