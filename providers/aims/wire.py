"""Reading AIMS answers: JSON bodies, ``{"error": ...}`` failures, and the finished video.

Errors carry real HTTP statuses (providers.md §4.4): 400 bad body, 401 key, 402 credits, 403 scope,
429 rate limit, 500 generation failure (credits refunded). Rate-limit headers are [UNK]: a
``Retry-After`` header (or a ``retry_after`` field) is honoured when present.
"""

from __future__ import annotations

from typing import Any

import httpx

from providers.errors import ProviderError, UnexpectedResponseError
from providers.sync_task import (
    generation_failed,
    http_error,
    json_object,
    without_credentials,
)
from providers.types import TaskState, TaskStatus
from providers.wire import retry_after_seconds


def json_body(response: httpx.Response, *, generating: bool = False) -> dict[str, Any]:
    """The JSON object of a successful answer; raises the mapped error for a failed one."""
    body = json_object(response)
    if response.is_error:
        raise error_from(response, body, generating=generating)
    if body is None:
        raise UnexpectedResponseError(
            f"aims {response.request.url.path}: HTTP {response.status_code}, not a JSON object",
            before_task=not generating,
        )
    return body


def error_from(response: httpx.Response, body: dict[str, Any] | None, *, generating: bool) -> ProviderError:
    body = body or {}
    message = without_credentials(str(body.get("error") or body.get("message") or ""), response.request)
    retry_after = retry_after_seconds(response.headers.get("Retry-After", body.get("retry_after")))
    return http_error(
        response.status_code,
        message or response.reason_phrase,
        retry_after=retry_after,
        generating=generating,
    )


def video_status(payload: dict[str, Any]) -> TaskStatus:
    """The status a finished ``POST /videos/generate`` answer describes (§4.3)."""
    video = payload.get("video")
    if not isinstance(video, dict):
        raise UnexpectedResponseError("aims video: no video object", before_task=False)
    url = video.get("url")
    if payload.get("success") is True and video.get("status") == "completed":
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise UnexpectedResponseError("aims video: completed without a url", before_task=False)
        duration = video.get("duration")
        return TaskStatus(
            state=TaskState.SUCCEEDED,
            progress=100,
            video_url=url,
            duration_s=float(duration) if isinstance(duration, int | float) else None,
        )
    if payload.get("success") is False or video.get("status") == "failed":
        raise generation_failed(str(video.get("error") or payload.get("error") or "video failed"))
    raise UnexpectedResponseError(f"aims video: unknown status {video.get('status')!r}", before_task=False)
