"""Models, prices and parameter mapping (no network): the seed version's table."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from providers.aivideomaker import AivideomakerClient
from providers.aivideomaker.quoting import image_field, request_body
from providers.base import VideoProvider
from providers.errors import BadParamsError, ImageUploadError, UnsupportedParamsError
from providers.types import CreditUnit, GenerationRequest, ImageInput, TaskType
from tests.providers.aivideomaker.conftest import IMAGE_URL, PNG, image_request, offer, text_request


@pytest.fixture
async def offline() -> AsyncIterator[AivideomakerClient]:
    client = AivideomakerClient(api_key="ak_secret_value", base_url="http://127.0.0.1:9")
    yield client
    await client.aclose()


def test_is_a_video_provider_without_showing_its_key(offline: AivideomakerClient) -> None:
    provider: VideoProvider = offline
    assert isinstance(provider, VideoProvider)
    assert (provider.name, provider.unit) == ("aivideomaker", CreditUnit.CREDITS)
    assert "ak_secret_value" not in repr(offline)


async def test_list_models_per_task_type(offline: AivideomakerClient) -> None:
    t2v = {
        (m.ref.model_id, m.name, m.credits_min, m.credits_max)
        for m in await offline.list_models(TaskType.TEXT_TO_VIDEO)
    }
    assert t2v == {("t2v", "AIVideoMaker", 5, 8), ("t2v_v3", "AIVideoMaker V3", 50, 200)}
    i2v = {m.ref.model_id for m in await offline.list_models(TaskType.IMAGE_TO_VIDEO)}
    assert i2v == {"i2v", "i2v_v3"}
    assert await offline.list_models(TaskType.FIRST_LAST_FRAME_TO_VIDEO) == []
    assert all(m.unit is CreditUnit.CREDITS for m in await offline.list_models(TaskType.TEXT_TO_VIDEO))


@pytest.mark.parametrize(
    ("model_id", "params", "sent", "credits"),
    [
        ("t2v", {}, {"duration": "5", "aspectRatio": "16:9"}, 5),
        ("t2v", {"duration": 8, "aspect_ratio": "9:16"}, {"duration": "8", "aspectRatio": "9:16"}, 8),
        ("t2v_v3", {"duration": 20, "aspect_ratio": "1:1"}, {"duration": "20", "aspectRatio": "1:1"}, 200),
        ("t2v_v3", {}, {"duration": "5", "aspectRatio": "16:9"}, 50),
    ],
)
async def test_text_quotes(
    offline: AivideomakerClient, model_id: str, params: dict[str, object], sent: dict[str, str], credits: int
) -> None:
    quote = await offline.quote(text_request("a cat surfing", **params), offer(model_id))
    assert (quote.params, quote.credits, quote.unit) == (sent, credits, CreditUnit.CREDITS)
    assert (quote.provider, quote.ref.model_id, quote.model_key) == (
        "aivideomaker",
        model_id,
        f"aivideomaker-{model_id}",
    )


async def test_image_quotes_and_body(offline: AivideomakerClient) -> None:
    request = image_request(ImageInput(url=IMAGE_URL), duration=15)
    quote = await offline.quote(request, offer("i2v_v3"))
    assert (quote.params, quote.credits) == ({"duration": "15"}, 150)
    assert request_body(quote, request) == {"duration": "15", "image": IMAGE_URL, "prompt": "it jumps"}
    silent = image_request(ImageInput(url=IMAGE_URL), prompt="")
    assert request_body(await offline.quote(silent, offer("i2v")), silent)["prompt"] is None


@pytest.mark.parametrize(
    ("request_", "model_id"),
    [
        (text_request(duration=10), "t2v"),
        (text_request(duration=8), "t2v_v3"),
        (text_request(aspect_ratio="4:3"), "t2v"),
        (text_request(resolution="1080p"), "t2v"),
        (image_request(ImageInput(url=IMAGE_URL), aspect_ratio="9:16"), "i2v"),
        (text_request(), "i2v"),  # wrong task type for the model
        (text_request(), "lv"),  # multi-prompt model: not offered
        (text_request(), "minimax"),  # later docs' model: not in the seed version
        (GenerationRequest(task_type=TaskType.IMAGE_TO_VIDEO, prompt="x"), "i2v"),  # no image
        (
            GenerationRequest(task_type=TaskType.FIRST_LAST_FRAME_TO_VIDEO, prompt="x"),
            "i2v",
        ),
    ],
)
async def test_unsupported_params(
    offline: AivideomakerClient, request_: GenerationRequest, model_id: str
) -> None:
    with pytest.raises(UnsupportedParamsError) as caught:
        await offline.quote(request_, offer(model_id))
    assert caught.value.before_task


async def test_text_needs_a_prompt(offline: AivideomakerClient) -> None:
    with pytest.raises(BadParamsError):
        await offline.quote(text_request("  "), offer("t2v"))


def test_image_field() -> None:
    assert image_field(ImageInput(url=IMAGE_URL)) == IMAGE_URL
    assert image_field(ImageInput(data=PNG, content_type="image/png")).startswith(
        "data:image/png;base64,iVBORw0K"
    )
    assert image_field(ImageInput(url="data:image/gif;base64,R0lG")) == "data:image/gif;base64,R0lG"
    for bad in (
        ImageInput(url="http://insecure.example/cat.png"),
        ImageInput(data=b""),
        ImageInput(data=PNG, content_type="application/pdf"),
        ImageInput(url="/tmp/cat.png"),
    ):
        with pytest.raises(ImageUploadError):
            image_field(bad)
