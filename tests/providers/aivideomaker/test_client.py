"""Jobs end to end against the fake: create, poll, detail once, failure, cancel."""

from __future__ import annotations

import asyncio
import base64

import pytest

from providers.aivideomaker import AivideomakerClient
from providers.errors import ErrorKind
from providers.types import ImageInput, TaskState
from tests.fakes.aivideomaker import FakeAivideomaker
from tests.providers.aivideomaker.conftest import (
    IMAGE_URL,
    KEY,
    PNG,
    image_request,
    start,
    text_request,
    until_done,
)


async def test_text_to_video(client: AivideomakerClient, fake: FakeAivideomaker) -> None:
    handle = await start(client, text_request(duration=8, aspect_ratio="9:16"))
    assert handle.provider == "aivideomaker" and handle.quote.credits == 8
    create = fake.requests[0]
    assert (create.method, create.path) == ("POST", "/api/v1/generate/t2v")
    assert create.body == {"prompt": "a cat surfing", "duration": "8", "aspectRatio": "9:16"}
    assert create.headers["key"] == KEY and "Authorization" not in create.headers
    assert create.headers["User-Agent"].startswith("Mozilla/5.0")
    assert create.headers["Content-Type"] == "application/json"
    assert fake.balances[KEY] == 100_000 - 8

    first = await client.poll(handle)
    assert first.state is TaskState.QUEUED
    status = await until_done(client, handle)
    assert status.state is TaskState.SUCCEEDED and status.progress == 100 and status.duration_s == 8.0
    assert status.video_url == f"https://static.img2video.ai/videos/{handle.task_id}.mp4"
    # built from our base (the fake's responseUrl names the real host), detail fetched exactly once
    assert fake.paths("GET").count(f"/api/v1/tasks/{handle.task_id}") == 1
    assert set(fake.paths("GET")) == {
        f"/api/v1/tasks/{handle.task_id}/status",
        f"/api/v1/tasks/{handle.task_id}",
    }
    asked = len(fake.requests)
    assert await client.poll(handle) == status  # a finished task is not asked again
    assert len(fake.requests) == asked


async def test_processing_state(client: AivideomakerClient, fake: FakeAivideomaker) -> None:
    fake.queued_s, fake.processing_s = 0.0, 10.0
    handle = await start(client, text_request())
    assert (await client.poll(handle)).state is TaskState.PROCESSING


async def test_image_to_video_with_public_url(client: AivideomakerClient, fake: FakeAivideomaker) -> None:
    handle = await start(client, image_request(ImageInput(url=IMAGE_URL), duration=10), "i2v_v3")
    assert fake.requests[0].body == {"image": IMAGE_URL, "prompt": "it jumps", "duration": "10"}
    assert handle.quote.credits == 100 and fake.balances[KEY] == 100_000 - 100
    assert (await until_done(client, handle)).state is TaskState.SUCCEEDED


async def test_image_to_video_with_bytes_as_data_url(
    client: AivideomakerClient, fake: FakeAivideomaker
) -> None:
    image = ImageInput(data=PNG, content_type="image/png", filename="cat.png")
    handle = await start(client, image_request(image, prompt=""), "i2v")
    sent = fake.requests[0].body
    assert sent["image"] == "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert sent["prompt"] is None
    assert fake.tasks[handle.task_id].input["image"].startswith("https://r2.")  # the backend uploaded it
    assert (await until_done(client, handle)).state is TaskState.SUCCEEDED


@pytest.mark.parametrize("field", ["videoUrl", "video_url"])
async def test_other_output_fields(client: AivideomakerClient, fake: FakeAivideomaker, field: str) -> None:
    fake.output_field = field
    handle = await start(client, text_request())
    assert (
        await until_done(client, handle)
    ).video_url == f"https://static.img2video.ai/videos/{handle.task_id}.mp4"


async def test_failed_task(client: AivideomakerClient, fake: FakeAivideomaker) -> None:
    fake.fail_next_tasks = 1
    handle = await start(client, text_request())
    status = await until_done(client, handle)
    assert (status.state, status.error_kind, status.video_url) == (
        TaskState.FAILED,
        ErrorKind.GENERATION_FAILED,
        None,
    )
    assert fake.balances[KEY] == 100_000  # refunded


async def test_cancel_while_submitted(client: AivideomakerClient, fake: FakeAivideomaker) -> None:
    fake.queued_s = 10.0
    handle = await start(client, text_request())
    assert await client.cancel(handle) is True
    assert fake.requests[-1].method == "PUT" and fake.requests[-1].path.endswith("/cancel")
    status = await client.poll(handle)
    assert (status.state, status.error_kind) == (TaskState.FAILED, ErrorKind.GENERATION_FAILED)
    assert "cancelled" in status.error_detail
    assert fake.balances[KEY] == 100_000


async def test_cancel_refused_once_running(client: AivideomakerClient, fake: FakeAivideomaker) -> None:
    fake.queued_s = 0.0
    handle = await start(client, text_request())
    assert await client.cancel(handle) is False
    assert (await until_done(client, handle)).state is TaskState.SUCCEEDED


async def test_concurrent_polls_share_one_list_request(
    client: AivideomakerClient, fake: FakeAivideomaker
) -> None:
    fake.queued_s = 10.0
    handles = [await start(client, text_request(f"scene {n}")) for n in range(5)]
    statuses = await asyncio.gather(*(client.poll(handle) for handle in handles))
    assert {status.state for status in statuses} == {TaskState.QUEUED}
    assert fake.paths("GET") == ["/api/v1/tasks"]


async def test_tasks_missing_from_the_list_fall_back_to_status(
    client: AivideomakerClient, fake: FakeAivideomaker
) -> None:
    fake.queued_s, fake.list_limit = 10.0, 2  # the list shows a page of the newest two only
    handles = [await start(client, text_request(f"scene {n}")) for n in range(5)]
    statuses = await asyncio.gather(*(client.poll(handle) for handle in handles))
    assert {status.state for status in statuses} == {TaskState.QUEUED}
    assert fake.paths("GET")[0] == "/api/v1/tasks"
    assert sorted(fake.paths("GET")[1:]) == sorted(f"/api/v1/tasks/{h.task_id}/status" for h in handles[:3])
