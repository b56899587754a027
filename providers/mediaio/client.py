"""The Media.io OpenAPI client (``https://openapi.media.io``): every call a POST with ``X-API-KEY``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote as quote_path

import httpx

from providers.errors import NetworkError, ProviderError, UnavailableError, UnexpectedResponseError
from providers.http import DEFAULT_MAX_IN_FLIGHT, BoundedClient
from providers.imagehost import ImageHost, with_public_urls
from providers.mediaio.models import CREDITS_UNKNOWN, MODELS_BY_CODE, VIDEO_MODELS, MediaioVideoModel
from providers.mediaio.params import content_fields, enum_fields
from providers.mediaio.responses import read_envelope, task_status
from providers.types import (
    CreditUnit,
    GenerationRequest,
    LiveModel,
    ModelRef,
    Offer,
    Quote,
    TaskHandle,
    TaskStatus,
    TaskType,
)

DEFAULT_BASE_URL = "https://openapi.media.io"


class MediaioClient:
    """Media.io as a :class:`providers.base.VideoProvider`.

    Models come from the documented table (Media.io has no list endpoint); ``ModelRef.model_id`` is the
    Media.io model code (``t2v-wan-v2-6``). Prices are unpublished: every quote carries
    ``credits == CREDITS_UNKNOWN`` (0) and ``extra["credits_known"] = False``. Input images must be public
    https URLs; image bytes raise :class:`ImageUploadError` at quote time, unless an ``image_host`` is
    given, which uploads them when the task is submitted.
    """

    name: str = "mediaio"
    unit: CreditUnit = CreditUnit.CREDITS

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        request_timeout_s: float = 30.0,
        image_host: ImageHost | None = None,
    ) -> None:
        self._api_key = api_key
        self._image_host = image_host
        self._base_url = base_url.rstrip("/")
        self._http = BoundedClient(
            name=self.name,
            max_in_flight=max_in_flight,
            base_url=self._base_url,
            headers={"X-API-KEY": api_key},
            transport=transport,
            timeout=request_timeout_s,
        )

    def __repr__(self) -> str:
        return f"MediaioClient(base_url={self._base_url!r})"

    async def list_models(self, task_type: TaskType) -> list[LiveModel]:
        return [
            LiveModel(
                provider=self.name,
                ref=ModelRef(model_id=model.code),
                name=model.name,
                credits_min=CREDITS_UNKNOWN,
                credits_max=CREDITS_UNKNOWN,
                unit=self.unit,
            )
            for model in VIDEO_MODELS
            if model.task_type is task_type
        ]

    async def quote(self, request: GenerationRequest, offer: Offer) -> Quote:
        model = _model(offer.ref, request.task_type)
        content_fields(model, request, hosted=self.takes_image_bytes)  # checks before anything is spent
        return Quote(
            provider=self.name,
            task_type=request.task_type,
            model_key=offer.model_key,
            model_name=offer.model_name,
            ref=offer.ref,
            params=enum_fields(model, request.params),
            credits=CREDITS_UNKNOWN,
            unit=self.unit,
            extra={"credits_known": False},
        )

    @property
    def takes_image_bytes(self) -> bool:
        """Only with an image host: Media.io itself takes public https URLs only."""
        return self._image_host is not None

    async def submit(self, quote: Quote, request: GenerationRequest, *, key: str | None = None) -> TaskHandle:
        model = _model(quote.ref, quote.task_type)
        if self._image_host is not None:
            request = await with_public_urls(request, self._image_host)  # ImageUploadError: before any task
        data = {**content_fields(model, request), **quote.params}
        answer = await self._post(model.path, {"data": data})
        task_id = answer.get("task_id")
        if not isinstance(task_id, str) or not task_id:
            raise UnexpectedResponseError(f"{model.code} created no task_id", before_task=False)
        return TaskHandle(provider=self.name, task_id=task_id, quote=quote, created_at=datetime.now(UTC))

    async def poll(self, handle: TaskHandle) -> TaskStatus:
        try:
            data = await self._post(f"/generation/result/{quote_path(handle.task_id, safe='')}", {})
            status = task_status(data)
        except ProviderError as exc:
            exc.before_task = False  # the task exists
            raise
        if status.error_detail:
            status = status.model_copy(update={"error_detail": self._scrub(status.error_detail)})
        return status

    async def balance(self) -> int:
        """The account's credits (``Credits`` API)."""
        credits = (await self._post("/user/credits", {})).get("credits")
        if not isinstance(credits, int) or isinstance(credits, bool):
            raise UnexpectedResponseError(f"credits is not an integer: {credits!r}")
        return credits

    async def aclose(self) -> None:
        await self._http.aclose()
        if self._image_host is not None:
            await self._image_host.aclose()

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST ``body``; the envelope's ``data``. Every failure is a ProviderError without the key."""
        try:
            return read_envelope(await self._http.post(path, json=body))
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise NetworkError(self._scrub(f"cannot connect: {type(exc).__name__} {exc}")) from None
        except httpx.RequestError as exc:  # the request may have arrived: a task may exist
            detail = self._scrub(f"{type(exc).__name__} {exc}")
            raise NetworkError(detail, before_task=False) from None
        except ProviderError as exc:
            exc.detail = self._scrub(exc.detail)
            exc.args = tuple(self._scrub(str(arg)) for arg in exc.args)
            raise

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "[api key]") if self._api_key else text


def _model(ref: ModelRef, task_type: TaskType) -> MediaioVideoModel:
    model = MODELS_BY_CODE.get(ref.model_id)
    if model is None:
        raise UnavailableError(f"Media.io has no model {ref.model_id}")
    if model.task_type is not task_type:
        raise UnavailableError(f"Media.io {model.code} does not do {task_type.value}")
    return model
