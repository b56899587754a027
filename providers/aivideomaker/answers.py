"""Reading AIVideoMaker's answers: errors (from HTTP status *and* body), task states, video URLs.

Error mapping (reference §3.5, skill client): 429 -> rate limited (``Retry-After``); a message
"insufficient credits", ``errorCode`` INSUFFICIENT_CREDITS or 402 -> insufficient credits;
``errorCode`` AUTH_FAILED, 401 or 403 -> auth; 404 -> unknown (task not found); other 4xx -> bad
params; 5xx -> unavailable. On create, a 2xx body ``{"status":"FAILED",...}`` is an error too; on
the task endpoints it is the task's own state (failed, credits refunded) unless its ``errorCode``
is AUTH_FAILED, TASK_NOT_FOUND or RATE_LIMITED.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from providers.errors import (
    AuthError,
    BadParamsError,
    ErrorKind,
    InsufficientCreditsError,
    ProviderError,
    RateLimitedError,
    UnavailableError,
    UnexpectedResponseError,
)
from providers.types import TaskState, TaskStatus
from providers.wire import GATEWAY_STATUSES, iso_time, retry_after_seconds

COMPLETED = "COMPLETED"
_PENDING = {"SUBMITTED": TaskState.QUEUED, "PROGRESS": TaskState.PROCESSING}
_FAILED = {"FAILED": "failed", "CANCEL": "cancelled", "CANCELED": "cancelled", "CANCELLED": "cancelled"}
_URL_FIELDS = ("url", "videoUrl", "video_url")
# Codes that, in a 2xx task answer, mean "could not ask" rather than a failed task's reason.
_QUERY_ERROR_CODES = frozenset({"AUTH_FAILED", "TASK_NOT_FOUND", "RATE_LIMITED"})


def error_for(
    status_code: int,
    body: Any,
    retry_after: str | None,
    *,
    on_create: bool,
    redact: Callable[[str], str] = str,
) -> ProviderError | None:
    """The error an answer means, or ``None`` when it is a success.

    A refused create never made a task (``before_task``); a failed query concerns one that exists.
    """
    fields = body if isinstance(body, Mapping) else {}
    message = _text(fields.get("message")) or ""
    error_code = _text(fields.get("errorCode"))
    refused_in_body = fields.get("status") == "FAILED" if on_create else error_code in _QUERY_ERROR_CODES
    if 200 <= status_code < 300 and not refused_in_body:
        return None
    detail = redact(f"HTTP {status_code} {error_code or ''} {message}".strip())
    code: str | int = error_code or status_code
    if status_code == 429 or error_code == "RATE_LIMITED":
        return RateLimitedError(
            detail, retry_after=retry_after_seconds(retry_after), code=code, before_task=on_create
        )
    error_type = _error_type(status_code, error_code, message.lower())
    return error_type(detail, code=code, before_task=on_create and status_code not in GATEWAY_STATUSES)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _error_type(status_code: int, error_code: str | None, message: str) -> type[ProviderError]:
    if "insufficient credit" in message or error_code == "INSUFFICIENT_CREDITS" or status_code == 402:
        return InsufficientCreditsError
    if error_code == "AUTH_FAILED" or status_code in (401, 403):
        return AuthError
    if status_code == 404 or error_code == "TASK_NOT_FOUND":
        return UnexpectedResponseError
    if status_code >= 500:
        return UnavailableError
    if status_code >= 400 or 200 <= status_code < 300:
        return BadParamsError
    return UnexpectedResponseError


def state_of(record: Any) -> str:
    """The task's ``status`` string from a status, detail or list item."""
    state = record.get("status") if isinstance(record, Mapping) else None
    if not isinstance(state, str) or (state not in _PENDING and state not in _FAILED and state != COMPLETED):
        raise UnexpectedResponseError(f"unknown task status {state!r}", before_task=False)
    return state


def video_url(record: Any) -> str | None:
    """``output.url``, else ``output.videoUrl``, else ``output.video_url``."""
    output = record.get("output") if isinstance(record, Mapping) else None
    if not isinstance(output, Mapping):
        return None
    for field in _URL_FIELDS:
        value = output.get(field)
        if isinstance(value, str) and value:
            return value
    return None


def unfinished_or_failed(state: str, record: Mapping[str, Any]) -> TaskStatus:
    """The neutral status of any state but COMPLETED."""
    if state in _PENDING:
        return TaskStatus(state=_PENDING[state])
    message = record.get("message")
    reason = f"{_FAILED[state]}: {message}" if isinstance(message, str) and message else _FAILED[state]
    return TaskStatus(state=TaskState.FAILED, error_kind=ErrorKind.GENERATION_FAILED, error_detail=reason)


def matches(task: Mapping[str, Any], model_id: str, body: Mapping[str, Any], since: datetime) -> bool:
    """A listed task is the one ``body`` created: same model and inputs (an image we sent as data is
    stored as an upload URL, so it is not compared), created at or after ``since``."""
    created = created_at(task)
    stored = task.get("input")
    if task.get("model") != model_id or created is None or created < since or not isinstance(stored, Mapping):
        return False
    return all(stored.get(name) == value for name, value in body.items() if name != "image")


def created_before(task: Mapping[str, Any], since: datetime) -> bool:
    created = created_at(task)
    return created is not None and created < since


def created_at(task: Mapping[str, Any]) -> datetime | None:
    return iso_time(task.get("createdAt"))
