"""quote(): neutral params -> documented strings; refusals before anything is sent or spent."""

from __future__ import annotations

import pytest

from providers.errors import (
    BadParamsError,
    ImageUploadError,
    ProviderError,
    UnavailableError,
    UnsupportedParamsError,
)
from providers.mediaio import VIDEO_MODELS, MediaioClient
from providers.types import GenerationRequest, ImageInput, TaskType
from tests.fakes.mediaio import VIDEO_APIS, FakeMediaio
from tests.providers.mediaio.samples import IMAGE_URL, i2v, offer, t2v


async def test_defaults_fill_every_enum(client: MediaioClient) -> None:
    quote = await client.quote(t2v(), offer("t2v-vidu-q3"))
    assert quote.params == {"ratio": "16:9", "resolution": "720P", "duration": "8s", "generate_audio": "True"}


async def test_asked_values_become_documented_strings(client: MediaioClient) -> None:
    quote = await client.quote(i2v(duration=10, resolution="720p"), offer("i2v-kling-v2-1"))
    assert quote.params == {"duration": "10s", "resolution": "720P"}


async def test_hailuo_23_1080p_alone_keeps_6s(client: MediaioClient) -> None:
    quote = await client.quote(i2v(resolution="1080p"), offer("i2v-minimax-v2-3"))
    assert quote.params == {"resolution": "1080P", "duration": "6s"}


@pytest.mark.parametrize(
    ("request_", "code", "error"),
    [
        (t2v(duration=7), "t2v-wan-v2-6", UnsupportedParamsError),
        (t2v(resolution="4k"), "t2v-vidu-q3", UnsupportedParamsError),
        (t2v(aspect_ratio="21:9"), "t2v-wan-v2-5", UnsupportedParamsError),
        (i2v(aspect_ratio="16:9"), "i2v-kling-v2-6", UnsupportedParamsError),
        (i2v(resolution="1080p"), "i2v-kling-v2-6", UnsupportedParamsError),
        (i2v(resolution="1080p", duration=10), "i2v-minimax-v2-3", UnsupportedParamsError),
        (t2v("x" * 801), "t2v-wan-v2-5", BadParamsError),
        (t2v("   "), "t2v-wan-v2-6", BadParamsError),
        (i2v(image=ImageInput(data=b"\x89PNG", content_type="image/png")), "i2v-wan-v2-6", ImageUploadError),
        (i2v(image=ImageInput(url="http://images.example.com/cat.png")), "i2v-wan-v2-6", ImageUploadError),
        (
            GenerationRequest(task_type=TaskType.IMAGE_TO_VIDEO, prompt="dance"),
            "i2v-wan-v2-6",
            BadParamsError,
        ),
        (
            GenerationRequest(
                task_type=TaskType.IMAGE_TO_VIDEO,
                prompt="dance",
                images=(ImageInput(url=IMAGE_URL), ImageInput(url=IMAGE_URL)),
            ),
            "i2v-wan-v2-6",
            BadParamsError,
        ),
        (
            GenerationRequest(
                task_type=TaskType.TEXT_TO_VIDEO, prompt="a", images=(ImageInput(url=IMAGE_URL),)
            ),
            "t2v-wan-v2-6",
            UnsupportedParamsError,
        ),
        (t2v(), "t2v-sora-9", UnavailableError),
        (i2v(), "t2v-wan-v2-6", UnavailableError),
    ],
)
async def test_refused_before_sending(
    client: MediaioClient,
    fake: FakeMediaio,
    request_: GenerationRequest,
    code: str,
    error: type[ProviderError],
) -> None:
    with pytest.raises(error) as caught:
        await client.quote(request_, offer(code))
    assert caught.value.before_task and caught.value.detail
    assert fake.requests == []


async def test_prompt_at_the_limit_is_fine(client: MediaioClient) -> None:
    await client.quote(t2v("x" * 800), offer("t2v-wan-v2-5"))


async def test_bytes_image_is_refused_as_image_upload(client: MediaioClient) -> None:
    image = ImageInput(data=b"\xff\xd8jpeg")
    with pytest.raises(ImageUploadError, match="public URL"):
        await client.quote(i2v(image=image), offer("i2v-kling-v3-0"))


def test_table_matches_the_fake_and_reference() -> None:
    for model in VIDEO_MODELS:
        required, prompt_max, enums = VIDEO_APIS[model.path]
        assert model.path.endswith("/" + model.code)
        assert model.prompt_max == prompt_max and model.needs_image == ("image" in required)
        assert {c.field: " ".join(c.allowed) for c in model.choices} == enums
        assert all(c.default in c.allowed for c in model.choices)
        assert model.aspect_field is None or model.choice(model.aspect_field) is not None
