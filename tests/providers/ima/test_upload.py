"""Input-image upload failures: each ends in ImageUploadError before any create."""

from __future__ import annotations

import socket

import pytest

from providers.errors import ImageUploadError
from providers.ima import ImaClient
from providers.types import ImageInput, TaskType
from tests.fakes.ima import DEFAULT_KEY, FakeIma, Fault
from tests.providers.ima.support import KLING_O1, offer, request

HELD = ImageInput(data=b"jpeg-bytes")


async def upload_error(client: ImaClient, image: ImageInput = HELD) -> ImageUploadError:
    wish = request(TaskType.IMAGE_TO_VIDEO, images=(image,))
    quote = await client.quote(wish, offer(KLING_O1))
    with pytest.raises(ImageUploadError) as caught:
        await client.submit(quote, wish)
    return caught.value


@pytest.mark.parametrize(
    ("endpoint", "fault"),
    [
        ("upload_token", Fault.RATE_LIMITED),
        ("upload_token", Fault.SERVER_ERROR),
        ("upload_token", Fault.MALFORMED),
        ("upload_token", Fault.WRONG_SHAPE),
        ("upload_put", Fault.UNAVAILABLE),
    ],
)
async def test_upload_faults(client: ImaClient, fake: FakeIma, endpoint: str, fault: Fault) -> None:
    fake.inject(endpoint, fault)
    await upload_error(client)
    assert fake.calls("create") == []


async def test_a_refused_key_is_not_repeated(fake: FakeIma, fake_url: str) -> None:
    client = ImaClient(api_key=DEFAULT_KEY, base_url=fake_url, upload_base_url=fake_url)
    await client.list_models(TaskType.IMAGE_TO_VIDEO)
    fake.api_key = "ima_rotated_key"  # the upload service now refuses ours, and echoes it
    error = await upload_error(client)
    await client.aclose()
    assert DEFAULT_KEY not in str(error) and DEFAULT_KEY not in error.detail


async def test_an_unreachable_upload_service(fake_url: str) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    client = ImaClient(api_key=DEFAULT_KEY, base_url=fake_url, upload_base_url=closed)
    error = await upload_error(client)
    await client.aclose()
    assert DEFAULT_KEY not in str(error)


@pytest.mark.parametrize("image", [ImageInput(url="http://intranet/cat.jpg"), ImageInput()])
async def test_images_we_cannot_use(client: ImaClient, fake: FakeIma, image: ImageInput) -> None:
    await upload_error(client, image)
    assert fake.calls("upload_token") == []
