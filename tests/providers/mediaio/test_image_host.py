"""With an image host, Media.io takes photos held as bytes: they are uploaded first, at submit."""

from __future__ import annotations

import pytest

from providers.errors import ImageUploadError
from providers.ima.upload import ImaImageHost
from providers.mediaio import MediaioClient
from providers.types import GenerationRequest, ImageInput, ModelRef, Offer, TaskType
from tests.fakes.ima import DEFAULT_KEY, FakeIma
from tests.fakes.mediaio import FakeMediaio
from tests.fakes.server import serve
from tests.providers.mediaio.samples import API_KEY

PHOTO = ImageInput(data=b"\x89PNG\r\n\x1a\n-a-photo", content_type="image/png")
OFFER = Offer(model_key="wan-2.6", model_name="Wan 2.6", ref=ModelRef(model_id="i2v-wan-v2-6"))
REQUEST = GenerationRequest(task_type=TaskType.IMAGE_TO_VIDEO, prompt="let it move", images=(PHOTO,))


async def test_bytes_are_hosted_then_sent_as_a_public_url(fake: FakeMediaio, base_url: str) -> None:
    ima = FakeIma()
    async with serve(ima.app()) as ima_url:
        host = ImaImageHost(api_key=DEFAULT_KEY, upload_base_url=ima_url)
        client = MediaioClient(api_key=API_KEY, base_url=base_url, image_host=host)
        assert client.takes_image_bytes
        quote = await client.quote(REQUEST, OFFER)  # nothing uploaded yet: quoting spends nothing
        assert not ima.uploads
        await client.submit(quote, REQUEST)
        await client.aclose()
    image = fake.generation_requests()[0].body["data"]["image"]
    assert image.startswith("https://") and ima.uploads[image] == PHOTO.data


async def test_a_failed_upload_fails_before_any_task(fake: FakeMediaio, base_url: str) -> None:
    ima = FakeIma()
    async with serve(ima.app()) as ima_url:
        host = ImaImageHost(api_key="ima_wrong", upload_base_url=ima_url)
        client = MediaioClient(api_key=API_KEY, base_url=base_url, image_host=host)
        quote = await client.quote(REQUEST, OFFER)
        with pytest.raises(ImageUploadError) as refused:
            await client.submit(quote, REQUEST)
        await client.aclose()
    assert refused.value.before_task and not fake.generation_requests()
    assert "ima_wrong" not in str(refused.value)


async def test_without_a_host_bytes_are_refused_at_quote(client: MediaioClient) -> None:
    assert not client.takes_image_bytes
    with pytest.raises(ImageUploadError):
        await client.quote(REQUEST, OFFER)
