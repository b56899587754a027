"""Reading task-detail answers (seed 001 "Detail API status values", providers.md §2.5)."""

from __future__ import annotations

from typing import Any

import pytest

from providers.errors import ErrorKind, UnexpectedResponseError
from providers.ima.status import task_status
from providers.types import TaskState

DONE = {"resource_status": 1, "status": "success", "url": "https://cdn/x.mp4", "duration_str": "5s"}


def status_of(*medias: dict[str, Any], **task: Any) -> Any:
    return task_status({"id": "task_1", "medias": list(medias), **task})


@pytest.mark.parametrize("level", [None, "", 0])
def test_null_empty_and_zero_mean_processing(level: Any) -> None:
    assert status_of({"resource_status": level, "status": "processing"}).state is TaskState.PROCESSING


def test_pending_everywhere_is_queued() -> None:
    assert status_of({"resource_status": None, "status": "pending"}).state is TaskState.QUEUED
    assert status_of(status="pending").state is TaskState.QUEUED
    assert status_of().state is TaskState.PROCESSING


def test_done_with_an_empty_url_keeps_polling() -> None:
    assert status_of({**DONE, "url": ""}).state is TaskState.PROCESSING


def test_success_needs_every_media_done() -> None:
    assert status_of(DONE, {"resource_status": 0, "status": "processing"}).state is TaskState.PROCESSING
    done = status_of(DONE, DONE)
    assert (done.state, done.video_url, done.duration_s) == (TaskState.SUCCEEDED, "https://cdn/x.mp4", 5.0)


@pytest.mark.parametrize(
    ("media", "cover"),
    [
        ({"cover": "https://cdn/c.jpg", "cover_url": "https://cdn/other.jpg"}, "https://cdn/c.jpg"),
        ({"cover_url": "https://cdn/cu.jpg"}, "https://cdn/cu.jpg"),
        ({"cover": "", "preview_url": "https://cdn/p.jpg"}, "https://cdn/p.jpg"),
        ({}, None),
    ],
)
def test_cover_then_cover_url_then_preview(media: dict[str, Any], cover: str | None) -> None:
    assert status_of({**DONE, **media}).cover_url == cover


def test_watermark_url_stands_in_for_an_empty_url() -> None:
    assert (
        status_of({**DONE, "url": "", "watermark_url": "https://cdn/w.mp4"}).video_url == "https://cdn/w.mp4"
    )


@pytest.mark.parametrize(
    ("medias", "task"),
    [
        ([{"resource_status": 2, "status": "failed"}], {}),
        ([DONE, {"resource_status": 3, "status": "success"}], {}),
        ([{**DONE, "status": "failed"}], {}),
        ([{"resource_status": 0, "status": "processing"}], {"status": "failed"}),
        ([{"resource_status": "2"}], {}),
    ],
)
def test_failures_end_the_task(medias: list[dict[str, Any]], task: dict[str, Any]) -> None:
    result = status_of(*medias, **task)
    assert (result.state, result.error_kind) == (TaskState.FAILED, ErrorKind.GENERATION_FAILED)
    assert result.done


def test_moderation_text_makes_a_content_policy_failure() -> None:
    result = status_of({"resource_status": 2, "error_msg": "Blocked: sensitive content"})
    assert (result.error_kind, result.error_detail) == (
        ErrorKind.CONTENT_POLICY,
        "Blocked: sensitive content",
    )
    assert status_of({"resource_status": 2, "remark": "内容违规"}).error_kind is ErrorKind.CONTENT_POLICY


def test_duration_forms() -> None:
    assert status_of({**DONE, "duration_str": "10.5s"}).duration_s == 10.5
    assert status_of({**DONE, "duration_str": 8}).duration_s == 8.0
    assert status_of({**DONE, "duration_str": None}).duration_s is None


@pytest.mark.parametrize(
    "data",
    [None, "done", {"medias": "x"}, {"medias": ["x"]}, {"medias": [{"resource_status": "done"}]}],
)
def test_wrong_shapes_raise(data: Any) -> None:
    with pytest.raises(UnexpectedResponseError) as caught:
        task_status(data)
    assert caught.value.before_task is False
