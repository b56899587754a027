"""The fake itself follows the reference: validation, ownership, methods, list and detail shapes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.fakes.aivideomaker import FakeAivideomaker
from tests.providers.aivideomaker.conftest import KEY

T2V = {"prompt": "a cat", "aspectRatio": "16:9", "duration": "5"}


@pytest.fixture
async def http(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url, headers={"key": KEY}) as http:
        yield http


async def create(http: httpx.AsyncClient, model: str = "t2v", body: dict[str, Any] | None = None) -> str:
    answer = (await http.post(f"/api/v1/generate/{model}", json=body or T2V)).json()
    assert answer["status"] == "SUBMITTED", answer
    assert answer["statusUrl"] == f"https://aivideomaker.ai/api/v1/tasks/{answer['taskId']}/status"
    return str(answer["taskId"])


@pytest.mark.parametrize(
    ("model", "body"),
    [
        ("t2v", {**T2V, "duration": 5}),  # durations are strings
        ("t2v", {**T2V, "duration": "10"}),
        ("t2v_v3", {**T2V, "duration": "8"}),
        ("t2v", {**T2V, "aspectRatio": "4:3"}),
        ("t2v", {"aspectRatio": "16:9", "duration": "5"}),
        ("i2v", {"duration": "5"}),
        ("i2v", {"image": "data:image/png;base64,@@@", "duration": "5"}),
        ("i2v", {"image": "ftp://x/y.png", "duration": "5"}),
        ("i2v", {"image": "https://x/y.png", "prompt": 3, "duration": "5"}),
        ("lv", {"image": "https://x/y.png", "prompt": ["a"] * 7}),
        ("minimax", T2V),
    ],
)
async def test_validation(http: httpx.AsyncClient, fake: FakeAivideomaker, model: str, body: Any) -> None:
    answer = await http.post(f"/api/v1/generate/{model}", json=body)
    assert answer.status_code == 400 and answer.json()["status"] == "FAILED"
    assert fake.tasks == {}


async def test_long_video_credits(http: httpx.AsyncClient, fake: FakeAivideomaker) -> None:
    await create(http, "lv", {"image": "https://x/y.png", "prompt": ["a", "b"]})
    assert fake.balances[KEY] == 100_000 - 2 * 5 * 15


async def test_key_required(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as anonymous:
        for answer in (
            await anonymous.post("/api/v1/generate/t2v", json=T2V),
            await anonymous.get("/api/v1/tasks"),
            await anonymous.get("/api/v1/tasks/ck1/status", headers={"key": "ak_wrong"}),
        ):
            assert answer.status_code == 401 and answer.json()["errorCode"] == "AUTH_FAILED"


async def test_tasks_belong_to_their_key(http: httpx.AsyncClient) -> None:
    task_id = await create(http)
    other = {"key": "ak_other_key"}
    for path in (f"/api/v1/tasks/{task_id}", f"/api/v1/tasks/{task_id}/status"):
        assert (await http.get(path, headers=other)).status_code == 404
    assert (await http.put(f"/api/v1/tasks/{task_id}/cancel", headers=other)).status_code == 404
    assert (await http.get("/api/v1/tasks", headers=other)).json() == {"tasks": []}


async def test_list_and_detail_shapes(http: httpx.AsyncClient, fake: FakeAivideomaker) -> None:
    fake.queued_s = 10.0
    first, second = await create(http), await create(http)
    tasks = (await http.get("/api/v1/tasks")).json()["tasks"]
    assert [task["id"] for task in tasks] == [second, first]  # newest first
    detail = (await http.get(f"/api/v1/tasks/{first}")).json()
    assert set(detail) == {"id", "createdAt", "model", "input", "output", "status", "completedAt"}
    assert detail["status"] == "SUBMITTED" and detail["output"] is None and detail["input"] == T2V
    assert detail["createdAt"].endswith("Z")
    assert (await http.get(f"/api/v1/tasks/{first}/status")).json() == {"status": "SUBMITTED"}


async def test_cancel_methods(http: httpx.AsyncClient, fake: FakeAivideomaker) -> None:
    fake.queued_s = 10.0
    task_id = await create(http)
    path = f"/api/v1/tasks/{task_id}/cancel"
    assert (await http.post(path)).status_code == 405
    assert (await http.delete(path)).status_code == 405
    assert (await http.put(path)).json() == {"status": "CANCEL", "taskId": task_id}
    assert (await http.put(path)).status_code == 400  # no longer SUBMITTED


async def test_per_ip_limit_and_counters(http: httpx.AsyncClient, fake: FakeAivideomaker) -> None:
    for _ in range(60):
        assert (await http.get("/api/v1/tasks")).status_code == 200
    refused = await http.get("/api/v1/tasks")
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert (await http.post("/api/v1/generate/t2v", json=T2V)).status_code == 200  # create is not limited
    assert fake.rate_limited == 1 and fake.max_queries_in_window() == 61
    assert sum(fake.queries_per_minute().values()) == 61
