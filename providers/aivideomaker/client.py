"""The AIVideoMaker (aivideomaker.ai) client: seed 002's API, credits, one shared query limiter.

Create is ``POST /api/v1/generate/{model}``; the task endpoints (``/api/v1/tasks*``: list, detail,
status, cancel) allow 60 requests a minute per IP, so every one of them passes one limiter per
client, a ``Retry-After`` pauses them all, and concurrent polls coalesce (see ``batching``).
A 429 while polling is raised as :class:`RateLimitedError` (the next query waits for the pause).
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, Self
from urllib.parse import quote as quote_path

import httpx

from providers.aivideomaker import answers
from providers.aivideomaker.batching import PollBatcher, Record
from providers.aivideomaker.limiter import SlidingWindowLimiter
from providers.aivideomaker.models import MODELS
from providers.aivideomaker.quoting import PROVIDER_NAME, build_quote, model_for, request_body
from providers.errors import NetworkError, UnavailableError, UnexpectedResponseError
from providers.http import DEFAULT_MAX_IN_FLIGHT, BoundedClient
from providers.types import (
    CreditUnit,
    GenerationRequest,
    LiveModel,
    ModelRef,
    Offer,
    Quote,
    TaskHandle,
    TaskState,
    TaskStatus,
    TaskType,
)
from providers.wire import retry_after_seconds

log = logging.getLogger(__name__)

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)
QUERY_WINDOW_S = 60.0
QUERY_GUARD_S = 1.0  # added to our window: covers the delay between our clock and the server's
POLL_GATHER_S = 0.2  # how long a first poll waits for others to join its round
_FINISHED_KEPT = 1000
SHORTEST_PAGE = 20  # a task list this long may be a first page (pagination is [UNK])


class AivideomakerClient:
    """An async client for AIVideoMaker. Times (window, waits, gather) scale by ``time_scale``."""

    name = PROVIDER_NAME
    unit = CreditUnit.CREDITS

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = "https://aivideomaker.ai",
        transport: httpx.AsyncBaseTransport | None = None,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        request_timeout_s: float = 30.0,
        max_query_per_minute: int = 60,
        time_scale: float = 1.0,
    ) -> None:
        self._api_key = api_key
        self._time_scale = time_scale
        self._http = BoundedClient(
            name=self.name,
            max_in_flight=max_in_flight,
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=request_timeout_s,
            verify=_tls_context(),
            headers={"key": api_key, "User-Agent": USER_AGENT, "Accept": "application/json"},
        )
        self.query_limiter = SlidingWindowLimiter(
            max_query_per_minute, (QUERY_WINDOW_S + QUERY_GUARD_S) * time_scale
        )
        self._batcher = PollBatcher(
            limiter=self.query_limiter,
            fetch_one=self._fetch_status,
            fetch_all=self._fetch_all,
            gather_s=POLL_GATHER_S * time_scale,
        )
        self._finished: dict[str, TaskStatus] = {}
        self._claimed: set[str] = set()  # tasks already matched to a lost create

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AivideomakerClient(base_url={str(self._http.base_url)!r})"

    async def list_models(self, task_type: TaskType) -> list[LiveModel]:
        """The seed's models for ``task_type`` (AIVideoMaker has no model list endpoint)."""
        return [
            LiveModel(
                provider=self.name,
                ref=ModelRef(model_id=model.model_id),
                name=model.name,
                credits_min=model.credits(min(model.durations)),
                credits_max=model.credits(max(model.durations)),
                unit=self.unit,
            )
            for model in MODELS.values()
            if model.task_type is task_type
        ]

    async def quote(self, request: GenerationRequest, offer: Offer) -> Quote:
        return build_quote(request, offer)

    async def submit(self, quote: Quote, request: GenerationRequest, *, key: str | None = None) -> TaskHandle:
        model = model_for(quote.ref.model_id)
        path = f"/api/v1/generate/{model.model_id}"
        headers = {"Idempotency-Key": key} if key else None  # later API versions honour it; harmless before
        response = await self._send(
            "POST", path, json=request_body(quote, request), creates=True, headers=headers
        )
        task_id = self._read(response, on_create=True).get("taskId")
        if not isinstance(task_id, str) or not task_id:
            raise UnexpectedResponseError("create answer without taskId", before_task=False)
        log.info("aivideomaker task %s created (%s, %d credits)", task_id, model.model_id, quote.credits)
        return TaskHandle(provider=self.name, task_id=task_id, quote=quote, created_at=datetime.now(UTC))

    async def poll(self, handle: TaskHandle) -> TaskStatus:
        task_id = handle.task_id
        if task_id in self._finished:
            return self._finished[task_id]
        record = await self._batcher.lookup(task_id)
        state = answers.state_of(record)
        if state != answers.COMPLETED:
            status = answers.unfinished_or_failed(state, record)
        else:
            url = answers.video_url(record) or answers.video_url(await self._query(_task_path(task_id)))
            if url is None:
                raise UnexpectedResponseError("completed task without an output url", before_task=False)
            status = TaskStatus(
                state=TaskState.SUCCEEDED, progress=100, video_url=url, duration_s=_duration_s(handle.quote)
            )
        if status.done:
            self._remember(task_id, status)
        return status

    async def find_task(
        self, quote: Quote, request: GenerationRequest, *, key: str, since: datetime
    ) -> TaskHandle | None:
        """A task whose create answer was lost, from ``GET /api/v1/tasks`` (newest first): same model,
        prompt and parameters, created since ``since``, not claimed before. ``None`` only when the list
        is short or reaches back past ``since``: a long list of newer tasks may be one page of many (no
        pagination is documented), so then this raises."""
        await self.query_limiter.acquire()
        listed = self._read(await self._send("GET", "/api/v1/tasks"), on_create=False).get("tasks")
        if not isinstance(listed, list):
            raise UnexpectedResponseError("task list without tasks", before_task=False)
        body = request_body(quote, request)
        tasks = [task for task in listed if isinstance(task, Mapping)]
        for task in tasks:
            if answers.matches(task, quote.ref.model_id, body, since) and task["id"] not in self._claimed:
                self._claimed.add(task["id"])
                log.warning("aivideomaker task %s found for a lost create", task["id"])
                return TaskHandle(
                    provider=self.name, task_id=task["id"], quote=quote, created_at=datetime.now(UTC)
                )
        if tasks and not any(answers.created_before(task, since) for task in tasks):
            raise UnavailableError(
                "aivideomaker: the task list may not reach back far enough", before_task=False
            )
        return None

    async def cancel(self, handle: TaskHandle) -> bool:
        """Cancel a task still SUBMITTED; ``False`` when the provider refuses (no longer SUBMITTED)."""
        await self.query_limiter.acquire()
        response = await self._send("PUT", _task_path(handle.task_id, "/cancel"))
        if response.status_code in (400, 409, 422):
            return False
        return self._read(response, on_create=False).get("status") != "FAILED"

    async def aclose(self) -> None:
        await self._batcher.aclose()
        await self._http.aclose()

    async def _fetch_status(self, task_id: str) -> Record:
        """One task's status; the batcher holds the limiter slot."""
        return self._read(await self._send("GET", _task_path(task_id, "/status")), on_create=False)

    async def _fetch_all(self) -> dict[str, Record]:
        """Every listed task of the key, by id; the batcher holds the limiter slot."""
        tasks = self._read(await self._send("GET", "/api/v1/tasks"), on_create=False).get("tasks")
        if not isinstance(tasks, list):
            raise UnexpectedResponseError("task list without tasks", before_task=False)
        return {
            task["id"]: task
            for task in tasks
            if isinstance(task, Mapping) and isinstance(task.get("id"), str)
        }

    async def _query(self, path: str) -> Record:
        """A GET on a task endpoint, through the limiter."""
        await self.query_limiter.acquire()
        return self._read(await self._send("GET", path), on_create=False)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        creates: bool = False,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """One request. A connection never made is ``before_task`` for a create; a 429 on a task
        endpoint pauses every query for its ``Retry-After``."""
        try:
            response = await self._http.request(method, path, json=json, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            raise NetworkError(self._clean(f"{method} {path}: {error!r}"), before_task=creates) from None
        except httpx.HTTPError as error:
            raise NetworkError(self._clean(f"{method} {path}: {error!r}"), before_task=False) from None
        if response.status_code == 429 and path.startswith("/api/v1/tasks"):
            self._pause_queries(response.headers.get("Retry-After"))
        return response

    def _read(self, response: httpx.Response, *, on_create: bool) -> Record:
        try:
            body = response.json()
        except ValueError:
            body = None
        retry_after = response.headers.get("Retry-After")
        error = answers.error_for(
            response.status_code, body, retry_after, on_create=on_create, redact=self._clean
        )
        if error is not None:
            raise error
        if not isinstance(body, Mapping):
            raise UnexpectedResponseError(
                f"HTTP {response.status_code}: not a JSON object", before_task=False
            )
        return body

    def _pause_queries(self, retry_after: str | None) -> None:
        seconds = retry_after_seconds(retry_after)
        wait = QUERY_WINDOW_S if seconds is None else seconds
        log.warning("aivideomaker rate limited: queries paused %.1fs", wait)
        self.query_limiter.pause_for(wait * self._time_scale)

    def _clean(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    def _remember(self, task_id: str, status: TaskStatus) -> None:
        if len(self._finished) >= _FINISHED_KEPT:
            self._finished.pop(next(iter(self._finished)))
        self._finished[task_id] = status


@cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every client (building one costs ~50 ms)."""
    return httpx.create_ssl_context()


def _task_path(task_id: str, suffix: str = "") -> str:
    return f"/api/v1/tasks/{quote_path(task_id, safe='')}{suffix}"


def _duration_s(quote: Quote) -> float | None:
    duration = quote.params.get("duration")
    return float(duration) if isinstance(duration, str) and duration.isdigit() else None
