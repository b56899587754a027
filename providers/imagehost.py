"""Image hosts: turn an image the bot holds as bytes into a public https URL.

Some APIs take input images only as public URLs (Media.io). With an image host configured
(``VIDEOBOT_IMAGE_HOST``), such a provider accepts chat photos too: they are uploaded to the host
first, when the task is submitted. The host today is IMA Studio's upload service
(:class:`providers.ima.upload.ImaImageHost`).
"""

from __future__ import annotations

from typing import Protocol

from providers.types import GenerationRequest, ImageInput


class ImageHost(Protocol):
    async def public_url(self, image: ImageInput) -> str:
        """A public https URL of ``image`` (uploading its bytes); raises ``ImageUploadError``."""
        ...

    async def aclose(self) -> None: ...


async def with_public_urls(request: GenerationRequest, host: ImageHost) -> GenerationRequest:
    """``request`` with every image held as bytes replaced by its hosted URL."""
    if all(image.is_public_url for image in request.images):
        return request
    images: list[ImageInput] = []
    for image in request.images:
        hosted = image if image.is_public_url else ImageInput(url=await host.public_url(image))
        images.append(hosted)
    return request.model_copy(update={"images": tuple(images)})
