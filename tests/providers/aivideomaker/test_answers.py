"""Reading answers without a server: Retry-After forms and task states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from providers.aivideomaker import answers
from providers.errors import ErrorKind, UnexpectedResponseError
from providers.types import TaskState
from providers.wire import retry_after_seconds


def test_retry_after_forms() -> None:
    assert retry_after_seconds("2") == 2.0
    assert retry_after_seconds("1.5") == 1.5
    assert retry_after_seconds("-3") == 0.0
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (retry_after_seconds(soon) or 0) <= 30
    assert retry_after_seconds("Mon, 01 Jan 2001 00:00:00") == 0.0  # a past date, no zone
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("SUBMITTED", TaskState.QUEUED),
        ("PROGRESS", TaskState.PROCESSING),
        ("FAILED", TaskState.FAILED),
        ("CANCEL", TaskState.FAILED),
    ],
)
def test_states(state: str, expected: TaskState) -> None:
    status = answers.unfinished_or_failed(answers.state_of({"status": state}), {"status": state})
    assert status.state is expected
    assert status.error_kind == (ErrorKind.GENERATION_FAILED if expected is TaskState.FAILED else None)


def test_a_failed_tasks_own_error_code_is_not_a_query_error() -> None:
    body = {"status": "FAILED", "errorCode": "GENERATION_ERROR", "message": "nsfw"}
    assert answers.error_for(200, body, None, on_create=False) is None
    assert answers.error_for(200, body, None, on_create=True) is not None


def test_failure_message_kept_for_logs() -> None:
    status = answers.unfinished_or_failed("FAILED", {"status": "FAILED", "message": "upstream error"})
    assert status.error_detail == "failed: upstream error"


@pytest.mark.parametrize("record", [None, [], {}, {"status": 3}, {"status": "DONE"}])
def test_unknown_states(record: object) -> None:
    with pytest.raises(UnexpectedResponseError):
        answers.state_of(record)


def test_video_url_order() -> None:
    both = {"output": {"url": "https://a/1.mp4", "videoUrl": "https://a/2.mp4"}}
    assert answers.video_url(both) == "https://a/1.mp4"
    assert answers.video_url({"output": {"url": None, "video_url": "https://a/3.mp4"}}) == "https://a/3.mp4"
    records: list[object] = [{}, {"output": None}, {"output": "https://a/4.mp4"}, {"output": {"url": 5}}, []]
    for record in records:
        assert answers.video_url(record) is None
