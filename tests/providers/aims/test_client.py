"""AIMS client against the fake: discovery, quotes, generation with and without images."""

from __future__ import annotations

import asyncio

import pytest

from providers.aims import AimsClient
from providers.errors import BadParamsError, ImageUploadError, UnavailableError, UnsupportedParamsError
from providers.types import CreditUnit, ImageInput, TaskState, TaskType, VideoParams
from tests.fakes.aims import CDN, FakeAims
from tests.providers.aims.support import KEY, PNG, VEO, VEO_I2V, finish, offer, png, run, t2v, with_images


async def test_list_models_prices_per_second_by_task_type(client: AimsClient, fake: FakeAims) -> None:
    text = {m.ref.model_id: m for m in await client.list_models(TaskType.TEXT_TO_VIDEO)}
    image = {m.ref.model_id for m in await client.list_models(TaskType.IMAGE_TO_VIDEO)}

    veo = text[VEO]
    assert (veo.provider, veo.name, veo.unit) == ("aims", "Veo 3.1 Fast", CreditUnit.CREDITS)
    assert (veo.credits_min, veo.credits_max) == (30 * 4, 30 * 8)
    assert VEO_I2V not in text and image == {VEO_I2V, "bytedance/seedance-2.0/fast/image-to-video"}
    assert [m.ref.model_id for m in await client.list_models(TaskType.REFERENCE_IMAGE_TO_VIDEO)] == [
        "fal-ai/veo3.1/reference-to-video"
    ]
    models_calls = [r for r in fake.requests if r.path == "/api/v1/models"]
    assert len(models_calls) == 1 and models_calls[0].query == {"type": "video"}  # cached


async def test_models_cache_expires(base_url: str, fake: FakeAims) -> None:
    client = AimsClient(KEY, base_url=base_url, models_ttl_s=0.0)
    await client.list_models(TaskType.TEXT_TO_VIDEO)
    await client.list_models(TaskType.TEXT_TO_VIDEO)
    await client.aclose()
    assert len([r for r in fake.requests if r.path == "/api/v1/models"]) == 2


async def test_discovery_falls_back_to_videos_generate_on_404(client: AimsClient, fake: FakeAims) -> None:
    fake.has_models_endpoint = False
    models = await client.list_models(TaskType.TEXT_TO_VIDEO)
    assert VEO in {m.ref.model_id for m in models}
    assert ("GET", "/api/v1/videos/generate") in {(r.method, r.path) for r in fake.requests}


async def test_unreadable_model_entries_are_skipped(client: AimsClient, fake: FakeAims) -> None:
    fake.video_models.append({"id": 3, "credit_cost": "lots"})
    assert len(await client.list_models(TaskType.TEXT_TO_VIDEO)) == 9


async def test_balance(client: AimsClient) -> None:
    assert await client.balance() == 10_000


async def test_quote_snaps_duration_and_prices_what_is_sent(client: AimsClient) -> None:
    quote = await client.quote(t2v(params=VideoParams(duration=5, aspect_ratio="9:16")), offer())
    assert quote.params == {"model": VEO, "duration": 4, "aspect_ratio": "9:16"}
    assert (quote.credits, quote.unit, quote.provider, quote.model_key) == (
        120,
        CreditUnit.CREDITS,
        "aims",
        "veo-3.1",
    )
    default = await client.quote(t2v(), offer())
    assert default.params["duration"] == 4 and default.credits == 120


async def test_quote_refuses_what_the_model_cannot_do(client: AimsClient) -> None:
    with pytest.raises(UnsupportedParamsError):
        await client.quote(t2v(params=VideoParams(resolution="4k")), offer())
    with pytest.raises(UnsupportedParamsError):
        await client.quote(t2v(), offer(VEO_I2V))
    with pytest.raises(UnavailableError):
        await client.quote(t2v(), offer("fal-ai/retired-model"))


async def test_text_to_video(client: AimsClient, fake: FakeAims) -> None:
    status = await run(client, t2v(params=VideoParams(duration=6)))

    assert status.state is TaskState.SUCCEEDED
    assert status.video_url and status.video_url.startswith("https://v3.fal.media/files/")
    assert status.duration_s == 6.0 and status.cover_url is None
    (sent,) = fake.generations
    assert sent.json == {"prompt": "a drone shot over snowy mountains", "model": VEO, "duration": 6}
    assert sent.headers["Authorization"] == f"Bearer {KEY}"
    assert fake.credits == 10_000 - 180  # the fake charged exactly what we quoted


async def test_image_bytes_are_uploaded_first(client: AimsClient, fake: FakeAims) -> None:
    fake.workspace_urls_only = True
    status = await run(client, with_images(TaskType.IMAGE_TO_VIDEO, png()), VEO_I2V)

    assert status.state is TaskState.SUCCEEDED
    ((url, data),) = fake.uploads.items()
    assert data == PNG and url.startswith(f"{CDN}/ws-test/uploads/")
    assert fake.generations[0].json["image_url"] == url


async def test_https_image_url_is_sent_as_is(client: AimsClient, fake: FakeAims) -> None:
    image = ImageInput(url="https://example.com/keyframe.png")
    status = await run(client, with_images(TaskType.IMAGE_TO_VIDEO, image), VEO_I2V)

    assert status.state is TaskState.SUCCEEDED
    assert not fake.uploads
    assert fake.generations[0].json["image_url"] == "https://example.com/keyframe.png"


async def test_first_last_frame_and_reference_fields(client: AimsClient, fake: FakeAims) -> None:
    first, last = ImageInput(url="https://example.com/a.png"), ImageInput(url="https://example.com/b.png")
    flf = "fal-ai/veo3.1/fast/first-last-frame-to-video"
    assert (await run(client, with_images(TaskType.FIRST_LAST_FRAME_TO_VIDEO, first, last), flf)).done
    ref = "fal-ai/veo3.1/reference-to-video"
    assert (await run(client, with_images(TaskType.REFERENCE_IMAGE_TO_VIDEO, first, png()), ref)).done

    flf_body, ref_body = (g.json for g in fake.generations)
    assert (flf_body["first_frame_url"], flf_body["last_frame_url"]) == (first.url, last.url)
    assert ref_body["image_urls"][0] == first.url and ref_body["image_urls"][1].startswith(CDN)


async def test_wrong_image_count_is_refused_before_sending(client: AimsClient, fake: FakeAims) -> None:
    quote = await client.quote(with_images(TaskType.IMAGE_TO_VIDEO), offer(VEO_I2V))
    with pytest.raises(BadParamsError):
        await client.submit(quote, with_images(TaskType.IMAGE_TO_VIDEO))
    assert not fake.generations


@pytest.mark.parametrize(
    "image",
    [ImageInput(data=b"not an image", filename="x.txt"), ImageInput(url="http://insecure.example/a.png")],
)
async def test_unusable_image_is_an_upload_error(
    client: AimsClient, fake: FakeAims, image: ImageInput
) -> None:
    request = with_images(TaskType.IMAGE_TO_VIDEO, image)
    quote = await client.quote(request, offer(VEO_I2V))
    with pytest.raises(ImageUploadError) as caught:
        await client.submit(quote, request)
    assert caught.value.before_task and not fake.generations


async def test_poll_says_processing_while_the_request_runs(client: AimsClient, fake: FakeAims) -> None:
    fake.delay_s = 0.4
    request = t2v()
    handle = await client.submit(await client.quote(request, offer()), request)
    await asyncio.sleep(0.1)

    assert (await client.poll(handle)).state is TaskState.PROCESSING
    assert fake.in_flight == 1
    assert handle.provider == "aims" and handle.quote.credits == 120
    assert (await finish(client, handle)).state is TaskState.SUCCEEDED
