"""Two-step upload of an input image we hold as bytes; IMA only takes public https URLs (§2.6).

We use the npm CLI's variant of the upload-token call: ``GET {upload_base}/api/rest/oss/getuploadtoken``
with query ``suffix``, ``content_type``, ``uid=0`` and headers ``ima-token: <key>``,
``APP-KEY: im_claw_open``. It needs no signing, and the key travels in a header, never in a URL that
could reach a log or an exception text. (The skill scripts' variant signs ``appUid``/``cmimToken``
query parameters with a published APP_KEY; both answer ``data.ful``/``data.fdl``.) Then the bytes are
PUT to the presigned ``ful`` with their ``Content-Type``, and ``fdl`` is the image's URL.
Every failure is an :class:`ImageUploadError`.
"""

from __future__ import annotations

from typing import Any

import httpx

from providers.errors import ImageUploadError
from providers.http import DEFAULT_MAX_IN_FLIGHT, BoundedClient
from providers.ima.envelope import SUCCESS_CODES, scrub
from providers.types import ImageInput

TOKEN_PATH = "/api/rest/oss/getuploadtoken"
APP_KEY = "im_claw_open"


async def upload_image(
    http: httpx.AsyncClient, image: ImageInput, *, upload_base_url: str, api_key: str
) -> str:
    """Upload ``image.data``; return its public CDN URL (``fdl``)."""
    if image.data is None:
        raise ImageUploadError("image has neither bytes nor an https URL")
    suffix = image.content_type.split("/")[-1].strip() or "jpeg"
    try:
        token = await http.get(
            upload_base_url.rstrip("/") + TOKEN_PATH,
            params={"suffix": suffix, "content_type": image.content_type, "uid": "0"},
            headers={"ima-token": api_key, "APP-KEY": APP_KEY},
        )
        put_url, cdn_url = _token_urls(token, api_key)
        stored = await http.put(put_url, content=image.data, headers={"Content-Type": image.content_type})
    except httpx.HTTPError as exc:
        detail = scrub(f"upload failed: {type(exc).__name__}: {exc}", api_key)
        raise ImageUploadError(detail) from None  # the request holds the key
    if not stored.is_success:
        raise ImageUploadError(f"upload PUT answered HTTP {stored.status_code}")
    return cdn_url


def _token_urls(response: httpx.Response, api_key: str) -> tuple[str, str]:
    """``(ful, fdl)`` from the token answer, or :class:`ImageUploadError`."""
    try:
        envelope: Any = response.json()
    except ValueError:
        raise ImageUploadError(f"upload token: HTTP {response.status_code}, body is not JSON") from None
    if not isinstance(envelope, dict) or envelope.get("code") not in SUCCESS_CODES:
        message = envelope.get("message", "") if isinstance(envelope, dict) else ""
        code = envelope.get("code") if isinstance(envelope, dict) else None
        raise ImageUploadError(
            scrub(f"upload token: HTTP {response.status_code}, code {code}: {message}", api_key)
        )
    data = envelope.get("data")
    urls = (data.get("ful"), data.get("fdl")) if isinstance(data, dict) else (None, None)
    if not all(isinstance(url, str) and url for url in urls):
        raise ImageUploadError("upload token answer has no ful/fdl")
    return str(urls[0]), str(urls[1])


class ImaImageHost:
    """IMA Studio's upload service as an image host for other providers (``VIDEOBOT_IMAGE_HOST=ima``)."""

    def __init__(
        self,
        *,
        api_key: str,
        upload_base_url: str = "https://imapi.liveme.com",
        transport: httpx.AsyncBaseTransport | None = None,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        timeout_s: float = 30.0,
    ) -> None:
        self._api_key = api_key
        self._upload_base_url = upload_base_url
        self._http = BoundedClient(
            name="ima-upload", max_in_flight=max_in_flight, transport=transport, timeout=timeout_s
        )

    def __repr__(self) -> str:
        return f"ImaImageHost(upload_base_url={self._upload_base_url!r})"

    async def public_url(self, image: ImageInput) -> str:
        if image.is_public_url and image.url:
            return image.url
        return await upload_image(
            self._http, image, upload_base_url=self._upload_base_url, api_key=self._api_key
        )

    async def aclose(self) -> None:
        await self._http.aclose()
