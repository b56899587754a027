"""A fake MythIQ API (providers.md §5) as an ``aiohttp.web`` app.

Faithful to the reference: Bearer auth, ``{success:false, message, code, param?, retry_after?}``
errors, the three-step presigned upload (``POST /v1/media/upload``, ``PUT`` raw bytes to the presigned
URL, ``PUT /v1/media/:id``), per-minute and concurrent-generation limits, and a synchronous
``POST /v1/videos/generations`` that answers after ``delay_s`` (its video then listed by ``GET /v1/media``,
even when the client went away meanwhile). Our choices where the reference is
[UNK] (documented in ``providers/mythiq``): the ``GET /v1/models`` shape, the video answer (like the
image answer), the error codes below, HTTP 402 for an empty balance, 500 when every upstream failed.

Prompt keywords force failures: see :data:`FAILURES`.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

CDN = "https://cdn.mythiq.ai/user/u_test"
ROUTINGS = ("optimal", "cheapest", "compatible")
MAX_PROMPT_CHARS = 500

FAILURES = {
    "[moderation]": "HTTP 400 code content_policy_violation",
    "[server-error]": "HTTP 500 code provider_error after the delay (every upstream failed)",
    "[unavailable]": "HTTP 503 code service_unavailable",
    "[failed]": "HTTP 200 with success false (defensive)",
    "[malformed]": "HTTP 200 with an HTML body",
    "[no-url]": "HTTP 200, data[0] without url",
}


def default_models() -> list[dict[str, Any]]:
    """A few video models (and one image model, which the client must skip)."""

    def video(model_id: str, name: str, price: float, image: bool = True) -> dict[str, Any]:
        capabilities = ["text-to-video", "image-to-video"] if image else ["text-to-video"]
        return {
            "id": model_id,
            "slug": f"{model_id}:latest",
            "name": name,
            "media": "video",
            "capabilities": capabilities,
            "sizes": ["720p", "1080p"],
            "price": price,
        }

    return [
        video("kling/kling-2.6", "Kling 2.6", 0.35),
        video("wan/wan-2.6", "Wan 2.6", 0.2),
        video("minimax/hailuo-2.3", "Hailuo 2.3", 0.284),
        video("google/veo-3.1", "Veo 3.1", 1.2, image=False),
        {"id": "stability/sdxl", "name": "SDXL", "media": "image", "sizes": ["1024x1024"], "price": 0.002},
    ]


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any = None


@dataclass
class Upload:
    name: str
    mime: str
    token: str
    data: bytes | None = None


@dataclass
class FakeMythiq:
    """State of one fake MythIQ account; ``app()`` serves it."""

    api_keys: set[str] = field(default_factory=lambda: {"mythiq_test_key"})
    balance_usd: float = 100.0
    delay_s: float = 0.0
    rate_limit_per_min: int = 100
    max_concurrent: int = 5
    storage_down: bool = False
    echoes_keys: bool = False  # an API that quotes the rejected key back: clients must mask it
    models: list[dict[str, Any]] = field(default_factory=default_models)
    requests: list[Recorded] = field(default_factory=list)
    uploads: dict[str, Upload] = field(default_factory=dict)
    media: list[dict[str, Any]] = field(default_factory=list)  # finished videos, oldest first
    in_flight: int = 0
    throttle_generations: int = 0  # the next N generation requests get 429 (nothing is generated)
    throttle_retry_after: int | None = None  # their ``retry_after`` field, or none at all
    _hits: list[float] = field(default_factory=list)
    _closing: asyncio.Event | None = None

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._gate])
        app.router.add_get("/v1/models", self._list_models)
        app.router.add_post("/v1/videos/generations", self._generate)
        app.router.add_get("/v1/media", self._list_media)
        app.router.add_post("/v1/media/upload", self._start_upload)
        app.router.add_put("/v1/media/{id}", self._complete_upload)
        app.router.add_put("/storage/{id}", self._store)
        self._closing = asyncio.Event()
        app.on_shutdown.append(self._shutdown)
        return app

    @property
    def generations(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/v1/videos/generations"]

    # -- middleware: record, authenticate, rate-limit ------------------------------------------

    @web.middleware
    async def _gate(self, request: web.Request, handler: Any) -> web.StreamResponse:
        body = await request.json() if request.content_type == "application/json" else None
        self.requests.append(
            Recorded(request.method, request.path, dict(request.query), dict(request.headers), body)
        )
        if request.path.startswith("/v1/"):
            auth = request.headers.get("Authorization", "")
            if not auth.startswith("Bearer ") or auth.removeprefix("Bearer ") not in self.api_keys:
                message = f"Invalid API key {auth}" if self.echoes_keys else "Invalid or missing API key"
                return _error(401, message, "invalid_api_key")
            now = time.monotonic()
            self._hits = [t for t in self._hits if now - t < 60] + [now]
            if len(self._hits) > self.rate_limit_per_min:
                wait = max(1, round(60 - (now - self._hits[0])))
                return _error(429, "Rate limit exceeded", "rate_limit_exceeded", retry_after=wait)
        if self.throttle_generations and request.path == "/v1/videos/generations":
            self.throttle_generations -= 1
            extra = {"retry_after": self.throttle_retry_after} if self.throttle_retry_after else {}
            return _error(429, "Too many requests", "rate_limit_exceeded", **extra)
        response: web.StreamResponse = await handler(request)
        return response

    # -- models --------------------------------------------------------------------------------

    async def _list_models(self, request: web.Request) -> web.Response:
        limit = min(int(request.query.get("limit", 25)), 100)
        page = int(request.query.get("page", 0))
        chunk = self.models[page * limit : (page + 1) * limit]
        return web.json_response({"result": {"total": len(self.models), "models": chunk}, "success": True})

    # -- media ---------------------------------------------------------------------------------

    async def _list_media(self, request: web.Request) -> web.Response:
        """``GET /v1/media``: the account's media, ``sort`` newest (default here) or oldest, paged."""
        query = request.query
        limit, page = min(int(query.get("limit", 25)), 100), int(query.get("page", 0))
        found = [m for m in self.media if query.get("media") in (None, m["media"])]
        if query.get("user") not in (None, "me", "u_test"):
            found = []
        if query.get("sort", "newest") == "newest":
            found = found[::-1]
        chunk = [m | {"modelSlug": f"{m['model']}:latest", "providerName": "Upstream A"} for m in found]
        result = {"total": len(found), "medias": chunk[page * limit : (page + 1) * limit]}
        return web.json_response({"result": result, "success": True})

    # -- uploads -------------------------------------------------------------------------------

    async def _start_upload(self, request: web.Request) -> web.Response:
        body = self.requests[-1].json or {}
        name, mime = body.get("name"), body.get("mime")
        if not name or not mime:
            return _error(400, "name and mime are required", "invalid_parameter", param="name")
        if not str(mime).startswith(("image/", "video/")):
            return _error(400, "Unsupported mime type", "invalid_parameter", param="mime")
        upload_id = f"upl_{uuid.uuid4().hex[:12]}"
        upload = Upload(name=name, mime=mime, token=secrets.token_hex(8))
        self.uploads[upload_id] = upload
        url = f"{request.url.origin()}/storage/{upload_id}?X-Amz-Signature={upload.token}"
        return web.json_response({"result": {"url": url, "id": upload_id}, "success": True})

    async def _store(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["id"])
        if self.storage_down:
            return web.Response(status=503, text="<Error><Code>SlowDown</Code></Error>")
        if upload is None or request.query.get("X-Amz-Signature") != upload.token:
            return web.Response(status=403, text="<Error><Code>SignatureDoesNotMatch</Code></Error>")
        if request.content_type != upload.mime:
            return web.Response(status=403, text="<Error><Code>ContentTypeMismatch</Code></Error>")
        upload.data = await request.read()
        return web.Response(status=200)

    async def _complete_upload(self, request: web.Request) -> web.Response:
        upload_id = request.match_info["id"]
        upload = self.uploads.get(upload_id)
        if upload is None:
            return _error(404, "Upload not found", "not_found")
        if not upload.data:
            return _error(400, "No file was uploaded", "upload_incomplete")
        result = {
            "id": upload_id,
            "url": f"{CDN}/{upload_id}/main.{upload.name.rpartition('.')[2] or 'bin'}",
            "mime": upload.mime,
            "size": len(upload.data),
            "status": "complete",
            "createdAt": "2025-03-25T12:00:00Z",
        }
        return web.json_response({"result": result, "success": True})

    # -- generation ----------------------------------------------------------------------------

    async def _generate(self, request: web.Request) -> web.StreamResponse:
        body = self.requests[-1].json
        if not isinstance(body, dict):
            return _error(400, "Invalid JSON body", "invalid_request")
        problem = self._problem(body)
        if problem:
            return problem
        prompt, model = body["prompt"], next(m for m in self.models if m["id"] == body["model"])
        if "[moderation]" in prompt:
            return _error(400, "Prompt violates the content policy", "content_policy_violation")
        if "[unavailable]" in prompt:
            return _error(503, "Service temporarily unavailable", "service_unavailable")
        if model["price"] > self.balance_usd:
            return _error(402, "Insufficient credits", "insufficient_credits")
        if self.in_flight >= self.max_concurrent:
            return _error(
                429, "Too many concurrent generations", "concurrency_limit_exceeded", retry_after=30
            )
        self.in_flight += 1
        try:
            await self._wait(self.delay_s)
        finally:
            self.in_flight -= 1
        return self._result(prompt, model, body)

    def _problem(self, body: dict[str, Any]) -> web.Response | None:
        prompt = str(body.get("prompt") or "").strip()
        if not prompt:
            return _error(400, "Prompt is required", "invalid_parameter", param="prompt")
        if len(prompt) > MAX_PROMPT_CHARS:
            return _error(400, "Prompt is too long", "invalid_parameter", param="prompt")
        model = next((m for m in self.models if m["id"] == body.get("model")), None)
        if model is None or model.get("media") != "video":
            return _error(404, "Model not found", "model_not_found", param="model")
        if body.get("size", "1080p") not in model["sizes"]:
            return _error(400, "Unsupported size for this model", "invalid_parameter", param="size")
        if body.get("routing", "optimal") not in ROUTINGS:
            return _error(400, "Unknown routing strategy", "invalid_parameter", param="routing")
        image_url = body.get("image_url")
        if image_url and "image-to-video" not in model["capabilities"]:
            return _error(400, "Model does not accept an image", "invalid_parameter", param="image_url")
        if image_url and not str(image_url).startswith("https://"):
            return _error(400, "image_url must be an https URL", "invalid_parameter", param="image_url")
        return None

    def _result(self, prompt: str, model: dict[str, Any], body: dict[str, Any]) -> web.StreamResponse:
        if "[server-error]" in prompt:
            return _error(500, "All providers failed to generate the video", "provider_error")
        if "[failed]" in prompt:
            return web.json_response({"success": False, "message": "Generation failed", "code": "failed"})
        if "[malformed]" in prompt:
            return web.Response(text="<html>oops</html>", content_type="text/html")
        self.balance_usd -= model["price"]
        media_id = uuid.uuid4().hex[:12]
        media = {
            "id": media_id,
            "url": f"{CDN}/{media_id}/main.mp4",
            "mime": "video/mp4",
            "user": "u_test",
            "media": "video",
            "model": model["id"],
            "provider": "upstream-a",
            "prompt": prompt,
            "size": body.get("size", "1080p"),
            "createdAt": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        if "[no-url]" in prompt:
            del media["url"]
        self.media.append(media)
        stats: dict[str, Any] = {
            "setupTime": 120,
            "processingTime": 350,
            "generationTime": round(self.delay_s * 1000),
        }
        stats |= {"retries": 0, "providerId": "upstream-a"}
        return web.json_response({"data": [media], "price": model["price"], "success": True, "stats": stats})

    async def _wait(self, seconds: float) -> None:
        assert self._closing is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    async def _shutdown(self, app: web.Application) -> None:
        if self._closing is not None:
            self._closing.set()


def _error(status: int, message: str, code: str, **extra: Any) -> web.Response:
    body = {"success": False, "message": message, "code": code, "request_id": f"req_{uuid.uuid4().hex[:8]}"}
    return web.json_response(body | extra, status=status)
