"""Submit/poll over a synchronous API: each generation is one long request run in the background.

AIMS and MythIQ answer a generation POST only once the video is done, minutes later. ``submit``
hands that request to :class:`SyncTasks`, which runs it as an asyncio task under a generated id;
``poll`` then asks the registry:

- the request is still running: ``PROCESSING`` (no progress figure: the API gives none);
- it returned a status: that status (``SUCCEEDED`` with the video, or ``FAILED``);
- it raised a :class:`ProviderError` with ``before_task=True``, i.e. the provider refused the work
  before accepting it (auth, credits, bad params, 429, connection refused): every poll re-raises it.
  Nothing was charged, so the caller may retry elsewhere;
- it raised one with ``before_task=False`` that settles it (generation failed, content policy): ``FAILED``
  with its kind;
- it raised one that leaves it open (connection lost mid-request, our deadline passed, a gateway's
  502/504, a malformed answer), was cancelled (a shutdown), or the id is unknown (the process restarted:
  a generation lives only in memory): :class:`TaskLostError`. The work may have been accepted and
  charged, so the caller reconciles (MythIQ can look its media up) or reports it as uncertain.

The shared HTTP mapping of both sync APIs lives here too (:func:`http_error`, :func:`transport_error`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Coroutine
from typing import Any

import httpx

from providers.errors import (
    AuthError,
    BadParamsError,
    ContentPolicyError,
    ErrorKind,
    GenerationFailedError,
    InsufficientCreditsError,
    NetworkError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitedError,
    TaskLostError,
    UnavailableError,
    UnexpectedResponseError,
)
from providers.types import TaskState, TaskStatus
from providers.wire import GATEWAY_STATUSES

log = logging.getLogger(__name__)

DEFAULT_REQUEST_TIMEOUT_S = 600.0
# The long request waits without a read deadline of its own: SyncTasks enforces ``timeout_s``.
LONG_REQUEST_TIMEOUT = httpx.Timeout(None, connect=15.0)
FINISHED_RETENTION_S = 6 * 3600.0
# Errors after sending that leave open whether the provider accepted (and charged for) the work.
_OPEN_KINDS = frozenset({ErrorKind.NETWORK, ErrorKind.TIMEOUT, ErrorKind.UNKNOWN, ErrorKind.UNAVAILABLE})

_POLICY_WORDS = ("content policy", "content_policy", "moderation", "nsfw", "safety", "flagged")
_CREDIT_WORDS = ("insufficient credit", "insufficient_credit", "insufficient balance", "insufficient_balance")


class SyncTasks:
    """In-memory registry of running synchronous generations, keyed by generated task ids."""

    def __init__(self, provider: str, *, timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S) -> None:
        self._provider = provider
        self._timeout_s = timeout_s
        self._tasks: dict[str, asyncio.Future[TaskStatus]] = {}
        self._finished_at: dict[str, float] = {}

    def start(self, request: Coroutine[Any, Any, TaskStatus]) -> str:
        """Run ``request`` in the background; return the id to poll it by."""
        self._prune()
        task_id = f"{self._provider}-{uuid.uuid4().hex}"
        task = asyncio.create_task(self._run(request), name=task_id)
        self._tasks[task_id] = task

        def finished(_: asyncio.Task[TaskStatus]) -> None:
            self._finished_at[task_id] = time.monotonic()
            request.close()  # no-op once awaited; silences a request cancelled before it started

        task.add_done_callback(finished)
        return task_id

    def status(self, task_id: str) -> TaskStatus:
        """The task's state now; re-raises an error that happened before the provider took the work."""
        task = self._tasks.get(task_id)
        if task is None:
            raise TaskLostError(f"{self._provider}: unknown generation {task_id} (kept in memory only)")
        if not task.done():
            return TaskStatus(state=TaskState.PROCESSING)
        if task.cancelled():
            raise TaskLostError(f"{self._provider}: generation {task_id} was cancelled mid-request")
        error = task.exception()
        if error is None:
            return task.result()
        assert isinstance(error, ProviderError)  # _run converts everything else
        if error.before_task:
            raise error
        if error.kind in _OPEN_KINDS:
            raise TaskLostError(f"{self._provider}: {error.detail}", code=error.code)
        return _failed(error.kind, error.detail)

    def adopt(self, status: TaskStatus) -> str:
        """Register work found again after it was lost (reconciled); returns the id to poll it by."""
        task_id = f"{self._provider}-{uuid.uuid4().hex}"
        done: asyncio.Future[TaskStatus] = asyncio.get_running_loop().create_future()
        done.set_result(status)
        self._tasks[task_id] = done
        self._finished_at[task_id] = time.monotonic()
        return task_id

    async def aclose(self) -> None:
        """Cancel every request still running and wait for them to stop."""
        running = [task for task in self._tasks.values() if not task.done()]
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    async def _run(self, request: Coroutine[Any, Any, TaskStatus]) -> TaskStatus:
        try:
            async with asyncio.timeout(self._timeout_s):
                return await request
        except TimeoutError:
            raise ProviderTimeoutError(
                f"{self._provider}: no answer within {self._timeout_s:g} s", before_task=False
            ) from None
        except ProviderError as exc:
            log.info("%s generation failed: %s (before_task=%s)", self._provider, exc.kind, exc.before_task)
            raise
        except Exception as exc:  # a parsing slip must end as a ProviderError, never a crash
            log.exception("%s generation crashed", self._provider)
            detail = f"{self._provider}: {type(exc).__name__}"
            raise UnexpectedResponseError(detail, before_task=False) from exc

    def _prune(self) -> None:
        cutoff = time.monotonic() - FINISHED_RETENTION_S
        for task_id in [tid for tid, at in self._finished_at.items() if at < cutoff]:
            del self._finished_at[task_id]
            del self._tasks[task_id]


def _failed(kind: ErrorKind, detail: str) -> TaskStatus:
    return TaskStatus(state=TaskState.FAILED, error_kind=kind, error_detail=detail)


def http_error(
    status: int,
    message: str,
    *,
    code: str | int | None = None,
    retry_after: float | None = None,
    generating: bool = False,
) -> ProviderError:
    """Map one HTTP error answer of a sync API to our tree.

    ``generating``: the answer came to the long generation request. There a 500 means the job ran and
    failed (both APIs report provider failures so; AIMS refunds), so it is a ``GenerationFailedError``
    with ``before_task=False``; every other status is a refusal before any work was accepted.
    """
    text = f"{message} {code or ''}"
    detail = f"HTTP {status}: {message}"[:300]
    if status < 500 and _mentions(text, _POLICY_WORDS):
        return ContentPolicyError(detail, code=code)
    if status == 402 or _mentions(text, _CREDIT_WORDS):
        return InsufficientCreditsError(detail, code=code)
    if status in (401, 403):
        return AuthError(detail, code=code)
    if status == 429:
        return RateLimitedError(detail, retry_after=retry_after, code=code)
    if status in (400, 413, 422):
        return BadParamsError(detail, code=code)
    if status in (404, 410):
        return UnavailableError(detail, code=code)
    if status == 500 and generating:
        return GenerationFailedError(detail, code=code)
    if status in GATEWAY_STATUSES and generating:  # the work may be going on behind the gateway
        return UnavailableError(detail, code=code, before_task=False)
    if status >= 500:
        return UnavailableError(detail, code=code)
    return UnexpectedResponseError(detail, code=code, before_task=not generating)


def generation_failed(message: str, *, code: str | int | None = None) -> ProviderError:
    """A job that ran and failed: content policy when the message says so, else generation failed."""
    detail = message[:300] or "generation failed"
    if _mentions(f"{message} {code or ''}", _POLICY_WORDS):
        return ContentPolicyError(detail, code=code, before_task=False)
    return GenerationFailedError(detail, code=code)


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in words)


def transport_error(exc: httpx.HTTPError, what: str) -> ProviderError:
    """Map an httpx failure. Only a failed connect proves the provider never saw the request."""
    name = type(exc).__name__
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return NetworkError(f"{what}: cannot connect ({name})")
    if isinstance(exc, httpx.TimeoutException):
        return ProviderTimeoutError(f"{what}: {name}", before_task=False)
    return NetworkError(f"{what}: {name}", before_task=False)


def without_credentials(text: str, request: httpx.Request) -> str:
    """``text`` with the request's API key masked: a provider may echo the key it was sent."""
    for header in ("Authorization", "X-API-Key"):
        secret = request.headers.get(header, "").split(" ")[-1].strip()
        if len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def json_object(response: httpx.Response) -> dict[str, Any] | None:
    """The body as a JSON object, or ``None`` when it is not one."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None
