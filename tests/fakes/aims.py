"""A fake AI Media Studio API (providers.md §4) as an ``aiohttp.web`` app.

Faithful to the reference: Bearer or ``X-API-Key`` auth with scopes, ``GET /models``,
``GET /videos/generate`` discovery, multipart ``POST /uploads`` (bytes verified), and a synchronous
``POST /videos/generate`` that answers after ``delay_s`` with the §4.3 body, snapping the duration and
charging ``credit_cost x seconds``. Errors are ``{"error": ...}`` with real statuses. Our choices where
the reference is [UNK]: ``available_settings``/``default_advanced_settings`` shapes (see
``providers/aims/models.py``), moderation as HTTP 400 naming "content moderation", ``Retry-After``
on 429, ``model_type`` ``img2video``/``ref2video``/``flf2video``.

Prompt keywords force failures: see :data:`FAILURES`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

SCOPES = frozenset({"image:generate", "video:generate", "media:read", "media:write"})
CDN = "https://cdn.ai-media-studio.com/workspaces"
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# Prompt keyword -> what the generation answers instead of a video.
FAILURES = {
    "[moderation]": "HTTP 400: prompt rejected by content moderation",
    "[server-error]": "HTTP 500 after the delay: generation failed, credits refunded",
    "[unavailable]": "HTTP 503",
    "[failed]": "HTTP 200, success false, video.status failed, credits_refunded",
    "[malformed]": "HTTP 200 with an HTML body",
    "[no-url]": "HTTP 200, status completed but no url",
}


def _model(model_id: str, name: str, model_type: str, cost: int, durations: list[int]) -> dict[str, Any]:
    return {
        "id": model_id,
        "name": name,
        "model_type": model_type,
        "credit_cost": cost,
        "description": None,
        "default_advanced_settings": {"duration": durations[0], "aspect_ratio": "16:9"},
        "available_settings": {
            "duration": durations,
            "aspect_ratio": ["16:9", "9:16", "1:1"],
            "resolution": ["720p", "1080p"],
        },
    }


def default_video_models() -> list[dict[str, Any]]:
    """The snapshot's video models (``aims_models_snapshot.derived.json``) plus i2v/ref/flf variants."""
    return [
        _model("fal-ai/veo3.1/lite", "Veo 3.1 Lite", "text2video", 15, [4, 6, 8]),
        _model("xai/grok-imagine-video/text-to-video", "Grok Imagine", "text2video", 15, [6]),
        _model("bytedance/seedance-2.0/fast/text-to-video", "Seedance 2.0 Fast", "text2video", 20, [5, 10]),
        _model("bytedance/seedance-2.0/text-to-video", "Seedance 2.0", "text2video", 25, [5, 10]),
        _model("fal-ai/veo3.1/fast", "Veo 3.1 Fast", "text2video", 30, [4, 6, 8]),
        _model("fal-ai/sora-2/text-to-video", "Sora 2", "text2video", 35, [4, 8, 12]),
        _model("fal-ai/sora-2/text-to-video/pro", "Sora 2 Pro", "text2video", 50, [4, 8, 12]),
        _model(
            "fal-ai/kling-video/v3/standard/text-to-video", "Kling v3 Standard", "text2video", 67, [5, 10]
        ),
        _model("fal-ai/kling-video/v3/pro/text-to-video", "Kling v3 Pro", "text2video", 70, [5, 10]),
        _model("fal-ai/veo3.1/fast/image-to-video", "Veo 3.1 Fast I2V", "img2video", 30, [4, 6, 8]),
        _model(
            "bytedance/seedance-2.0/fast/image-to-video", "Seedance 2.0 Fast I2V", "img2video", 20, [5, 10]
        ),
        _model("fal-ai/veo3.1/reference-to-video", "Veo 3.1 Reference", "ref2video", 40, [8]),
        _model("fal-ai/veo3.1/fast/first-last-frame-to-video", "Veo 3.1 Fast FLF", "flf2video", 30, [8]),
    ]


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any = None


@dataclass
class FakeAims:
    """State of one fake AIMS workspace; ``app()`` serves it."""

    api_keys: set[str] = field(default_factory=lambda: {"aims_test_key"})
    scopes: set[str] = field(default_factory=lambda: set(SCOPES))
    credits: int = 10_000
    delay_s: float = 0.0
    rate_limit_per_min: int = 60
    has_models_endpoint: bool = True
    workspace_urls_only: bool = False
    echoes_keys: bool = False  # an API that quotes the rejected key back: clients must mask it
    workspace_id: str = "ws-test"
    video_models: list[dict[str, Any]] = field(default_factory=default_video_models)
    requests: list[Recorded] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    in_flight: int = 0
    throttle_generations: int = 0  # the next N generation requests get 429 (nothing is generated)
    throttle_retry_after: str | None = None  # their Retry-After header, or none at all
    _hits: list[float] = field(default_factory=list)
    _closing: asyncio.Event | None = None

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._gate], client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_get("/api/v1/models", self._models)
        app.router.add_get("/api/v1/videos/generate", self._discovery)
        app.router.add_post("/api/v1/videos/generate", self._generate)
        app.router.add_post("/api/v1/uploads", self._upload)
        self._closing = asyncio.Event()
        app.on_shutdown.append(self._shutdown)
        return app

    @property
    def generations(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST" and r.path.endswith("/videos/generate")]

    # -- middleware: record, authenticate, rate-limit ------------------------------------------

    @web.middleware
    async def _gate(self, request: web.Request, handler: Any) -> web.StreamResponse:
        body = None
        if request.content_type == "application/json":
            body = await request.json()
        self.requests.append(
            Recorded(request.method, request.path, dict(request.query), dict(request.headers), body)
        )
        auth = request.headers.get("Authorization", "")
        key = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
        key = key or request.headers.get("X-API-Key")
        if not key:
            return _error(401, "Missing API key")
        if key not in self.api_keys:
            return _error(
                401, f"Invalid or expired API key {key}" if self.echoes_keys else "Invalid or expired API key"
            )
        now = time.monotonic()
        self._hits = [t for t in self._hits if now - t < 60] + [now]
        if len(self._hits) > self.rate_limit_per_min:
            wait = max(1, round(60 - (now - self._hits[0])))
            return _error(429, "Rate limit exceeded", headers={"Retry-After": str(wait)})
        if self.throttle_generations and request.method == "POST" and request.path.endswith("/generate"):
            self.throttle_generations -= 1
            headers = {"Retry-After": self.throttle_retry_after} if self.throttle_retry_after else None
            return _error(429, "Rate limit exceeded", headers=headers)
        response: web.StreamResponse = await handler(request)
        return response

    # -- discovery -----------------------------------------------------------------------------

    async def _models(self, request: web.Request) -> web.Response:
        if not self.has_models_endpoint:
            return _error(404, "Not found")
        kind = request.query.get("type")
        return web.json_response(
            {
                "status": "ok",
                "workspace_id": self.workspace_id,
                "image_models": [],
                "video_models": [] if kind == "image" else self.video_models,
            }
        )

    async def _discovery(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "status": "ok",
                "workspace_id": self.workspace_id,
                "credits_available": self.credits,
                "scopes": sorted(self.scopes),
                "available_models": self.video_models,
            }
        )

    # -- uploads -------------------------------------------------------------------------------

    async def _upload(self, request: web.Request) -> web.Response:
        if "media:write" not in self.scopes:
            return _error(403, "API key does not have the media:write scope")
        if not request.content_type.startswith("multipart/"):
            return _error(400, "Expected multipart form data with a file field")
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return _error(400, "Missing file")
        data = upload.file.read()
        if not data or len(data) > MAX_UPLOAD_BYTES:
            return _error(400, "Source image must be non-empty and no larger than 20 MiB")
        if not data.startswith(IMAGE_MAGIC) and data[8:12] != b"WEBP":
            return _error(400, "File is not a supported raster image")
        upload_id = str(uuid.uuid4())
        url = f"{CDN}/{self.workspace_id}/uploads/{upload_id}-{upload.filename}"
        self.uploads[url] = data
        return web.json_response({"success": True, "id": upload_id, "url": url})

    # -- generation ----------------------------------------------------------------------------

    async def _generate(self, request: web.Request) -> web.StreamResponse:
        if "video:generate" not in self.scopes:
            return _error(403, "API key does not have the video:generate scope")
        body = self.requests[-1].json
        if not isinstance(body, dict):
            return _error(400, "Invalid JSON body")
        prompt = str(body.get("prompt") or "").strip()
        if not prompt:
            return _error(400, "Prompt is required")
        model = next(
            (m for m in self.video_models if m["id"] == body.get("model", "fal-ai/veo3.1/fast")), None
        )
        if model is None:
            return _error(400, f"Unknown model: {body.get('model')}")
        problem = self._image_problem(model, body)
        if problem:
            return _error(400, problem)
        if "[moderation]" in prompt:
            return _error(400, "Prompt rejected by content moderation")
        if "[unavailable]" in prompt:
            return _error(503, "Service temporarily unavailable")
        durations: list[int] = model["available_settings"]["duration"]
        requested = int(body.get("duration") or model["default_advanced_settings"]["duration"])
        duration = min(durations, key=lambda d: (abs(d - requested), d))
        cost = model["credit_cost"] * duration
        if cost > self.credits:
            return _error(402, "Insufficient credits")
        self.credits -= cost
        self.in_flight += 1
        try:
            await self._wait(self.delay_s)
        finally:
            self.in_flight -= 1
        return self._result(prompt, model, body, duration, cost)

    def _result(
        self, prompt: str, model: dict[str, Any], body: dict[str, Any], duration: int, cost: int
    ) -> web.StreamResponse:
        video_id = str(uuid.uuid4())
        video: dict[str, Any] = {
            "id": video_id,
            "url": f"https://v3.fal.media/files/fake/{video_id}/output.mp4",
            "status": "completed",
            "model": model["id"],
            "duration": duration,
            "aspect_ratio": body.get("aspect_ratio", "16:9"),
            "audio": bool(body.get("audio", False)),
        }
        if "[server-error]" in prompt or "[failed]" in prompt:
            self.credits += cost  # refunded
            if "[server-error]" in prompt:
                return _error(500, "Video generation failed. Credits have been refunded.")
            video.update(url=None, status="failed", error="Provider generation failed", credits_refunded=cost)
            return web.json_response(
                {"success": False, "video": video, "credits_used": 0, "credits_remaining": self.credits}
            )
        if "[malformed]" in prompt:
            return web.Response(text="<html>502 Bad Gateway</html>", content_type="text/html")
        if "[no-url]" in prompt:
            del video["url"]
        return web.json_response(
            {"success": True, "video": video, "credits_used": cost, "credits_remaining": self.credits}
        )

    def _image_problem(self, model: dict[str, Any], body: dict[str, Any]) -> str | None:
        needs = {
            "img2video": ("image_url",),
            "ref2video": ("image_urls",),
            "flf2video": ("first_frame_url", "last_frame_url"),
        }.get(model["model_type"], ())
        for name in needs:
            if not body.get(name):
                return f"{name} is required for this model"
        urls = [body.get(n) for n in ("image_url", "first_frame_url", "last_frame_url") if body.get(n)]
        urls += list(body.get("image_urls") or [])
        for url in urls:
            if not str(url).startswith("https://"):
                return "Image URLs must be https"
            if self.workspace_urls_only and not str(url).startswith(f"{CDN}/{self.workspace_id}/"):
                return "Arbitrary external image URLs are not accepted; upload the image first"
        return None

    async def _wait(self, seconds: float) -> None:
        assert self._closing is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    async def _shutdown(self, app: web.Application) -> None:
        if self._closing is not None:
            self._closing.set()


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers)
