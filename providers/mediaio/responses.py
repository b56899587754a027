"""Media.io answers -> data or a :class:`ProviderError`; Task Result data -> :class:`TaskStatus`.

Envelope: ``{"code", "msg", "data", "trace_id"}``, success only when ``code == 0``. Business errors
arrive inside HTTP 200. Bodies shaped ``{"error": ...}`` are what the skill's router returns.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

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
from providers.wire import retry_after_seconds

CODE_ERRORS: dict[int, type[ProviderError]] = {
    374004: AuthError,
    490505: InsufficientCreditsError,
    490000: BadParamsError,
}

SUCCESS_STATES = frozenset({"completed", "succeeded"})
QUEUED_STATES = frozenset({"waiting", "pending"})
# Our heuristic (Media.io documents no moderation reason): failed-task reasons that name moderation.
MODERATION_WORDS = ("moderation", "sensitive", "policy", "nsfw", "violat")


def read_envelope(response: httpx.Response) -> dict[str, Any]:
    """The ``data`` object of a successful answer; otherwise raise the matching ProviderError.

    Answers that may hide a created task (5xx, malformed 2xx) are raised with ``before_task=False``.
    """
    status = response.status_code
    if status == 429:
        raise RateLimitedError(
            f"HTTP 429: {_snippet(response.text)}", retry_after=retry_after(response.headers)
        )
    if status >= 500:
        raise UnavailableError(f"HTTP {status}: {_snippet(response.text)}", code=status, before_task=False)
    body = _json_object(response)
    if "code" not in body and "error" in body:
        message = str(body["error"])
        router_error: type[ProviderError] = (
            AuthError if "missing api key" in message.lower() else UnexpectedResponseError
        )
        raise router_error(f"router error: {_snippet(message)}")
    code = body.get("code")
    if isinstance(code, bool) or not isinstance(code, int):
        code = None
    if code:
        trace = body.get("trace_id", "")
        code_error = CODE_ERRORS.get(code, UnexpectedResponseError)
        raise code_error(f"code {code}: {_snippet(str(body.get('msg', '')))} (trace {trace})", code=code)
    if status in (401, 403):
        raise AuthError(f"HTTP {status}", code=status)
    data = body.get("data") if code == 0 else None
    if status >= 300 or not isinstance(data, dict):
        # a 2xx we cannot read may hide a created task; a 3xx/4xx was refused
        raise UnexpectedResponseError(
            f"HTTP {status}, no code-0 envelope with data: {_snippet(response.text)}",
            code=status,
            before_task=status >= 300,
        )
    return data


def _json_object(response: httpx.Response) -> dict[str, Any]:
    """The body as a JSON object; ``{}`` for anything else (not JSON, not UTF-8, not an object)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def retry_after(headers: httpx.Headers) -> float | None:
    """``Retry-After`` in seconds (a number or an HTTP date), when present and readable."""
    return retry_after_seconds(headers.get("retry-after"))


def task_status(data: dict[str, Any]) -> TaskStatus:
    """One Task Result ``data`` -> a neutral status.

    ``completed``/``succeeded`` succeed with ``result[0].preview``; until a preview URL is there the task
    counts as processing (wait for the URL). ``failed`` and ``timeout`` fail; ``waiting``/``pending`` are
    queued; any other status is taken as in progress.
    """
    status = data.get("status")
    if not isinstance(status, str) or not status:
        raise UnexpectedResponseError(f"task result without a status: {_snippet(json.dumps(data))}")
    status = status.lower()
    reason = str(data.get("reason") or "")
    if status in SUCCESS_STATES:
        url = _preview(data.get("result"))
        if url is None:
            return TaskStatus(state=TaskState.PROCESSING, error_detail="completed without a preview yet")
        return TaskStatus(state=TaskState.SUCCEEDED, progress=100, video_url=url)
    if status == "timeout":
        return TaskStatus(state=TaskState.FAILED, error_kind=ErrorKind.TIMEOUT, error_detail=reason or status)
    if status == "failed":
        lowered = reason.lower()
        kind = (
            ErrorKind.CONTENT_POLICY
            if any(word in lowered for word in MODERATION_WORDS)
            else ErrorKind.GENERATION_FAILED
        )
        return TaskStatus(state=TaskState.FAILED, error_kind=kind, error_detail=reason or status)
    state = TaskState.QUEUED if status in QUEUED_STATES else TaskState.PROCESSING
    return TaskStatus(state=state)


def _preview(result: object) -> str | None:
    if result is None:
        return None
    if not isinstance(result, list):
        raise UnexpectedResponseError(f"task result 'result' is not a list: {_snippet(repr(result))}")
    for item in result:
        preview = item.get("preview") if isinstance(item, dict) else None
        if isinstance(preview, str) and preview.startswith(("https://", "http://")):
            return preview
    return None


def _snippet(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
