"""Every failure ends in the right ProviderError: HTTP status, body, malformed JSON, network."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from providers.aivideomaker import AivideomakerClient
from providers.errors import (
    AuthError,
    BadParamsError,
    InsufficientCreditsError,
    NetworkError,
    ProviderError,
    RateLimitedError,
    UnavailableError,
    UnexpectedResponseError,
)
from providers.types import TaskHandle
from tests.fakes.aivideomaker import FakeAivideomaker
from tests.providers.aivideomaker.conftest import KEY, SCALE, offer, start, text_request

FAILED: dict[str, Any] = {"status": "FAILED", "message": "Something went wrong"}


@pytest.mark.parametrize(
    ("status", "body", "error_type"),
    [
        (200, {"status": "FAILED", "message": "Insufficient credits"}, InsufficientCreditsError),
        (
            400,
            {"status": "FAILED", "message": "insufficient credits for this model"},
            InsufficientCreditsError,
        ),
        (402, FAILED, InsufficientCreditsError),
        (
            200,
            {"status": "FAILED", "errorCode": "INSUFFICIENT_CREDITS", "message": "x"},
            InsufficientCreditsError,
        ),
        (200, {"status": "FAILED", "errorCode": "AUTH_FAILED", "message": "Invalid API key."}, AuthError),
        (401, FAILED, AuthError),
        (403, None, AuthError),
        (404, FAILED, UnexpectedResponseError),
        (400, FAILED, BadParamsError),
        (422, "<html>unprocessable</html>", BadParamsError),
        (200, FAILED, BadParamsError),  # refused in the body, no known reason
        (500, FAILED, UnavailableError),
        (302, None, UnexpectedResponseError),
    ],
)
async def test_create_errors(
    client: AivideomakerClient,
    fake: FakeAivideomaker,
    status: int,
    body: Any,
    error_type: type[ProviderError],
) -> None:
    fake.answer_next(status, body, scope="create")
    with pytest.raises(error_type) as caught:
        await start(client, text_request())
    assert type(caught.value) is error_type and caught.value.before_task  # nothing was created
    assert fake.tasks == {}


@pytest.mark.parametrize("status", [502, 504])
async def test_a_gateway_answer_to_a_create_is_ambiguous(
    client: AivideomakerClient, fake: FakeAivideomaker, status: int
) -> None:
    fake.answer_next(status, "<html>bad gateway</html>", scope="create")
    with pytest.raises(UnavailableError) as caught:
        await start(client, text_request())
    assert not caught.value.before_task  # the gateway may have passed it on: reconciled, never re-sent


async def test_create_rate_limited(client: AivideomakerClient, fake: FakeAivideomaker) -> None:
    fake.answer_next(429, FAILED, scope="create", headers={"Retry-After": "7"})
    with pytest.raises(RateLimitedError) as caught:
        await start(client, text_request())
    assert caught.value.retry_after == 7.0 and caught.value.before_task
    assert client.query_limiter.in_window() == 0  # create is not a task query: queries stay free


async def test_real_refusals_of_the_fake(client: AivideomakerClient, fake: FakeAivideomaker) -> None:
    fake.balances[KEY] = 4
    with pytest.raises(InsufficientCreditsError):
        await start(client, text_request())  # 5 credits, answered HTTP 200 + FAILED
    async with AivideomakerClient(api_key="ak_unknown", base_url=str(client._http.base_url)) as stranger:
        with pytest.raises(AuthError):
            await start(stranger, text_request())


@pytest.mark.parametrize(
    "body",
    ['{"status": "SUBM', "[1, 2]", '{"status": "SUBMITTED"}', '{"status": "SUBMITTED", "taskId": 7}', ""],
)
async def test_create_malformed_answers(
    client: AivideomakerClient, fake: FakeAivideomaker, body: str
) -> None:
    fake.answer_next(200, body, scope="create")
    with pytest.raises(UnexpectedResponseError) as caught:
        await start(client, text_request())
    assert not caught.value.before_task  # a task may exist: never retry elsewhere


async def test_malformed_json_mode(client: AivideomakerClient, fake: FakeAivideomaker) -> None:
    handle = await start(client, text_request())
    fake.malformed_json = True
    with pytest.raises(UnexpectedResponseError):
        await client.poll(handle)
    with pytest.raises(UnexpectedResponseError):
        await start(client, text_request())


@pytest.mark.parametrize(
    ("status", "body", "error_type"),
    [
        (401, {"status": "FAILED", "errorCode": "AUTH_FAILED", "message": "Invalid API key."}, AuthError),
        (403, FAILED, AuthError),
        (404, {"status": "FAILED", "message": "Task not found"}, UnexpectedResponseError),
        (
            200,
            {"status": "FAILED", "errorCode": "TASK_NOT_FOUND", "message": "gone"},
            UnexpectedResponseError,
        ),
        (400, FAILED, BadParamsError),
        (500, FAILED, UnavailableError),
        (503, "", UnavailableError),
        (200, '{"status": "PROG', UnexpectedResponseError),
        (200, {"status": "EXPIRED"}, UnexpectedResponseError),
        (200, {"state": "PROGRESS"}, UnexpectedResponseError),
        (200, "[]", UnexpectedResponseError),
    ],
)
async def test_poll_errors(
    client: AivideomakerClient,
    fake: FakeAivideomaker,
    status: int,
    body: Any,
    error_type: type[ProviderError],
) -> None:
    handle = await start(client, text_request())
    fake.answer_next(status, body, scope="query")
    with pytest.raises(error_type) as caught:
        await client.poll(handle)
    assert type(caught.value) is error_type and not caught.value.before_task


async def test_a_bad_list_fails_every_waiter(client: AivideomakerClient, fake: FakeAivideomaker) -> None:
    handles = [await start(client, text_request()) for _ in range(3)]
    fake.answer_next(200, '{"tasks": "none"}', scope="query")
    results = await asyncio.gather(*(client.poll(handle) for handle in handles), return_exceptions=True)
    assert all(isinstance(result, UnexpectedResponseError) for result in results)


async def test_unreadable_list_items_fall_back_to_status(
    client: AivideomakerClient, fake: FakeAivideomaker
) -> None:
    handles = [await start(client, text_request()) for _ in range(3)]
    fake.answer_next(200, '{"tasks": [1, {"id": 5}, {"status": "COMPLETED"}]}', scope="query")
    statuses = await asyncio.gather(*(client.poll(handle) for handle in handles))
    assert not any(status.done for status in statuses)
    assert sorted(fake.paths("GET")[1:]) == sorted(f"/api/v1/tasks/{h.task_id}/status" for h in handles)


async def test_completed_without_url(client: AivideomakerClient, fake: FakeAivideomaker) -> None:
    handle = await start(client, text_request())
    fake.answer_next(200, {"status": "COMPLETED"}, scope="query")
    fake.answer_next(200, {"id": handle.task_id, "status": "COMPLETED", "output": {"url": ""}}, scope="query")
    with pytest.raises(UnexpectedResponseError):
        await client.poll(handle)


async def test_other_keys_tasks_are_not_found(client: AivideomakerClient, base_url: str) -> None:
    handle = await start(client, text_request())
    async with AivideomakerClient(api_key="ak_other_key", base_url=base_url, time_scale=SCALE) as other:
        with pytest.raises(UnexpectedResponseError):
            await other.poll(handle)
        with pytest.raises(UnexpectedResponseError):
            await other.cancel(handle)


async def test_cancel_errors(client: AivideomakerClient, fake: FakeAivideomaker) -> None:
    handle = await start(client, text_request())
    for status, error_type in ((401, AuthError), (500, UnavailableError), (200, UnexpectedResponseError)):
        fake.answer_next(status, FAILED if status != 200 else "{oops", scope="query")
        with pytest.raises(error_type):
            await client.cancel(handle)


async def test_secrets_never_in_details(client: AivideomakerClient, fake: FakeAivideomaker) -> None:
    fake.answer_next(401, {"status": "FAILED", "message": f"Invalid API key {KEY}"}, scope="create")
    with pytest.raises(AuthError) as caught:
        await start(client, text_request())
    assert KEY not in caught.value.detail and KEY not in str(caught.value) and "***" in caught.value.detail


@pytest.fixture
async def closed_port_client() -> AsyncIterator[AivideomakerClient]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = AivideomakerClient(api_key=KEY, base_url=f"http://127.0.0.1:{port}", time_scale=SCALE)
    yield client
    await client.aclose()


async def test_closed_port(closed_port_client: AivideomakerClient) -> None:
    client = closed_port_client
    with pytest.raises(NetworkError) as caught:
        await start(client, text_request())
    assert caught.value.before_task and KEY not in caught.value.detail
    quote = await client.quote(text_request(), offer("t2v"))
    handle = TaskHandle(provider="aivideomaker", task_id="ck1", quote=quote, created_at=datetime.now(UTC))
    with pytest.raises(NetworkError) as polled:
        await client.poll(handle)
    assert not polled.value.before_task
    with pytest.raises(NetworkError):
        await client.cancel(handle)


async def test_read_timeout(fake: FakeAivideomaker, base_url: str) -> None:
    fake.delay_s = 0.3
    async with AivideomakerClient(api_key=KEY, base_url=base_url, request_timeout_s=0.05) as client:
        with pytest.raises(NetworkError) as caught:
            await start(client, text_request())
    assert not caught.value.before_task  # the request may have reached the server
