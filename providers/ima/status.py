"""Reading a task-detail answer into a :class:`TaskStatus` (pure; providers.md §2.5 and seed 001).

- ``resource_status`` null or ``""`` counts as 0 (processing); any 2 (failed) or 3 (deleted), a top-level
  ``status == "failed"`` or a media ``status == "failed"`` ends the task as FAILED, with kind
  ``content_policy`` when the error text says so, else ``generation_failed``.
- SUCCEEDED only when every media has ``resource_status == 1`` and ``medias[0]`` has a URL (``url``, else
  ``watermark_url``): an rs 1 with an empty URL means "keep polling".
- Cover: ``cover`` (docs), else ``cover_url`` (v1.0.2 script), else ``preview_url``.
- Otherwise PROCESSING, or QUEUED while everything is ``pending``.
"""

from __future__ import annotations

import re
from typing import Any

from providers.errors import ErrorKind, UnexpectedResponseError
from providers.ima.envelope import looks_like_content_policy
from providers.types import TaskState, TaskStatus

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_ERROR_FIELDS = ("error_msg", "remark", "fail_reason", "message")


def task_status(data: Any) -> TaskStatus:
    """One detail answer's ``data`` as a status; a wrong shape raises :class:`UnexpectedResponseError`."""
    if not isinstance(data, dict):
        raise UnexpectedResponseError("task detail data is not an object", before_task=False)
    medias = data.get("medias") or []
    if not isinstance(medias, list) or not all(isinstance(media, dict) for media in medias):
        raise UnexpectedResponseError("task detail medias is not a list of objects", before_task=False)
    levels = [resource_status(media) for media in medias]
    statuses = [_text(media.get("status")).lower() for media in medias]
    top_status = _text(data.get("status")).lower()

    if any(level in (2, 3) for level in levels) or "failed" in (top_status, *statuses):
        return _failed(data, medias, levels)
    if medias and all(level == 1 for level in levels):
        first = medias[0]
        video_url = _text(first.get("url")) or _text(first.get("watermark_url"))
        if video_url:
            cover = (
                _text(first.get("cover")) or _text(first.get("cover_url")) or _text(first.get("preview_url"))
            )
            return TaskStatus(
                state=TaskState.SUCCEEDED,
                video_url=video_url,
                cover_url=cover or None,
                duration_s=_seconds(first.get("duration_str")),
            )
    pending = all(status == "pending" for status in statuses) if medias else top_status == "pending"
    return TaskStatus(state=TaskState.QUEUED if pending else TaskState.PROCESSING)


def resource_status(media: dict[str, Any]) -> int:
    """A media's ``resource_status`` as an int; null and ``""`` mean 0."""
    value = media.get("resource_status")
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise UnexpectedResponseError(f"resource_status {value!r}", before_task=False)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UnexpectedResponseError(f"resource_status {value!r}", before_task=False) from None


def _failed(data: dict[str, Any], medias: list[dict[str, Any]], levels: list[int]) -> TaskStatus:
    texts = [_text(source.get(field)) for source in (*medias, data) for field in _ERROR_FIELDS]
    reason = next((text for text in texts if text), "")
    kind = ErrorKind.CONTENT_POLICY if looks_like_content_policy(reason) else ErrorKind.GENERATION_FAILED
    detail = reason or f"resource_status {levels}, status {_text(data.get('status')) or '-'}"
    return TaskStatus(state=TaskState.FAILED, error_kind=kind, error_detail=detail)


def _seconds(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    match = _NUMBER.search(_text(value))
    return float(match[0]) if match else None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
