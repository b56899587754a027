"""The IMA Studio Open API client (providers.md §2): product list -> create -> detail.

``quote`` reads the (cached) product list and resolves the exact parameters, credit rule and price;
``submit`` uploads held image bytes, sends the create body of §2.4 and, when IMA answers that prices
or rules changed (6006/6009/6010, "Invalid product attribute"), refreshes the list, re-quotes and
retries once; ``poll`` reads one detail answer.

``before_task`` on errors: a create that failed to connect, or that IMA explicitly refused, created
nothing; a create whose answer was lost or unreadable may have (``before_task=False``), as does any
failure while polling.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import httpx

from providers.cache import Expiring
from providers.errors import (
    BadParamsError,
    CreditMismatchError,
    ImageUploadError,
    NetworkError,
    ProviderError,
    RuleMismatchError,
    UnavailableError,
    UnexpectedResponseError,
)
from providers.http import DEFAULT_MAX_IN_FLIGHT, BoundedClient
from providers.ima.envelope import scrub, unwrap
from providers.ima.products import ProductLeaf, iter_leaves, live_model, pick_leaf, resolve_params
from providers.ima.status import task_status
from providers.ima.upload import upload_image
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
from providers.wire import GATEWAY_STATUSES

PRODUCT_LIST_PATH = "/open/v1/product/list"
CREATE_PATH = "/open/v1/tasks/create"
DETAIL_PATH = "/open/v1/tasks/detail"
USER_AGENT = "IMA-OpenAPI-Client/videobot_0.1.0"
_QUOTE_EXTRA = ("attribute_id", "model_version", "model_name", "category")
# Input images each task type takes: (at least, at most; None = no known limit).
_IMAGE_COUNTS: dict[TaskType, tuple[int, int | None]] = {
    TaskType.TEXT_TO_VIDEO: (0, 0),
    TaskType.IMAGE_TO_VIDEO: (1, 1),
    TaskType.FIRST_LAST_FRAME_TO_VIDEO: (2, 2),
    TaskType.REFERENCE_IMAGE_TO_VIDEO: (1, None),
}


class _Stage(Enum):
    """Whether a call's failure can have left a task behind."""

    BEFORE = "before"  # nothing can exist yet
    CREATE = "create"  # a lost or unreadable answer may hide a created task
    AFTER = "after"  # the task exists


class ImaClient:
    """IMA Studio as a :class:`providers.base.VideoProvider` (credits in points)."""

    name = "ima"
    unit = CreditUnit.POINTS

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = "https://api.imastudio.com",
        upload_base_url: str = "https://imapi.liveme.com",
        language: str = "en",
        transport: httpx.AsyncBaseTransport | None = None,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        products_ttl_s: float = 600.0,
        request_timeout_s: float = 30.0,
    ) -> None:
        self._api_key = api_key
        self._language = language
        self._base_url = base_url.rstrip("/")
        self._upload_base_url = upload_base_url.rstrip("/")
        self._headers = {
            "Authorization": f"Bearer {api_key}",
            "Content-Type": "application/json",
            "x-app-source": "ima_skills",
            "x_app_language": language,
            "User-Agent": USER_AGENT,
        }
        self._products: Expiring[TaskType, list[ProductLeaf]] = Expiring(self._fetch_leaves, products_ttl_s)
        self._http = BoundedClient(
            name=self.name, max_in_flight=max_in_flight, transport=transport, timeout=request_timeout_s
        )

    def __repr__(self) -> str:
        return f"ImaClient(base_url={self._base_url!r})"

    async def list_models(self, task_type: TaskType) -> list[LiveModel]:
        return [live_model(leaf, self.name) for leaf in await self._leaves(task_type)]

    async def quote(self, request: GenerationRequest, offer: Offer) -> Quote:
        _check_image_count(request)
        leaf = pick_leaf(await self._leaves(request.task_type), offer.ref)
        if leaf is None:
            raise UnavailableError(f"{offer.ref.model_id} is not offered for {request.task_type.value}")
        params, rule = resolve_params(leaf, request.params)
        return Quote(
            provider=self.name,
            task_type=request.task_type,
            model_key=offer.model_key,
            model_name=offer.model_name,
            ref=offer.ref,
            params=params,
            credits=rule.points,
            unit=self.unit,
            extra={
                "attribute_id": rule.attribute_id,
                "model_version": leaf.id,
                "model_name": leaf.name,
                "category": request.task_type.value,
                "language": request.language or self._language,  # the asker's, for every call of it
            },
        )

    async def submit(self, quote: Quote, request: GenerationRequest, *, key: str | None = None) -> TaskHandle:
        if quote.provider != self.name or any(key not in quote.extra for key in _QUOTE_EXTRA):
            raise BadParamsError("the quote was not made by the IMA client")
        _check_image_count(request)
        image_urls = list(await asyncio.gather(*(self._image_url(image) for image in request.images)))
        try:
            task_id = await self._create(quote, request.prompt, image_urls)
        except (CreditMismatchError, RuleMismatchError):
            self._products.forget(quote.task_type)
            offer = Offer(model_key=quote.model_key, model_name=quote.model_name, ref=quote.ref)
            quote = await self.quote(request, offer)
            task_id = await self._create(quote, request.prompt, image_urls)
        return TaskHandle(provider=self.name, task_id=task_id, quote=quote, created_at=datetime.now(UTC))

    async def poll(self, handle: TaskHandle) -> TaskStatus:
        language = handle.quote.extra.get("language")
        data = await self._call(
            "POST", DETAIL_PATH, body={"task_id": handle.task_id}, stage=_Stage.AFTER, language=language
        )
        return task_status(data)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _leaves(self, task_type: TaskType) -> list[ProductLeaf]:
        """The category's leaves, fetched at most once per TTL however many callers wait."""
        return await self._products.get(task_type)

    async def _fetch_leaves(self, task_type: TaskType) -> list[ProductLeaf]:
        query = {"app": "ima", "platform": "web", "category": task_type.value}
        return iter_leaves(await self._call("GET", PRODUCT_LIST_PATH, params=query))

    async def _create(self, quote: Quote, prompt: str, image_urls: list[str]) -> str:
        data = await self._call(
            "POST",
            CREATE_PATH,
            body=create_body(quote, prompt, image_urls),
            stage=_Stage.CREATE,
            language=quote.extra.get("language"),
        )
        task_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(task_id, str | int) or isinstance(task_id, bool) or not str(task_id):
            raise UnexpectedResponseError("create answer has no task id", before_task=False)
        return str(task_id)

    async def _image_url(self, image: ImageInput) -> str:
        if image.is_public_url and image.url:
            return image.url
        if image.data is None:
            raise ImageUploadError("an input image is neither bytes nor a public https URL")
        return await upload_image(
            self._http, image, upload_base_url=self._upload_base_url, api_key=self._api_key
        )

    async def _call(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        stage: _Stage = _Stage.BEFORE,
        language: str | None = None,
    ) -> Any:
        headers = self._headers if not language else {**self._headers, "x_app_language": language}
        try:
            response = await self._http.request(
                method, self._base_url + path, json=body, params=params, headers=headers
            )
        except httpx.HTTPError as exc:
            unsent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
            before = stage is _Stage.BEFORE or (stage is _Stage.CREATE and unsent)
            detail = scrub(f"{method} {path}: {type(exc).__name__}: {exc}", self._api_key)
            raise NetworkError(detail, before_task=before) from None  # the request holds the key
        try:
            return unwrap(response, secret=self._api_key)
        except UnexpectedResponseError as exc:
            exc.before_task = stage is _Stage.BEFORE
            raise
        except ProviderError as exc:
            passed_on = stage is _Stage.CREATE and response.status_code in GATEWAY_STATUSES
            exc.before_task = stage is not _Stage.AFTER and not passed_on
            raise


def create_body(quote: Quote, prompt: str, image_urls: list[str]) -> dict[str, Any]:
    """The create request of providers.md §2.4; credit, ``cast`` and ``attribute_id`` all from the quote."""
    category = quote.extra["category"]
    inner = {
        **quote.params,
        "prompt": prompt,
        "n": quote.params.get("n", 1),
        "input_images": list(image_urls),
        "cast": {"points": quote.credits, "attribute_id": quote.extra["attribute_id"]},
    }
    return {
        "task_type": category,
        "enable_multi_model": False,
        "src_img_url": list(image_urls),
        "parameters": [
            {
                "attribute_id": quote.extra["attribute_id"],
                "model_id": quote.ref.model_id,
                "model_name": quote.extra["model_name"],
                "model_version": quote.extra["model_version"],
                "app": "ima",
                "platform": "web",
                "category": category,
                "credit": quote.credits,
                "parameters": inner,
            }
        ],
    }


def _check_image_count(request: GenerationRequest) -> None:
    least, most = _IMAGE_COUNTS[request.task_type]
    count = len(request.images)
    if count < least or (most is not None and count > most):
        raise BadParamsError(f"{request.task_type.value} takes {least}-{most or 'n'} images, got {count}")
