"""A fake Media.io OpenAPI (``shared/reference/providers.md`` §1, §6) as an ``aiohttp.web`` app.

Endpoints, all ``POST`` with ``X-API-KEY``: ``/user/credits`` and ``/generation/result/{task_id}``
(body ``{}``), and the 17 documented video paths (body ``{"data": {...}}``). Business errors come in
HTTP 200 envelopes ``{code, msg, data: {}, trace_id}``: a missing or wrong key -> 374004; a body not
wrapped in ``data``, an unknown field, a missing required field, a non-string or undocumented enum value,
a too-long prompt, a non-https media URL, an unknown task -> 490000; credits below ``cost`` -> 490505.
An unknown path answers HTTP 404; another method, 405.

A task is ``waiting`` for ``queue_s`` seconds, ``processing`` for ``process_s`` more, then ``completed``
with ``result: [{val, preview, status}]`` (``vocabulary="reference"`` says ``pending``/``succeeded``).
``preview`` is ``{preview_base}/{task_id}.mp4``; without a ``preview_base`` it points at this server's
``GET /files/{task_id}.mp4``, which serves ``video_bytes``.

Prompt keywords: ``[fail]`` -> the task ends ``failed``; ``[moderation]`` -> ``failed`` with a moderation
reason; ``[timeout]`` -> ``timeout``; ``[late-url]`` -> the first completed answer has an empty result;
``[reject]`` -> 490000 at creation.

Scripted answers (``respond_next`` and its helpers) replace the next answers of any endpoint, in order.
Every request is recorded in ``requests`` (the key as received, the body as parsed JSON or raw text).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

_IP = ("image", "prompt")
_RES = "720P 1080P"
_BOOL = "True False"
_RATIOS = "9:16 16:9 1:1 4:3 3:4"
_VEO = {"aspect_ratio": "9:16 16:9", "resolution": _RES, "duration": "4s 6s 8s", "generate_audio": _BOOL}

# path -> (required fields, prompt max length, enum fields with their documented string values)
VIDEO_APIS: dict[str, tuple[tuple[str, ...], int, dict[str, str]]] = {
    "/generation/wan/i2v-wan-v2-6": (
        _IP,
        1500,
        {"resolution": _RES, "duration": "5s 10s 15s", "shot_type": "Multi Single", "generate_audio": _BOOL},
    ),
    "/generation/wan/i2v-wan-v2-2": (_IP, 800, {"resolution": "1080P", "duration": "5s"}),
    "/generation/minimax/i2v-minimax-02": (_IP, 2000, {"duration": "6s", "resolution": "768P 1080P"}),
    "/generation/kling/i2v-kling-v2-1": (_IP, 2000, {"duration": "5s 10s", "resolution": _RES}),
    "/generation/vidu/i2v-vidu-q3": (
        _IP,
        2000,
        {"resolution": "540P 720P 1080P", "duration": "4s 8s 12s 16s", "generate_audio": _BOOL},
    ),
    "/generation/kling/i2v-kling-v2-5-turbo": (_IP, 2500, {"duration": "5s 10s", "resolution": _RES}),
    "/generation/veo/i2v-veo-v3-1": (_IP, 1000, _VEO),
    "/generation/kling/i2v-kling-v3-0": (
        _IP,
        2500,
        {"resolution": _RES, "duration": "5s 8s 10s 15s", "multi_shots": _BOOL, "generate_audio": _BOOL},
    ),
    "/generation/minimax/i2v-minimax-v2-3": (_IP, 2000, {"resolution": "768P 1080P", "duration": "6s 10s"}),
    "/generation/vidu/i2v-vidu-q2": (_IP, 2000, {"duration": "4s 6s 8s", "resolution": _RES}),
    "/generation/wan/i2v-wan-v2-5": (_IP, 800, {"resolution": "480P 720P 1080P", "duration": "5s 10s"}),
    "/generation/kling/i2v-kling-v2-6": (_IP, 2500, {"duration": "5s 10s", "generate_audio": _BOOL}),
    "/generation/kling/i2v-motion-control-kling-v2-6": (("video", "image"), 2500, {}),
    "/generation/veo/i2v-veo-v3-1-fast": (_IP, 1000, _VEO),
    "/generation/wan/t2v-wan-v2-6": (
        ("prompt",),
        1500,
        {"size": _RATIOS, "duration": "5s 10s 15s", "shot_type": "Multi Single", "generate_audio": _BOOL},
    ),
    "/generation/vidu/t2v-vidu-q3": (
        ("prompt",),
        2000,
        {
            "ratio": _RATIOS,
            "resolution": "540P 720P 1080P",
            "duration": "4s 8s 12s 16s",
            "generate_audio": _BOOL,
        },
    ),
    "/generation/wan/t2v-wan-v2-5": (
        ("prompt",),
        800,
        {"ratio": "16:9 9:16 1:1 4:3 3:4", "duration": "5s 10s"},
    ),
}
_MEDIA_FIELDS = ("image", "video")
_VOCABULARIES = {"skill": ("waiting", "completed"), "reference": ("pending", "succeeded")}
_ENDINGS: dict[str, tuple[str, str]] = {  # keyword -> (status, reason)
    "[fail]": ("failed", "generation failed"),
    "[moderation]": ("failed", "content moderation: sensitive content detected"),
    "[timeout]": ("timeout", "task timed out"),
}

AUTH_ERROR = 374004
INSUFFICIENT_CREDITS = 490505
PARAMS_ERROR = 490000


@dataclass
class RecordedRequest:
    method: str
    path: str
    api_key: str | None
    body: Any


@dataclass
class FakeTask:
    task_id: str
    path: str
    data: dict[str, Any]
    created_at: float
    ending: tuple[str, str] | None  # (status, reason) of a failure; None = success
    empty_results_left: int = 0


@dataclass
class _Scripted:
    status: int
    text: str
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


class FakeMediaio:
    """State of one fake Media.io account; ``app()`` serves it (see the module docstring)."""

    def __init__(
        self,
        *,
        api_key: str = "mediaio-test-key",
        credits: int = 1000,
        cost: int = 10,
        queue_s: float = 0.05,
        process_s: float = 0.05,
        vocabulary: Literal["skill", "reference"] = "skill",
        preview_base: str | None = None,
        video_bytes: bytes = b"\x00\x00\x00\x18ftypmp42fake-mediaio-video",
    ) -> None:
        self.api_key = api_key
        self.credits = credits
        self.cost = cost
        self.queue_s = queue_s
        self.process_s = process_s
        self.vocabulary = vocabulary
        self.preview_base = preview_base
        self.video_bytes = video_bytes
        self.tasks: dict[str, FakeTask] = {}
        self.requests: list[RecordedRequest] = []
        self._scripted: deque[_Scripted] = deque()

    # scripted answers
    def respond_next(
        self,
        status: int = 200,
        body: object = None,
        *,
        text: str | None = None,
        headers: dict[str, str] | None = None,
        delay_s: float = 0.0,
    ) -> None:
        """Answer the next request, whatever it asks, after ``delay_s``: ``body`` as JSON or ``text``."""
        answer = text if text is not None else json.dumps(body)
        self._scripted.append(_Scripted(status, answer, headers or {}, delay_s))

    def error_code_next(self, code: int, msg: str = "error") -> None:
        self.respond_next(200, _envelope(code, msg, {}))

    def rate_limit_next(self, retry_after: str = "2") -> None:
        self.respond_next(429, text="Too Many Requests", headers={"Retry-After": retry_after})

    def unavailable_next(self, status: int = 503) -> None:
        self.respond_next(status, text="Service Unavailable")

    def malformed_next(self, text: str = "<html>bad gateway</html>") -> None:
        self.respond_next(200, text=text)

    def router_error_next(self, message: str) -> None:
        self.respond_next(200, {"error": message})

    def generation_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path in VIDEO_APIS]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.text()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        self.requests.append(
            RecordedRequest(request.method, request.path, request.headers.get("X-API-KEY"), body)
        )
        if self._scripted:
            scripted = self._scripted.popleft()
            await asyncio.sleep(scripted.delay_s)
            return web.Response(status=scripted.status, text=scripted.text, headers=scripted.headers)
        path = request.path
        if request.method == "GET" and path.startswith("/files/"):
            return web.Response(body=self.video_bytes, content_type="video/mp4")
        is_result = path.startswith("/generation/result/")
        if path != "/user/credits" and not is_result and path not in VIDEO_APIS:
            return web.json_response({"code": 404, "msg": "not found", "data": {}}, status=404)
        if request.method != "POST":
            return web.json_response({"code": 405, "msg": "method not allowed", "data": {}}, status=405)
        if request.headers.get("X-API-KEY") != self.api_key:
            return _error(AUTH_ERROR, "not authenticated")
        if is_result:
            return self._result(request, path.removeprefix("/generation/result/"), body)
        if path == "/user/credits":
            return self._credits(body)
        return self._create(path, body)

    def _credits(self, body: Any) -> web.Response:
        if body != {}:
            return _error(PARAMS_ERROR, "Credits takes an empty body")
        return _ok({"credits": self.credits})

    def _create(self, path: str, body: Any) -> web.Response:
        if not isinstance(body, dict) or set(body) != {"data"} or not isinstance(body["data"], dict):
            return _error(PARAMS_ERROR, 'params must be wrapped as {"data": {...}}')
        data: dict[str, Any] = body["data"]
        problem = _invalid(path, data)
        if problem:
            return _error(PARAMS_ERROR, problem)
        prompt = str(data.get("prompt", ""))
        if "[reject]" in prompt:
            return _error(PARAMS_ERROR, "params error")
        if self.credits < self.cost:
            return _error(INSUFFICIENT_CREDITS, "insufficient credits")
        self.credits -= self.cost
        task_id = f"video-{uuid.uuid4()}"
        ending = next((end for keyword, end in _ENDINGS.items() if keyword in prompt), None)
        empty_results = 1 if "[late-url]" in prompt else 0
        self.tasks[task_id] = FakeTask(task_id, path, data, time.monotonic(), ending, empty_results)
        return _ok({"task_id": task_id})

    def _result(self, request: web.Request, task_id: str, body: Any) -> web.Response:
        if body != {}:
            return _error(PARAMS_ERROR, "Task Result takes an empty body (task_id is in the path)")
        task = self.tasks.get(task_id)
        if task is None:
            return _error(PARAMS_ERROR, "task not found")
        queued, succeeded = _VOCABULARIES[self.vocabulary]
        elapsed = time.monotonic() - task.created_at
        if elapsed < self.queue_s:
            return _ok({"task_id": task_id, "status": queued, "reason": "", "result": []})
        if elapsed < self.queue_s + self.process_s:
            return _ok({"task_id": task_id, "status": "processing", "reason": "", "result": []})
        if task.ending is not None:
            status, reason = task.ending
            return _ok({"task_id": task_id, "status": status, "reason": reason, "result": []})
        if task.empty_results_left:
            task.empty_results_left -= 1
            return _ok({"task_id": task_id, "status": succeeded, "reason": "success", "result": []})
        base = self.preview_base or f"{request.url.origin()}/files"
        item = {
            "val": f"aicloudtmp/fake/{task_id}.mp4",
            "preview": f"{base}/{task_id}.mp4",
            "status": "completed",
        }
        return _ok({"task_id": task_id, "status": succeeded, "reason": "success", "result": [item]})


def _invalid(path: str, data: dict[str, Any]) -> str:
    """Why ``data`` is not a valid body for ``path`` ("" when it is)."""
    required, prompt_max, enums = VIDEO_APIS[path]
    known = {"prompt", *required, *enums}
    unknown = sorted(set(data) - known)
    if unknown:
        return f"unknown params: {', '.join(unknown)}"
    missing = [name for name in required if not data.get(name)]
    if missing:
        return f"missing required params: {', '.join(missing)}"
    prompt = data.get("prompt", "")
    if not isinstance(prompt, str) or len(prompt) > prompt_max:
        return f"prompt must be a string of at most {prompt_max} characters"
    for name in _MEDIA_FIELDS:
        if name in data and not (isinstance(data[name], str) and data[name].startswith("https://")):
            return f"{name} must be a public https URL"
    for name, allowed in enums.items():
        if name in data and (not isinstance(data[name], str) or data[name] not in allowed.split()):
            return f"{name} must be one of {allowed}"
    if (
        path.endswith("i2v-minimax-v2-3")
        and data.get("resolution") == "1080P"
        and data.get("duration") == "10s"
    ):
        return "1080P is only available when duration is 6s"
    return ""


def _envelope(code: int, msg: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, "msg": msg, "data": data, "trace_id": uuid.uuid4().hex}


def _ok(data: dict[str, Any]) -> web.Response:
    return web.json_response(_envelope(0, "", data))


def _error(code: int, msg: str) -> web.Response:
    return web.json_response(_envelope(code, msg, {}))
