"""SyncTasks on its own: the paths the provider fakes cannot reach."""

from __future__ import annotations

import asyncio

import pytest

from providers import sync_task
from providers.errors import ErrorKind, RateLimitedError, TaskLostError
from providers.sync_task import SyncTasks, http_error
from providers.types import TaskState, TaskStatus


async def _crash() -> TaskStatus:
    raise KeyError("video")


async def _refuse() -> TaskStatus:
    raise RateLimitedError("slow down", retry_after=3)


async def _done() -> TaskStatus:
    return TaskStatus(state=TaskState.SUCCEEDED, video_url="https://cdn.example/v.mp4")


async def _settle(tasks: SyncTasks, task_id: str) -> None:
    while True:
        try:
            if tasks.status(task_id).done:
                return
        except (RateLimitedError, TaskLostError):
            return
        await asyncio.sleep(0)


async def test_a_crash_in_the_request_leaves_the_work_open() -> None:
    tasks = SyncTasks("demo")
    task_id = tasks.start(_crash())
    await _settle(tasks, task_id)
    with pytest.raises(TaskLostError):  # sent, maybe accepted: reconciled, never called a failure
        tasks.status(task_id)
    assert task_id.startswith("demo-")


async def test_adopted_work_answers_its_status() -> None:
    tasks = SyncTasks("demo")
    found = TaskStatus(state=TaskState.SUCCEEDED, progress=100, video_url="https://cdn.example.com/v.mp4")
    task_id = tasks.adopt(found)
    assert tasks.status(task_id) == found and task_id.startswith("demo-")


def test_a_gateway_answer_to_a_generation_leaves_it_open() -> None:
    for status in (502, 504):
        error = http_error(status, "gateway", generating=True)
        assert error.kind is ErrorKind.UNAVAILABLE and not error.before_task
    assert http_error(503, "busy", generating=True).before_task  # refused: nothing was taken


async def test_refusals_are_reraised_on_every_poll() -> None:
    tasks = SyncTasks("demo")
    task_id = tasks.start(_refuse())
    await _settle(tasks, task_id)
    for _ in range(2):
        with pytest.raises(RateLimitedError):
            tasks.status(task_id)


async def test_finished_tasks_are_forgotten_after_the_retention(monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = SyncTasks("demo")
    old = tasks.start(_done())
    await _settle(tasks, old)
    assert tasks.status(old).state is TaskState.SUCCEEDED
    await asyncio.sleep(0)  # let the done callback note the finish time
    monkeypatch.setattr(sync_task, "FINISHED_RETENTION_S", -1.0)
    tasks.start(_done())
    with pytest.raises(TaskLostError):
        tasks.status(old)
    await tasks.aclose()


def test_http_statuses_map_to_kinds() -> None:
    kinds = {
        status: http_error(status, "x").kind for status in (401, 402, 403, 400, 422, 404, 429, 500, 503, 418)
    }
    assert kinds == {
        401: ErrorKind.AUTH,
        402: ErrorKind.INSUFFICIENT_CREDITS,
        403: ErrorKind.AUTH,
        400: ErrorKind.BAD_PARAMS,
        422: ErrorKind.BAD_PARAMS,
        404: ErrorKind.UNAVAILABLE,
        429: ErrorKind.RATE_LIMITED,
        500: ErrorKind.UNAVAILABLE,
        503: ErrorKind.UNAVAILABLE,
        418: ErrorKind.UNKNOWN,
    }
    failed = http_error(500, "boom", generating=True)
    assert failed.kind is ErrorKind.GENERATION_FAILED and not failed.before_task
    assert http_error(403, "Insufficient balance").kind is ErrorKind.INSUFFICIENT_CREDITS
    assert http_error(422, "flagged by moderation").kind is ErrorKind.CONTENT_POLICY
