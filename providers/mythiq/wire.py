"""Reading MythIQ answers: ``{success, ...}`` bodies, ``{success:false, message, code}`` errors, videos.

Error statuses 400/401/403/404 are documented; 429 (with ``retry_after``) and 5xx are assumed
(providers.md §5.4). The ``code`` vocabulary is [UNK]: codes only help to spot moderation and
credit failures, the status decides the rest. The video answer is [UNK] too: we read it like the
documented image answer, ``{"data": [Media], "price", "success": true, "stats"}``, taking the first
entry that is a video (``media: "video"`` or a ``video/*`` mime) with an http(s) ``url``.
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
    path = response.request.url.path
    if body is None:
        raise UnexpectedResponseError(f"mythiq {path}: not a JSON object", before_task=not generating)
    if body.get("success") is not True:
        message = without_credentials(str(body.get("message") or "success is not true"), response.request)
        code = body.get("code")
        if generating:
            raise generation_failed(message, code=code if isinstance(code, str) else None)
        raise UnexpectedResponseError(f"mythiq {path}: {message}"[:300])
    return body


def error_from(response: httpx.Response, body: dict[str, Any] | None, *, generating: bool) -> ProviderError:
    body = body or {}
    message = without_credentials(str(body.get("message") or response.reason_phrase), response.request)
    code = body.get("code")
    retry_after = retry_after_seconds(body.get("retry_after", response.headers.get("Retry-After")))
    return http_error(
        response.status_code,
        message,
        code=code if isinstance(code, str) else None,
        retry_after=retry_after,
        generating=generating,
    )


def video_status(payload: dict[str, Any]) -> TaskStatus:
    """The status a finished ``POST /v1/videos/generations`` answer describes."""
    data = payload.get("data")
    if not isinstance(data, list):
        raise UnexpectedResponseError("mythiq video: no data list", before_task=False)
    for media in data:
        if not isinstance(media, dict):
            continue
        url, mime = media.get("url"), str(media.get("mime") or "")
        is_video = media.get("media") == "video" or mime.startswith("video/")
        if is_video and isinstance(url, str) and url.startswith(("https://", "http://")):
            return TaskStatus(state=TaskState.SUCCEEDED, progress=100, video_url=url)
    raise UnexpectedResponseError("mythiq video: no video url in data", before_task=False)


def result_of(payload: dict[str, Any], what: str) -> dict[str, Any]:
    """The ``result`` object of a media or upload answer."""
    result = payload.get("result")
    if not isinstance(result, dict):
        raise UnexpectedResponseError(f"mythiq {what}: no result object")
    return result
