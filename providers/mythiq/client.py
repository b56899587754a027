"""MythIQ client: synchronous ``POST /v1/videos/generations`` behind submit/poll.

providers.md §5. Auth ``Authorization: Bearer <key>`` on API calls only (never on the presigned
storage URL). Models come from ``GET /v1/models`` (paged, shape assumed: see ``models.py``). Images we
hold as bytes take the documented three steps (``POST /v1/media/upload``, ``PUT`` to the presigned URL,
``PUT /v1/media/:id``); https URLs are sent as they are. One generation is one long request run by
:class:`providers.sync_task.SyncTasks` (see there for poll semantics).

Documented choices: only the documented body fields are sent (``model``, ``prompt``, ``size``,
``image_url``, ``routing``, ``public``), so a requested duration or aspect ratio is not sent; ``public``
is false (users' videos stay out of the public gallery); no balance endpoint is documented.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from providers.cache import Expiring
from providers.errors import (
    BadParamsError,
    ImageUploadError,
    UnavailableError,
    UnexpectedResponseError,
    UnsupportedParamsError,
)
from providers.http import DEFAULT_MAX_IN_FLIGHT, BoundedClient
from providers.mythiq.models import DEFAULT_SIZE, MAX_PROMPT_CHARS, MythiqModel, Routing, parse_page
from providers.mythiq.wire import json_body, result_of, video_status
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
from providers.wire import iso_time

DEFAULT_BASE_URL = "https://api.mythiq.ai/v1"
DEFAULT_MODELS_TTL_S = 300.0
PAGE_LIMIT = 100
MAX_PAGES = 20
FIND_LIMIT = 100  # the newest media looked through for a lost generation
CLOCK_SLACK = timedelta(minutes=2)
_UPLOAD_REFUSALS = (400, 413, 415, 422)


class MythiqClient:
    """The MythIQ video API as a :class:`providers.base.VideoProvider`."""

    name = "mythiq"
    unit = CreditUnit.USD_CENTS

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S,
        models_ttl_s: float = DEFAULT_MODELS_TTL_S,
        routing: Routing = Routing.OPTIMAL,
    ) -> None:
        self._auth = {"Authorization": f"Bearer {api_key}"}
        self._http = BoundedClient(
            name=self.name,
            max_in_flight=max_in_flight,
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=30.0,
            headers={"Accept": "application/json"},
        )
        self._tasks = SyncTasks(self.name, timeout_s=request_timeout_s)
        self._generation_window = timedelta(seconds=request_timeout_s) + CLOCK_SLACK
        self._claimed: set[str] = set()  # media already matched to a lost generation
        self._routing = routing
        self._models: Expiring[str, list[MythiqModel]] = Expiring(self._fetch_models, models_ttl_s)

    def __repr__(self) -> str:
        return f"MythiqClient(base_url={str(self._http.base_url)!r}, routing={self._routing.value!r})"

    async def list_models(self, task_type: TaskType) -> list[LiveModel]:
        return [model.live() for model in await self._video_models() if task_type in model.task_types]

    async def balance(self) -> int | None:
        """MythIQ documents no balance endpoint: always ``None``."""
        return None

    async def quote(self, request: GenerationRequest, offer: Offer) -> Quote:
        if len(request.prompt) > MAX_PROMPT_CHARS:
            raise BadParamsError(f"mythiq: prompt has {len(request.prompt)} chars, max {MAX_PROMPT_CHARS}")
        model = await self._model(offer.ref.model_id)
        if request.task_type not in model.task_types:
            raise UnsupportedParamsError(f"mythiq {model.id} does not do {request.task_type}")
        params = {
            "model": model.id,
            "size": _size(model, request.params.resolution),
            "routing": self._routing.value,
            "public": False,
        }
        return Quote(
            provider=self.name,
            task_type=request.task_type,
            model_key=offer.model_key,
            model_name=offer.model_name,
            ref=offer.ref,
            params=params,
            credits=model.credits,
            unit=self.unit,
        )

    async def submit(self, quote: Quote, request: GenerationRequest, *, key: str | None = None) -> TaskHandle:
        if quote.provider != self.name:
            raise BadParamsError(f"mythiq: quote is for {quote.provider}")
        needed = 1 if quote.task_type is TaskType.IMAGE_TO_VIDEO else 0
        if len(request.images) != needed:
            raise BadParamsError(f"mythiq {quote.task_type}: {len(request.images)} images, needs {needed}")
        body: dict[str, Any] = {"prompt": request.prompt, **quote.params}
        if request.images:
            body["image_url"] = await self._image_url(request.images[0])
        task_id = self._tasks.start(self._generate(body))
        now = datetime.now(UTC)  # in flight: a refusal may still come by poll
        return TaskHandle(provider=self.name, task_id=task_id, quote=quote, created_at=now, accepted=False)

    async def poll(self, handle: TaskHandle) -> TaskStatus:
        return self._tasks.status(handle.task_id)

    async def find_task(
        self, quote: Quote, request: GenerationRequest, *, key: str, since: datetime
    ) -> TaskHandle | None:
        """A generation lost in a restart, from ``GET /v1/media`` (newest first): the first video of
        ours with the same prompt, made since ``since``, not claimed before. While a generation begun
        then may still be running, "not listed" proves nothing and this raises; after, ``None``."""
        params = {"user": "me", "media": "video", "sort": "newest", "limit": str(FIND_LIMIT)}
        result = result_of(json_body(await self._send("GET", "/media", params=params)), "/media")
        medias = result.get("medias")
        if not isinstance(medias, list):
            raise UnexpectedResponseError("mythiq /media: no medias list", before_task=False)
        for media in medias:
            if isinstance(media, dict) and self._is_ours(media, request.prompt, since):
                self._claimed.add(str(media.get("id")))
                task_id = self._tasks.adopt(video_status({"data": [media]}))
                return TaskHandle(
                    provider=self.name, task_id=task_id, quote=quote, created_at=datetime.now(UTC)
                )
        if datetime.now(UTC) - since < self._generation_window:
            raise UnavailableError("mythiq: not listed yet; the generation may still run", before_task=False)
        return None

    async def aclose(self) -> None:
        await self._tasks.aclose()
        await self._http.aclose()

    def _is_ours(self, media: dict[str, Any], prompt: str, since: datetime) -> bool:
        created = iso_time(media.get("createdAt"))
        return (
            media.get("prompt") == prompt
            and created is not None
            and created >= since
            and str(media.get("id")) not in self._claimed
        )

    async def _generate(self, body: dict[str, Any]) -> TaskStatus:
        response = await self._send("POST", "/videos/generations", json=body, timeout=LONG_REQUEST_TIMEOUT)
        return video_status(json_body(response, generating=True))

    async def _video_models(self) -> list[MythiqModel]:
        return await self._models.get("video")

    async def _fetch_models(self, _kind: str) -> list[MythiqModel]:
        models: list[MythiqModel] = []
        for page in range(MAX_PAGES):
            response = await self._send("GET", "/models", params={"limit": PAGE_LIMIT, "page": page})
            found, more = parse_page(json_body(response), page=page, limit=PAGE_LIMIT)
            models += found
            if not more:
                break
        return models

    async def _model(self, model_id: str) -> MythiqModel:
        for model in await self._video_models():
            if model.id == model_id:
                return model
        raise UnavailableError(f"mythiq: model {model_id} not offered")

    async def _image_url(self, image: ImageInput) -> str:
        if image.is_public_url and image.url:
            return image.url
        if image.data is None:
            raise ImageUploadError("mythiq: image is neither bytes nor an https URL")
        name = image.filename or "image." + image.content_type.rpartition("/")[2]
        created = await self._upload_step(
            "POST", "/media/upload", json={"name": name, "mime": image.content_type}
        )
        upload_id, presigned = created.get("id"), created.get("url")
        if not isinstance(upload_id, str | int) or not isinstance(presigned, str):
            raise UnexpectedResponseError("mythiq upload: no id and url")
        try:  # the presigned URL is storage, not the API: no key goes there
            stored = await self._http.put(
                presigned, content=image.data, headers={"Content-Type": image.content_type}
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc, "mythiq presigned upload") from None
        if stored.is_error:
            raise ImageUploadError(f"mythiq presigned upload: HTTP {stored.status_code}")
        done = await self._upload_step("PUT", f"/media/{upload_id}")
        url = done.get("url")
        if done.get("status") != "complete" or not isinstance(url, str) or not url.startswith("https://"):
            raise ImageUploadError(f"mythiq upload: status {done.get('status')!r}")
        return url

    async def _upload_step(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = await self._send(method, path, **kwargs)
        if response.status_code in _UPLOAD_REFUSALS:
            raise ImageUploadError(f"mythiq {path}: HTTP {response.status_code}")
        return result_of(json_body(response), path)

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._http.request(method, path, headers=self._auth, **kwargs)
        except httpx.HTTPError as exc:
            raise transport_error(exc, f"mythiq {method} {path}") from None


def _size(model: MythiqModel, resolution: str | None) -> str:
    """The ``size`` to send: the requested resolution if the model lists it, else its default."""
    sizes = {size.lower(): size for size in model.sizes}
    if resolution is None:
        return DEFAULT_SIZE if not sizes or DEFAULT_SIZE in sizes else model.sizes[0]
    if sizes and resolution.lower() not in sizes:
        raise UnsupportedParamsError(f"mythiq {model.id}: size {resolution} not in {sorted(sizes)}")
    return sizes.get(resolution.lower(), resolution)
