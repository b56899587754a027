"""AI Media Studio (AIMS) client: synchronous ``POST /videos/generate`` behind submit/poll.

providers.md §4. Auth ``Authorization: Bearer aims_...``. Models come from ``GET /models?type=video``
(``GET /videos/generate`` on deployments that answer 404, as the official client does); images we
hold as bytes go through ``POST /uploads`` first, https URLs are sent as they are. One generation is
one long request run by :class:`providers.sync_task.SyncTasks` (see there for poll semantics).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from providers.aims.models import AimsModel, parse_models
from providers.aims.wire import json_body, video_status
from providers.cache import Expiring
from providers.errors import (
    BadParamsError,
    ImageUploadError,
    UnavailableError,
    UnexpectedResponseError,
    UnsupportedParamsError,
)
from providers.http import DEFAULT_MAX_IN_FLIGHT, BoundedClient
from providers.sync_task import DEFAULT_REQUEST_TIMEOUT_S, LONG_REQUEST_TIMEOUT, SyncTasks, transport_error
from providers.types import (
    CreditUnit,
    GenerationRequest,
    ImageInput,
    LiveModel,
    Offer,
    Quote,
    TaskHandle,
    TaskStatus,
    TaskType,
)

DEFAULT_BASE_URL = "https://app.ai-media-studio.com/api/v1"
DEFAULT_MODELS_TTL_S = 300.0

# Which generation fields carry the image URLs, per task type, and how many images each needs.
_IMAGE_COUNTS: dict[TaskType, tuple[int, int]] = {
    TaskType.TEXT_TO_VIDEO: (0, 0),
    TaskType.IMAGE_TO_VIDEO: (1, 1),
    TaskType.FIRST_LAST_FRAME_TO_VIDEO: (2, 2),
    TaskType.REFERENCE_IMAGE_TO_VIDEO: (1, 10),
}


class AimsClient:
    """The AIMS video API as a :class:`providers.base.VideoProvider`."""

    name = "aims"
    unit = CreditUnit.CREDITS

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S,
        models_ttl_s: float = DEFAULT_MODELS_TTL_S,
    ) -> None:
        self._http = BoundedClient(
            name=self.name,
            max_in_flight=max_in_flight,
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=30.0,
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
        )
        self._tasks = SyncTasks(self.name, timeout_s=request_timeout_s)
        self._models: Expiring[str, list[AimsModel]] = Expiring(self._fetch_models, models_ttl_s)

    def __repr__(self) -> str:
        return f"AimsClient(base_url={str(self._http.base_url)!r})"

    async def list_models(self, task_type: TaskType) -> list[LiveModel]:
        return [model.live() for model in await self._video_models() if model.task_type is task_type]

    async def balance(self) -> int | None:
        """Workspace credits available (``GET /videos/generate``)."""
        credits = json_body(await self._send("GET", "/videos/generate")).get("credits_available")
        return int(credits) if isinstance(credits, int | float) else None

    async def quote(self, request: GenerationRequest, offer: Offer) -> Quote:
        model = await self._model(offer.ref.model_id)
        if model.task_type is not request.task_type:
            raise UnsupportedParamsError(f"aims {model.id} does not do {request.task_type}")
        params = model.request_params(request.params)
        return Quote(
            provider=self.name,
            task_type=request.task_type,
            model_key=offer.model_key,
            model_name=offer.model_name,
            ref=offer.ref,
            params=params,
            credits=model.credits(params["duration"]),
            unit=self.unit,
        )

    async def submit(self, quote: Quote, request: GenerationRequest, *, key: str | None = None) -> TaskHandle:
        if quote.provider != self.name:
            raise BadParamsError(f"aims: quote is for {quote.provider}")
        low, high = _IMAGE_COUNTS[quote.task_type]
        if not low <= len(request.images) <= high:
            raise BadParamsError(f"aims {quote.task_type}: {len(request.images)} images, needs {low}-{high}")
        urls = [await self._image_url(image) for image in request.images]
        body = {"prompt": request.prompt, **quote.params, **_image_fields(quote.task_type, urls)}
        task_id = self._tasks.start(self._generate(body))
        now = datetime.now(UTC)  # in flight: a refusal may still come by poll
        return TaskHandle(provider=self.name, task_id=task_id, quote=quote, created_at=now, accepted=False)

    async def poll(self, handle: TaskHandle) -> TaskStatus:
        return self._tasks.status(handle.task_id)

    async def aclose(self) -> None:
        await self._tasks.aclose()
        await self._http.aclose()

    async def _generate(self, body: dict[str, Any]) -> TaskStatus:
        response = await self._send("POST", "/videos/generate", json=body, timeout=LONG_REQUEST_TIMEOUT)
        return video_status(json_body(response, generating=True))

    async def _video_models(self) -> list[AimsModel]:
        return await self._models.get("video")

    async def _fetch_models(self, kind: str) -> list[AimsModel]:
        response = await self._send("GET", "/models", params={"type": kind})
        if response.status_code == 404:  # older deployments: per-route discovery
            return parse_models(json_body(await self._send("GET", "/videos/generate")), "available_models")
        return parse_models(json_body(response), "video_models")

    async def _model(self, model_id: str) -> AimsModel:
        for model in await self._video_models():
            if model.id == model_id:
                return model
        raise UnavailableError(f"aims: model {model_id} not offered")

    async def _image_url(self, image: ImageInput) -> str:
        if image.is_public_url and image.url:
            return image.url
        if image.data is None:
            raise ImageUploadError("aims: image is neither bytes nor an https URL")
        files = {"file": (image.filename or "image", image.data, image.content_type)}
        response = await self._send("POST", "/uploads", files=files)
        if response.status_code in (400, 413, 415, 422):
            raise ImageUploadError(f"aims upload: HTTP {response.status_code}")
        url = json_body(response).get("url")
        if not isinstance(url, str) or not url.startswith("https://"):
            raise UnexpectedResponseError("aims upload: no https url")
        return url

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise transport_error(exc, f"aims {method} {path}") from None


def _image_fields(task_type: TaskType, urls: list[str]) -> dict[str, Any]:
    if task_type is TaskType.IMAGE_TO_VIDEO:
        return {"image_url": urls[0]}
    if task_type is TaskType.FIRST_LAST_FRAME_TO_VIDEO:
        return {"first_frame_url": urls[0], "last_frame_url": urls[1]}
    if task_type is TaskType.REFERENCE_IMAGE_TO_VIDEO:
        return {"image_urls": urls}
    return {}
