"""A fake AIVideoMaker (seed 002 era, reference §3) as an ``aiohttp.web`` application.

Five endpoints: create, list, detail, status, cancel. Tasks live SUBMITTED for ``queued_s``,
PROGRESS for ``processing_s``, then COMPLETED (``output.url``, or ``output_field``) or FAILED
(credits refunded). Tasks belong to their key (another key gets 404). ``/api/v1/tasks*`` allows
``rate_limit`` requests per IP in any sliding window of ``60 * time_scale`` seconds, else 429 with
``Retry-After`` in virtual (unscaled) seconds. Choices where the reference is [UNK]: insufficient
credits is HTTP 200 + ``{"status":"FAILED","message":"Insufficient credits"}``; validation errors
are 400; cancel answers ``{"status":"CANCEL","taskId":...}`` or 400 when no longer SUBMITTED;
the list has no pagination unless ``list_limit`` keeps only the newest tasks.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import math
import re
import secrets
import string
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from aiohttp import web

Scope = Literal["create", "query", "any"]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

MODELS: dict[str, tuple[str, ...]] = {
    "t2v": ("5", "8"),
    "i2v": ("5", "8"),
    "lv": (),
    "t2v_v3": ("5", "10", "15", "20"),
    "i2v_v3": ("5", "10", "15", "20"),
}
CREDITS_PER_SECOND = {"t2v": 1, "i2v": 1, "t2v_v3": 10, "i2v_v3": 10}
ASPECT_RATIOS = ("16:9", "9:16", "1:1")
QUERY_PREFIX = "/api/v1/tasks"
PUBLIC_BASE = "https://aivideomaker.ai"
_DATA_URL = re.compile(r"^data:image/[\w.+-]+;base64,(.+)$", re.DOTALL)
_ID_CHARS = string.ascii_lowercase + string.digits


class Invalid(Exception):
    """A request the real API refuses with 400."""


@dataclass
class FakeTask:
    id: str
    key: str
    model: str
    input: dict[str, Any]
    credits: int
    started: float
    created_at: str
    will_fail: bool
    final: str | None = None
    completed_at: str | None = None


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float  # seconds since the fake was made


@dataclass
class CannedAnswer:
    status: int
    body: dict[str, Any] | str | None
    scope: Scope
    headers: dict[str, str] = field(default_factory=dict)


class FakeAivideomaker:
    """State and switches of the fake; ``app()`` serves it."""

    def __init__(
        self,
        *,
        api_keys: Iterable[str] = ("ak_test_key",),
        credits: int = 100_000,
        queued_s: float = 0.05,
        processing_s: float = 0.1,
        rate_limit: int = 60,
        time_scale: float = 1.0,
    ) -> None:
        self.balances: dict[str, int] = dict.fromkeys(api_keys, credits)
        self.queued_s = queued_s
        self.processing_s = processing_s
        self.rate_limit = rate_limit
        self.time_scale = time_scale
        self.output_field = "url"  # "videoUrl" / "video_url" as other docs show
        self.fail_next_tasks = 0  # the next N created tasks end FAILED
        self.malformed_json = False  # every successful answer is broken JSON
        self.list_limit: int | None = None  # the list shows only the newest N tasks
        self.delay_s = 0.0  # every answer waits this long (client timeouts)
        self.create_answer_delay_s = 0.0  # a create makes its task at once, then waits this long to answer
        self.drop_next_create_answers = 0  # the next N creates make their task, then drop the connection
        self.tasks: dict[str, FakeTask] = {}
        self.requests: list[RecordedRequest] = []
        self.query_times: list[float] = []  # arrival of every /api/v1/tasks* request
        self.rate_limited = 0  # 429s answered
        self._canned: list[CannedAnswer] = []
        self._windows: dict[str, deque[float]] = {}
        self._start = time.monotonic()

    # -- switches --------------------------------------------------------------------------
    def answer_next(
        self,
        status: int,
        body: dict[str, Any] | str | None = None,
        *,
        scope: Scope = "any",
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` requests in ``scope`` get this answer (a str body is sent raw)."""
        self._canned += [CannedAnswer(status, body, scope, dict(headers or {})) for _ in range(times)]

    def rate_limit_next(self, retry_after: float | str = 1, *, times: int = 1) -> None:
        """The next ``times`` task queries get 429 with this ``Retry-After``."""
        body = {"status": "FAILED", "message": "Too many requests"}
        self.answer_next(429, body, scope="query", headers={"Retry-After": _number(retry_after)}, times=times)

    # -- counters --------------------------------------------------------------------------
    @property
    def window_s(self) -> float:
        return 60.0 * self.time_scale

    def max_queries_in_window(self) -> int:
        """The most task queries that arrived within any sliding (scaled) minute."""
        most, first = 0, 0
        for last, arrived in enumerate(self.query_times):
            while self.query_times[first] <= arrived - self.window_s:
                first += 1
            most = max(most, last - first + 1)
        return most

    def queries_per_minute(self) -> dict[int, int]:
        """Task queries per fixed (scaled) minute since the fake was made."""
        counts: dict[int, int] = {}
        for arrived in self.query_times:
            minute = int(arrived // self.window_s)
            counts[minute] = counts.get(minute, 0) + 1
        return counts

    def paths(self, method: str | None = None) -> list[str]:
        return [r.path for r in self.requests if method is None or r.method == method]

    # -- lifecycle -------------------------------------------------------------------------
    def status_of(self, task: FakeTask) -> str:
        """The task's state now (its timings decide; a final state sticks)."""
        if task.final is not None:
            return task.final
        elapsed = time.monotonic() - task.started
        if elapsed < self.queued_s:
            return "SUBMITTED"
        if elapsed < self.queued_s + self.processing_s:
            return "PROGRESS"
        final = "FAILED" if task.will_fail else "COMPLETED"
        self._finish(task, final)
        return final

    def _finish(self, task: FakeTask, state: str) -> None:
        task.final = state
        task.completed_at = _iso_now()
        if state != "COMPLETED":
            self.balances[task.key] += task.credits  # failed and cancelled tasks are refunded

    def task_json(self, task: FakeTask) -> dict[str, Any]:
        state = self.status_of(task)
        output = {self.output_field: f"https://static.img2video.ai/videos/{task.id}.mp4"}
        return {
            "id": task.id,
            "createdAt": task.created_at,
            "model": task.model,
            "input": task.input,
            "output": output if state == "COMPLETED" else None,
            "status": state,
            "completedAt": task.completed_at,
        }

    # -- application -----------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._front])
        app.router.add_post("/api/v1/generate/{model}", self._create)
        app.router.add_get("/api/v1/tasks", self._list)
        app.router.add_get("/api/v1/tasks/{task_id}", self._detail)
        app.router.add_get("/api/v1/tasks/{task_id}/status", self._status)
        app.router.add_put("/api/v1/tasks/{task_id}/cancel", self._cancel)
        app.router.add_post("/api/v1/tasks/{task_id}/cancel", self._not_allowed)
        app.router.add_delete("/api/v1/tasks/{task_id}/cancel", self._not_allowed)
        return app

    @web.middleware
    async def _front(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        now = time.monotonic() - self._start
        raw = await request.text()
        self.requests.append(
            RecordedRequest(request.method, request.path, dict(request.headers), _loads(raw), now)
        )
        is_query = request.path.startswith(QUERY_PREFIX)
        if is_query:
            self.query_times.append(now)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        canned = self._take_canned("query" if is_query else "create")
        if canned is not None:
            return _answer(canned.status, canned.body, canned.headers)
        if is_query and (retry_after := self._over_limit(request.remote or "?", now)) is not None:
            self.rate_limited += 1
            body = {"status": "FAILED", "message": "Too many requests"}
            return _answer(429, body, {"Retry-After": str(retry_after)})
        if request.headers.get("key") not in self.balances:
            return _unauthorized()
        return await handler(request)

    def _take_canned(self, scope: Scope) -> CannedAnswer | None:
        for index, canned in enumerate(self._canned):
            if canned.scope in (scope, "any"):
                return self._canned.pop(index)
        return None

    def _over_limit(self, ip: str, now: float) -> int | None:
        """Virtual seconds to wait when ``ip`` has used its minute, else ``None`` (and count it)."""
        window = self._windows.setdefault(ip, deque())
        while window and window[0] <= now - self.window_s:
            window.popleft()
        if len(window) >= self.rate_limit:
            return max(1, math.ceil((window[0] + self.window_s - now) / self.time_scale))
        window.append(now)
        return None

    def _json(self, body: dict[str, Any], status: int = 200) -> web.Response:
        if self.malformed_json and status < 400:
            return web.Response(status=status, text='{"status": "SUBM', content_type="application/json")
        return web.json_response(body, status=status)

    def _task(self, request: web.Request) -> FakeTask | None:
        """The task of the path, if it belongs to the request's key."""
        task = self.tasks.get(request.match_info["task_id"])
        return task if task is not None and task.key == request.headers["key"] else None

    async def _create(self, request: web.Request) -> web.Response:
        key = request.headers["key"]
        model = request.match_info["model"]
        try:
            body = _loads(await request.text())
            cost, stored_input = _validate(model, body)
        except Invalid as error:
            return _failed(400, str(error))
        if self.balances[key] < cost:
            return self._json({"status": "FAILED", "message": "Insufficient credits"})
        task_id = "ck" + "".join(secrets.choice(_ID_CHARS) for _ in range(23))
        will_fail, self.fail_next_tasks = self.fail_next_tasks > 0, max(self.fail_next_tasks - 1, 0)
        self.balances[key] -= cost
        self.tasks[task_id] = FakeTask(
            task_id, key, model, stored_input, cost, time.monotonic(), _iso_now(), will_fail
        )
        if self.create_answer_delay_s:
            await asyncio.sleep(self.create_answer_delay_s)
        if self.drop_next_create_answers > 0:  # made and charged; the answer never arrives
            self.drop_next_create_answers -= 1
            assert request.transport is not None
            request.transport.close()
        url = f"{PUBLIC_BASE}/api/v1/tasks/{task_id}"
        return self._json(
            {
                "status": "SUBMITTED",
                "taskId": task_id,
                "responseUrl": url,
                "statusUrl": f"{url}/status",
                "cancelUrl": f"{url}/cancel",
            }
        )

    async def _list(self, request: web.Request) -> web.Response:
        key = request.headers["key"]
        mine = [task for task in reversed(self.tasks.values()) if task.key == key]
        shown = mine if self.list_limit is None else mine[: self.list_limit]
        return self._json({"tasks": [self.task_json(task) for task in shown]})

    async def _detail(self, request: web.Request) -> web.Response:
        task = self._task(request)
        return _not_found() if task is None else self._json(self.task_json(task))

    async def _status(self, request: web.Request) -> web.Response:
        task = self._task(request)
        return _not_found() if task is None else self._json({"status": self.status_of(task)})

    async def _cancel(self, request: web.Request) -> web.Response:
        task = self._task(request)
        if task is None:
            return _not_found()
        if self.status_of(task) != "SUBMITTED":
            return _failed(400, "Task can only be cancelled while SUBMITTED")
        self._finish(task, "CANCEL")
        return self._json({"status": "CANCEL", "taskId": task.id})

    async def _not_allowed(self, request: web.Request) -> web.Response:
        return _failed(405, "Method not allowed")


def _validate(model: str, body: Any) -> tuple[int, dict[str, Any]]:
    """Check a create body as the seed describes it; return its credits and stored input."""
    if model not in MODELS:
        raise Invalid(f"Invalid model: {model}")
    if not isinstance(body, dict):
        raise Invalid("Body must be a JSON object")
    stored = dict(body)
    if model in ("i2v", "i2v_v3", "lv"):
        stored["image"] = _checked_image(body.get("image"))
    if model == "lv":
        prompts = body.get("prompt")
        if not isinstance(prompts, list) or not 1 <= len(prompts) <= 6:
            raise Invalid("prompt must be an array of 1 to 6 strings")
        if not all(isinstance(prompt, str) and prompt for prompt in prompts):
            raise Invalid("prompt must be an array of 1 to 6 strings")
        return len(prompts) * 5 * 15, stored
    duration = body.get("duration")
    if not isinstance(duration, str) or duration not in MODELS[model]:
        raise Invalid(f"duration must be one of {list(MODELS[model])} (string)")
    prompt = body.get("prompt")
    if model.startswith("t2v"):
        if not isinstance(prompt, str) or not prompt.strip():
            raise Invalid("prompt is required")
        if body.get("aspectRatio") not in ASPECT_RATIOS:
            raise Invalid(f"aspectRatio must be one of {list(ASPECT_RATIOS)}")
    elif prompt is not None and not isinstance(prompt, str):
        raise Invalid("prompt must be a string or null")
    return int(duration) * CREDITS_PER_SECOND[model], stored


def _checked_image(image: Any) -> str:
    """A public URL stays; a valid base64 data URL becomes the R2 URL the backend uploads it to."""
    if not isinstance(image, str) or not image:
        raise Invalid("image is required")
    if image.startswith(("https://", "http://")):
        return image
    match = _DATA_URL.match(image)
    if match is None:
        raise Invalid("image must be a public URL or a data:image/...;base64 URL")
    try:
        base64.b64decode(match.group(1), validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("image data is not valid base64") from None
    return f"https://r2.aivideomaker.ai/uploads/{secrets.token_hex(8)}"


def _loads(raw: str) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw


def _answer(status: int, body: dict[str, Any] | str | None, headers: dict[str, str]) -> web.Response:
    if isinstance(body, dict):
        return web.json_response(body, status=status, headers=headers)
    return web.Response(status=status, text=body or "", headers=headers, content_type="application/json")


def _failed(status: int, message: str) -> web.Response:
    return web.json_response({"status": "FAILED", "message": message}, status=status)


def _unauthorized() -> web.Response:
    body = {"status": "FAILED", "errorCode": "AUTH_FAILED", "message": "Invalid API key."}
    return web.json_response(body, status=401)


def _not_found() -> web.Response:
    return _failed(404, "Task not found")


def _number(value: float | str) -> str:
    return str(int(value)) if isinstance(value, float | int) and float(value).is_integer() else str(value)


def _iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
