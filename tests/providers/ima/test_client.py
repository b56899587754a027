"""ImaClient end to end against the fake IMA: quote, submit, poll, caching, refresh and retry."""

from __future__ import annotations

import asyncio

import pytest

from providers.base import VideoProvider
from providers.errors import BadParamsError, RuleMismatchError, UnavailableError, UnsupportedParamsError
from providers.ima import ImaClient
from providers.types import CreditUnit, ImageInput, ModelRef, TaskState, TaskType
from tests.fakes.ima import DEFAULT_KEY, FakeIma, Fault, ManualClock
from tests.fakes.server import serve
from tests.providers.ima.support import KLING_O1, PHOTO, WAN, offer, request

I2V = TaskType.IMAGE_TO_VIDEO
FLF = TaskType.FIRST_LAST_FRAME_TO_VIDEO
REF = TaskType.REFERENCE_IMAGE_TO_VIDEO


def test_is_a_video_provider() -> None:
    client = ImaClient(api_key=DEFAULT_KEY)
    assert isinstance(client, VideoProvider)
    assert (client.name, client.unit) == ("ima", CreditUnit.POINTS)
    assert DEFAULT_KEY not in repr(client)


async def test_text_to_video_end_to_end(client: ImaClient, fake: FakeIma) -> None:
    wish = request(duration=10, resolution="720p")
    quote = await client.quote(wish, offer(WAN, "wan-2.6"))
    assert (quote.credits, quote.unit, quote.model_key) == (50, CreditUnit.POINTS, "wan-2.6")
    assert quote.extra == {
        "attribute_id": 2059,
        "model_version": "wan2.6-t2v",
        "model_name": "Wan 2.6",
        "category": "text_to_video",
        "language": "en",  # the client's default: the request named none
    }
    assert fake.calls("create") == []  # quoting spends nothing

    handle = await client.submit(quote, wish)
    assert handle.quote == quote
    assert fake.calls("create")[0].body == {
        "task_type": "text_to_video",
        "enable_multi_model": False,
        "src_img_url": [],
        "parameters": [
            {
                "attribute_id": 2059,
                "model_id": "wan2.6-t2v",
                "model_name": "Wan 2.6",
                "model_version": "wan2.6-t2v",
                "app": "ima",
                "platform": "web",
                "category": "text_to_video",
                "credit": 50,
                "parameters": {
                    "duration": 10,
                    "resolution": "720P",
                    "aspect_ratio": "16:9",
                    "negative_prompt": "",
                    "prompt_extend": False,
                    "shot_type": "single",
                    "prompt": wish.prompt,
                    "n": 1,
                    "input_images": [],
                    "cast": {"points": 50, "attribute_id": 2059},
                },
            }
        ],
    }
    assert fake.balance == 100_000 - 50

    status = await client.poll(handle)
    assert status.state is TaskState.SUCCEEDED
    assert status.video_url and status.video_url.endswith(f"/cdn/{handle.task_id}/0.mp4")
    assert status.cover_url and status.cover_url.endswith(".jpg")
    assert status.duration_s == 10.0


async def test_headers_and_query(client: ImaClient, fake: FakeIma) -> None:
    await client.list_models(TaskType.TEXT_TO_VIDEO)
    call = fake.calls("product_list")[0]
    assert call.query == {"app": "ima", "platform": "web", "category": "text_to_video"}
    assert call.headers["Authorization"] == f"Bearer {DEFAULT_KEY}"
    assert call.headers["x-app-source"] == "ima_skills"
    assert call.headers["x_app_language"] == "en"
    assert call.headers["User-Agent"].startswith("IMA-OpenAPI-Client/")


async def test_list_models_per_category(client: ImaClient) -> None:
    i2v = {model.ref.model_id: model for model in await client.list_models(I2V)}
    assert "wan2.6-i2v" in i2v and "wan2.6-t2v" not in i2v
    assert i2v["wan2.6-i2v"].credits_min == 25
    flf = await client.list_models(FLF)
    assert {model.ref.model_id for model in flf} >= {"kling-video-o1", "MiniMax-Hailuo-02", "viduq2-pro"}


async def test_poll_waits_for_the_url(fake_url: str) -> None:
    clock = ManualClock()
    fake = FakeIma(queued_s=1, processing_s=1, empty_url_s=1, clock=clock)
    async with serve(fake.app()) as url:
        client = ImaClient(api_key=DEFAULT_KEY, base_url=url, upload_base_url=url)
        wish = request()
        handle = await client.submit(await client.quote(wish, offer(WAN)), wish)
        seen = []
        for _ in range(4):
            seen.append((await client.poll(handle)).state)
            clock.advance(1)
        await client.aclose()
    assert seen == [TaskState.QUEUED, TaskState.PROCESSING, TaskState.PROCESSING, TaskState.SUCCEEDED]


async def test_cover_url_field_is_read(client: ImaClient) -> None:
    wish = request(prompt="a cat ima-cover-url")
    status = await client.poll(await client.submit(await client.quote(wish, offer(WAN)), wish))
    assert status.cover_url and status.cover_url.endswith("/0.jpg")


async def test_image_to_video_uses_an_https_url_as_is(client: ImaClient, fake: FakeIma) -> None:
    wish = request(I2V, images=(PHOTO,))
    quote = await client.quote(wish, offer(ModelRef(model_id="wan2.6-i2v")))
    assert quote.extra["attribute_id"] == 12058
    await client.submit(quote, wish)
    body = fake.calls("create")[0].body
    assert body["src_img_url"] == [PHOTO.url] == body["parameters"][0]["parameters"]["input_images"]
    assert fake.calls("upload_token") == []


async def test_image_to_video_uploads_bytes(client: ImaClient, fake: FakeIma) -> None:
    image = ImageInput(data=b"\x89PNG-bytes", content_type="image/png", filename="cat.png")
    wish = request(I2V, images=(image,))
    handle = await client.submit(await client.quote(wish, offer(KLING_O1)), wish)
    token = fake.calls("upload_token")[0]
    assert token.query == {"suffix": "png", "content_type": "image/png", "uid": "0"}
    assert (token.headers["ima-token"], token.headers["APP-KEY"]) == (DEFAULT_KEY, "im_claw_open")
    assert "Authorization" not in token.headers
    assert fake.calls("upload_put")[0].body == b"\x89PNG-bytes"
    [cdn_url] = fake.calls("create")[0].body["src_img_url"]
    assert cdn_url.startswith("https://") and fake.uploads[cdn_url] == b"\x89PNG-bytes"
    assert (await client.poll(handle)).state is TaskState.SUCCEEDED


async def test_first_last_frame_keeps_the_order(client: ImaClient, fake: FakeIma) -> None:
    last = ImageInput(data=b"last-frame")
    wish = request(FLF, images=(PHOTO, last))
    await client.submit(await client.quote(wish, offer(KLING_O1)), wish)
    first_url, last_url = fake.calls("create")[0].body["src_img_url"]
    assert first_url == PHOTO.url and fake.uploads[last_url] == b"last-frame"


async def test_reference_image(client: ImaClient, fake: FakeIma) -> None:
    wish = request(REF, images=(PHOTO, PHOTO))
    quote = await client.quote(wish, offer(ModelRef(model_id="veo-3.1-generate-preview")))
    assert (quote.params["duration"], quote.params["resolution"], quote.credits) == (8, "1080p", 190)
    await client.submit(quote, wish)
    assert fake.calls("create")[0].body["task_type"] == "reference_image_to_video"


@pytest.mark.parametrize(
    ("task_type", "count"), [(FLF, 1), (FLF, 3), (I2V, 0), (TaskType.TEXT_TO_VIDEO, 1), (REF, 0)]
)
async def test_wrong_image_counts_fail_before_anything(
    client: ImaClient, fake: FakeIma, task_type: TaskType, count: int
) -> None:
    wish = request(task_type, images=(PHOTO,) * count)
    with pytest.raises(BadParamsError):
        await client.quote(wish, offer(KLING_O1))
    assert fake.requests == []


async def test_unsupported_params_fail_at_quote(client: ImaClient, fake: FakeIma) -> None:
    with pytest.raises(UnsupportedParamsError):
        await client.quote(request(duration=7), offer(WAN))
    assert fake.calls("create") == []


async def test_a_model_not_offered_is_unavailable(client: ImaClient) -> None:
    with pytest.raises(UnavailableError):
        await client.quote(request(), offer(ModelRef(model_id="wan2.6-i2v")))


async def test_one_list_request_for_many_quotes(client: ImaClient, fake: FakeIma) -> None:
    wishes = [request(duration=d) for d in (5, 10, 15)] * 3
    quotes = await asyncio.gather(*(client.quote(wish, offer(WAN)) for wish in wishes))
    await client.list_models(TaskType.TEXT_TO_VIDEO)
    assert [quote.credits for quote in quotes[:3]] == [40, 80, 120]
    assert len(fake.calls("product_list")) == 1
    await client.list_models(I2V)
    assert len(fake.calls("product_list")) == 2  # one cache per category


async def test_the_list_is_fetched_again_after_its_ttl(fake: FakeIma, fake_url: str) -> None:
    client = ImaClient(api_key=DEFAULT_KEY, base_url=fake_url, products_ttl_s=0.05)
    await client.list_models(TaskType.TEXT_TO_VIDEO)
    await client.list_models(TaskType.TEXT_TO_VIDEO)
    await asyncio.sleep(0.06)
    await client.list_models(TaskType.TEXT_TO_VIDEO)
    await client.aclose()
    assert len(fake.calls("product_list")) == 2


async def test_changed_prices_refresh_the_list_and_retry_once(client: ImaClient, fake: FakeIma) -> None:
    wish = request()
    quote = await client.quote(wish, offer(WAN))
    fake.raise_prices(5)
    handle = await client.submit(quote, wish)
    assert handle.quote.credits == quote.credits + 5
    assert fake.calls("create")[1].body["parameters"][0]["credit"] == quote.credits + 5
    assert (len(fake.calls("create")), len(fake.calls("product_list"))) == (2, 2)


async def test_changed_attribute_ids_refresh_the_list_and_retry_once(
    client: ImaClient, fake: FakeIma
) -> None:
    wish = request(duration=10, resolution="720p")
    quote = await client.quote(wish, offer(WAN))
    fake.rotate_attribute_ids()
    handle = await client.submit(quote, wish)
    assert (quote.extra["attribute_id"], handle.quote.extra["attribute_id"]) == (2059, 2060)
    assert handle.quote.params["cast"] == {"points": 50, "attribute_id": 2060}
    assert len(fake.calls("create")) == 2


@pytest.mark.parametrize("fault", [Fault.NO_MATCHING_RULE, Fault.INVALID_ATTRIBUTE])
async def test_other_rule_refusals_also_retry(client: ImaClient, fake: FakeIma, fault: Fault) -> None:
    wish = request()
    fake.inject("create", fault)
    await client.submit(await client.quote(wish, offer(WAN)), wish)
    assert len(fake.calls("create")) == 2


async def test_the_retry_happens_only_once(client: ImaClient, fake: FakeIma) -> None:
    wish = request()
    quote = await client.quote(wish, offer(WAN))
    fake.inject("create", Fault.RULE_MISMATCH, times=2)
    with pytest.raises(RuleMismatchError) as caught:
        await client.submit(quote, wish)
    assert caught.value.before_task is True
    assert len(fake.calls("create")) == 2


async def test_a_foreign_quote_is_refused(client: ImaClient, fake: FakeIma) -> None:
    wish = request()
    quote = await client.quote(wish, offer(WAN))
    with pytest.raises(BadParamsError):
        await client.submit(quote.model_copy(update={"extra": {}}), wish)
    assert fake.calls("create") == []
