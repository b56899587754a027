"""The Media.io client against the fake: models, whole t2v/i2v jobs, status vocabulary, balance."""

from __future__ import annotations

import httpx
import pytest

from providers.base import VideoProvider
from providers.errors import ErrorKind
from providers.mediaio import CREDITS_UNKNOWN, MediaioClient
from providers.types import CreditUnit, TaskState, TaskType
from tests.fakes.mediaio import FakeMediaio
from tests.fakes.server import serve
from tests.providers.mediaio.samples import API_KEY, IMAGE_URL, i2v, offer, poll_until_done, submit, t2v


async def test_is_a_video_provider(client: MediaioClient) -> None:
    assert isinstance(client, VideoProvider)
    assert (client.name, client.unit) == ("mediaio", CreditUnit.CREDITS)
    assert API_KEY not in repr(client)


async def test_list_models_per_task_type(client: MediaioClient) -> None:
    text = await client.list_models(TaskType.TEXT_TO_VIDEO)
    image = await client.list_models(TaskType.IMAGE_TO_VIDEO)
    assert [m.ref.model_id for m in text] == ["t2v-wan-v2-6", "t2v-vidu-q3", "t2v-wan-v2-5"]
    assert len(image) == 13 and "i2v-motion-control-kling-v2-6" not in {m.ref.model_id for m in image}
    assert all(m.provider == "mediaio" and m.unit is CreditUnit.CREDITS for m in text + image)
    assert all(m.credits_min == m.credits_max == CREDITS_UNKNOWN for m in text + image)
    assert await client.list_models(TaskType.FIRST_LAST_FRAME_TO_VIDEO) == []


async def test_text_to_video_job(client: MediaioClient, fake: FakeMediaio) -> None:
    request = t2v(duration=10, aspect_ratio="9:16")
    quote = await client.quote(request, offer("t2v-wan-v2-6"))
    assert quote.params == {"size": "9:16", "duration": "10s", "shot_type": "Multi", "generate_audio": "True"}
    assert (quote.credits, quote.extra) == (CREDITS_UNKNOWN, {"credits_known": False})

    handle = await client.submit(quote, request)
    sent = fake.generation_requests()
    assert [(r.path, r.api_key) for r in sent] == [("/generation/wan/t2v-wan-v2-6", API_KEY)]
    assert sent[0].body == {"data": {"prompt": request.prompt, **quote.params}}
    assert handle.task_id in fake.tasks and handle.quote == quote

    states = [s.state for s in await poll_until_done(client, handle)]
    assert states[0] is TaskState.QUEUED and TaskState.PROCESSING in states
    assert states[-1] is TaskState.SUCCEEDED


async def test_image_to_video_job_and_download(client: MediaioClient, fake: FakeMediaio) -> None:
    request = i2v(duration=8, aspect_ratio="16:9", resolution="1080p")
    handle = await submit(client, request, "i2v-veo-v3-1")
    data = fake.generation_requests()[0].body["data"]
    assert data == {
        "prompt": request.prompt,
        "image": IMAGE_URL,
        "aspect_ratio": "16:9",
        "resolution": "1080P",
        "duration": "8s",
        "generate_audio": "True",
    }
    final = (await poll_until_done(client, handle))[-1]
    assert final.state is TaskState.SUCCEEDED and final.video_url
    assert final.video_url.endswith(f"/{handle.task_id}.mp4")
    async with httpx.AsyncClient() as http:
        assert (await http.get(final.video_url)).content == fake.video_bytes


async def test_poll_and_credits_send_empty_bodies(client: MediaioClient, fake: FakeMediaio) -> None:
    handle = await submit(client, t2v(), "t2v-wan-v2-5")
    await client.poll(handle)
    await client.balance()
    assert [(r.path, r.body) for r in fake.requests[1:]] == [
        (f"/generation/result/{handle.task_id}", {}),
        ("/user/credits", {}),
    ]


async def test_every_model_default_quote_is_accepted(client: MediaioClient, fake: FakeMediaio) -> None:
    for task_type, request in ((TaskType.TEXT_TO_VIDEO, t2v()), (TaskType.IMAGE_TO_VIDEO, i2v())):
        for model in await client.list_models(task_type):
            await submit(client, request, model.ref.model_id)
    assert len(fake.tasks) == 16
    assert all(isinstance(v, str) for r in fake.generation_requests() for v in r.body["data"].values())


async def test_reference_vocabulary_pending_and_succeeded() -> None:
    fake = FakeMediaio(api_key=API_KEY, queue_s=0.02, process_s=0.02, vocabulary="reference")
    async with serve(fake.app()) as url:
        client = MediaioClient(api_key=API_KEY, base_url=url)
        seen = await poll_until_done(client, await submit(client, t2v(), "t2v-vidu-q3"))
        await client.aclose()
    assert seen[0].state is TaskState.QUEUED and seen[-1].state is TaskState.SUCCEEDED
    assert seen[-1].video_url


@pytest.mark.parametrize(
    ("keyword", "kind"),
    [
        ("[fail]", ErrorKind.GENERATION_FAILED),
        ("[timeout]", ErrorKind.TIMEOUT),
        ("[moderation]", ErrorKind.CONTENT_POLICY),
    ],
)
async def test_failed_tasks_carry_their_kind(client: MediaioClient, keyword: str, kind: ErrorKind) -> None:
    final = (await poll_until_done(client, await submit(client, t2v(f"a cat {keyword}"), "t2v-wan-v2-6")))[-1]
    assert final.state is TaskState.FAILED and final.error_kind is kind and final.error_detail
    assert final.video_url is None


async def test_completed_without_preview_waits_for_the_url(client: MediaioClient) -> None:
    seen = await poll_until_done(client, await submit(client, t2v("a cat [late-url]"), "t2v-wan-v2-6"))
    waiting = [s for s in seen if s.error_detail == "completed without a preview yet"]
    assert len(waiting) == 1 and waiting[0].state is TaskState.PROCESSING
    assert seen[-1].state is TaskState.SUCCEEDED


async def test_unknown_status_counts_as_processing(client: MediaioClient, fake: FakeMediaio) -> None:
    handle = await submit(client, t2v(), "t2v-wan-v2-6")
    fake.respond_next(body={"code": 0, "msg": "", "data": {"status": "rendering"}, "trace_id": "t"})
    assert (await client.poll(handle)).state is TaskState.PROCESSING


async def test_balance_and_cost(client: MediaioClient, fake: FakeMediaio) -> None:
    assert await client.balance() == 1000
    await submit(client, i2v(), "i2v-kling-v2-6")
    assert await client.balance() == 1000 - fake.cost
