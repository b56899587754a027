"""MythIQ client against the fake: discovery, quotes, routing, generation with and without images."""

from __future__ import annotations

import asyncio

import pytest

from providers.errors import BadParamsError, ImageUploadError, UnavailableError, UnsupportedParamsError
from providers.mythiq import ROUTING_MEANINGS, MythiqClient, Routing
from providers.types import CreditUnit, ImageInput, TaskState, TaskType, VideoParams
from tests.fakes.mythiq import CDN, FakeMythiq
from tests.providers.mythiq.support import KEY, KLING, PNG, finish, i2v, offer, png, run, t2v


async def test_list_models_skips_images_and_prices_in_cents(client: MythiqClient, fake: FakeMythiq) -> None:
    text = {m.ref.model_id: m for m in await client.list_models(TaskType.TEXT_TO_VIDEO)}
    image = {m.ref.model_id for m in await client.list_models(TaskType.IMAGE_TO_VIDEO)}

    assert set(text) == {KLING, "wan/wan-2.6", "minimax/hailuo-2.3", "google/veo-3.1"}
    kling = text[KLING]
    assert (kling.provider, kling.name, kling.unit, kling.credits_min, kling.credits_max) == (
        "mythiq",
        "Kling 2.6",
        CreditUnit.USD_CENTS,
        35,
        35,
    )
    assert text["minimax/hailuo-2.3"].credits_min == 29  # $0.284, rounded up to whole cents
    assert "google/veo-3.1" not in image and KLING in image
    assert await client.list_models(TaskType.FIRST_LAST_FRAME_TO_VIDEO) == []
    assert len([r for r in fake.requests if r.path == "/v1/models"]) == 1  # cached


async def test_model_list_is_paged(client: MythiqClient, fake: FakeMythiq) -> None:
    template = fake.models[1]
    fake.models += [template | {"id": f"extra/model-{i}"} for i in range(150)]
    assert len(await client.list_models(TaskType.TEXT_TO_VIDEO)) == 154
    pages = [r.query for r in fake.requests if r.path == "/v1/models"]
    assert pages == [{"limit": "100", "page": "0"}, {"limit": "100", "page": "1"}]


async def test_models_cache_expires(base_url: str, fake: FakeMythiq) -> None:
    client = MythiqClient(KEY, base_url=base_url, models_ttl_s=0.0)
    await client.list_models(TaskType.TEXT_TO_VIDEO)
    await client.list_models(TaskType.TEXT_TO_VIDEO)
    await client.aclose()
    assert len([r for r in fake.requests if r.path == "/v1/models"]) == 2


async def test_quote_sends_documented_fields(client: MythiqClient) -> None:
    quote = await client.quote(t2v(params=VideoParams(resolution="720P", duration=10)), offer())
    assert quote.params == {"model": KLING, "size": "720p", "routing": "optimal", "public": False}
    assert (quote.credits, quote.unit, quote.provider) == (35, CreditUnit.USD_CENTS, "mythiq")
    assert (await client.quote(t2v(), offer())).params["size"] == "1080p"


async def test_quote_refusals(client: MythiqClient) -> None:
    with pytest.raises(UnsupportedParamsError):
        await client.quote(t2v(params=VideoParams(resolution="4k")), offer())
    with pytest.raises(UnsupportedParamsError):
        await client.quote(i2v(png()), offer("google/veo-3.1"))
    with pytest.raises(BadParamsError):
        await client.quote(t2v("x" * 501), offer())
    with pytest.raises(UnavailableError):
        await client.quote(t2v(), offer("stability/sdxl"))


async def test_routing_is_configurable_and_documented(base_url: str, fake: FakeMythiq) -> None:
    assert set(ROUTING_MEANINGS) == set(Routing)
    client = MythiqClient(KEY, base_url=base_url, routing=Routing.CHEAPEST)
    assert (await run(client, t2v())).state is TaskState.SUCCEEDED
    await client.aclose()
    assert fake.generations[0].json["routing"] == "cheapest"


async def test_text_to_video(client: MythiqClient, fake: FakeMythiq) -> None:
    status = await run(client, t2v())

    assert status.state is TaskState.SUCCEEDED
    assert status.video_url and status.video_url.startswith(f"{CDN}/") and status.video_url.endswith(".mp4")
    (sent,) = fake.generations
    assert sent.json == {
        "prompt": "a lighthouse in a storm",
        "model": KLING,
        "size": "1080p",
        "routing": "optimal",
        "public": False,
    }
    assert sent.headers["Authorization"] == f"Bearer {KEY}"
    assert fake.balance_usd == pytest.approx(100 - 0.35)
    assert await client.balance() is None


async def test_image_bytes_take_the_presigned_upload(client: MythiqClient, fake: FakeMythiq) -> None:
    status = await run(client, i2v(png()))

    assert status.state is TaskState.SUCCEEDED
    ((upload_id, upload),) = fake.uploads.items()
    assert (upload.name, upload.mime, upload.data) == ("photo.png", "image/png", PNG)
    steps = [(r.method, r.path) for r in fake.requests if "/media" in r.path or "/storage" in r.path]
    assert steps == [
        ("POST", "/v1/media/upload"),
        ("PUT", f"/storage/{upload_id}"),
        ("PUT", f"/v1/media/{upload_id}"),
    ]
    storage = next(r for r in fake.requests if r.path.startswith("/storage/"))
    assert "Authorization" not in storage.headers  # the key never goes to the storage host
    assert fake.generations[0].json["image_url"] == f"{CDN}/{upload_id}/main.png"


async def test_https_image_url_is_sent_as_is(client: MythiqClient, fake: FakeMythiq) -> None:
    status = await run(client, i2v(ImageInput(url="https://example.com/sea.jpg")))
    assert status.state is TaskState.SUCCEEDED
    assert not fake.uploads and fake.generations[0].json["image_url"] == "https://example.com/sea.jpg"


@pytest.mark.parametrize("case", ["bad mime", "storage down", "no bytes", "http url"])
async def test_unusable_image_is_an_upload_error(client: MythiqClient, fake: FakeMythiq, case: str) -> None:
    image = {
        "bad mime": ImageInput(data=b"hello", content_type="text/plain"),
        "storage down": png(),
        "no bytes": ImageInput(),
        "http url": ImageInput(url="http://insecure.example/a.png"),
    }[case]
    fake.storage_down = case == "storage down"
    request = i2v(image)
    quote = await client.quote(request, offer())
    with pytest.raises(ImageUploadError) as caught:
        await client.submit(quote, request)
    assert caught.value.before_task and not fake.generations


async def test_wrong_image_count_is_refused_before_sending(client: MythiqClient, fake: FakeMythiq) -> None:
    quote = await client.quote(t2v(), offer())
    with pytest.raises(BadParamsError):
        await client.submit(quote, i2v(png()))
    assert not fake.generations and not fake.uploads


async def test_poll_says_processing_while_the_request_runs(client: MythiqClient, fake: FakeMythiq) -> None:
    fake.delay_s = 0.4
    request = t2v()
    handle = await client.submit(await client.quote(request, offer()), request)
    await asyncio.sleep(0.1)

    assert (await client.poll(handle)).state is TaskState.PROCESSING
    assert fake.in_flight == 1
    assert (await finish(client, handle)).state is TaskState.SUCCEEDED
