"""Requests, offers and a poll loop shared by the Media.io client tests."""

from __future__ import annotations

import asyncio

from providers.mediaio import MediaioClient
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

API_KEY = "mk-secret-0123456789"
IMAGE_URL = "https://images.example.com/cat.png"


def offer(code: str) -> Offer:
    return Offer(model_key=code, model_name=code, ref=ModelRef(model_id=code))


def t2v(prompt: str = "a cat surfing at sunset", **params: object) -> GenerationRequest:
    return GenerationRequest(
        task_type=TaskType.TEXT_TO_VIDEO, prompt=prompt, params=VideoParams.model_validate(params)
    )


def i2v(
    prompt: str = "the cat starts to dance", image: ImageInput | None = None, **params: object
) -> GenerationRequest:
    return GenerationRequest(
        task_type=TaskType.IMAGE_TO_VIDEO,
        prompt=prompt,
        images=(image or ImageInput(url=IMAGE_URL),),
        params=VideoParams.model_validate(params),
    )


async def submit(client: MediaioClient, request: GenerationRequest, code: str) -> TaskHandle:
    return await client.submit(await client.quote(request, offer(code)), request)


async def poll_until_done(client: MediaioClient, handle: TaskHandle) -> list[TaskStatus]:
    """Every status seen, polling every 10 ms, up to 5 s."""
    seen: list[TaskStatus] = []
    for _ in range(500):
        seen.append(await client.poll(handle))
        if seen[-1].done:
            return seen
        await asyncio.sleep(0.01)
    raise AssertionError(f"task never finished: {seen[-1]}")
