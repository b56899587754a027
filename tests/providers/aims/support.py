"""Shared bits of the AIMS client tests."""

from __future__ import annotations

import asyncio

from providers.aims import AimsClient
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

KEY = "aims_test_key"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
VEO = "fal-ai/veo3.1/fast"
VEO_I2V = "fal-ai/veo3.1/fast/image-to-video"


def offer(model_id: str = VEO) -> Offer:
    return Offer(model_key="veo-3.1", model_name="Veo 3.1", ref=ModelRef(model_id=model_id))


def t2v(
    prompt: str = "a drone shot over snowy mountains", params: VideoParams | None = None
) -> GenerationRequest:
    return GenerationRequest(task_type=TaskType.TEXT_TO_VIDEO, prompt=prompt, params=params or VideoParams())


def with_images(task_type: TaskType, *images: ImageInput) -> GenerationRequest:
    return GenerationRequest(task_type=task_type, prompt="slow cinematic reveal", images=images)


def png(name: str = "photo.png") -> ImageInput:
    return ImageInput(data=PNG, content_type="image/png", filename=name)


async def finish(client: AimsClient, handle: TaskHandle, limit_s: float = 5.0) -> TaskStatus:
    """Poll until the task is done."""
    async with asyncio.timeout(limit_s):
        while not (status := await client.poll(handle)).done:
            await asyncio.sleep(0.01)
    return status


async def run(client: AimsClient, request: GenerationRequest, model_id: str = VEO) -> TaskStatus:
    """Quote, submit and poll one request to its end."""
    quote = await client.quote(request, offer(model_id))
    return await finish(client, await client.submit(quote, request))
