"""MythIQ error paths: each status and failure mapped to our kinds, timeouts, lost tasks, secrets."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import UTC, datetime

import pytest

from providers.errors import (
    AuthError,
    BadParamsError,
    ContentPolicyError,
    ErrorKind,
    InsufficientCreditsError,
    NetworkError,
    ProviderError,
    RateLimitedError,
    TaskLostError,
    UnavailableError,
    UnexpectedResponseError,
)
from providers.mythiq import MythiqClient
from providers.types import CreditUnit, Quote, TaskHandle, TaskState, TaskType
from tests.fakes.mythiq import FakeMythiq
from tests.providers.mythiq.support import KEY, KLING, finish, offer, run, t2v


async def _refused(client: MythiqClient, prompt: str = "a cat") -> ProviderError:
    """Submit, then expect every poll to re-raise the refusal."""
    request = t2v(prompt)
    handle = await client.submit(await client.quote(request, offer()), request)
    with pytest.raises(ProviderError) as first:
        await finish(client, handle)
    with pytest.raises(type(first.value)):
        await client.poll(handle)
    assert first.value.before_task
    assert KEY not in str(first.value) and KEY not in repr(first.value) and KEY not in first.value.detail
    return first.value


async def test_invalid_key_is_auth(base_url: str, fake: FakeMythiq) -> None:
    fake.echoes_keys = True
    fake.api_keys = {"someone_else"}
    client = MythiqClient(KEY, base_url=base_url)
    with pytest.raises(AuthError) as caught:
        await client.list_models(TaskType.TEXT_TO_VIDEO)
    await client.aclose()
    assert caught.value.code == "invalid_api_key"
    assert "***" in caught.value.detail
    assert KEY not in str(caught.value) and KEY not in repr(caught.value) and KEY not in repr(client)


async def test_key_revoked_before_generation_is_auth(client: MythiqClient, fake: FakeMythiq) -> None:
    await client.list_models(TaskType.TEXT_TO_VIDEO)
    fake.api_keys.clear()
    assert isinstance(await _refused(client), AuthError)


async def test_no_balance(client: MythiqClient, fake: FakeMythiq) -> None:
    fake.balance_usd = 0.1
    assert isinstance(await _refused(client), InsufficientCreditsError)


async def test_missing_prompt_is_bad_params(client: MythiqClient) -> None:
    error = await _refused(client, "  ")
    assert type(error) is BadParamsError and error.code == "invalid_parameter"


async def test_moderation_is_content_policy(client: MythiqClient) -> None:
    assert isinstance(await _refused(client, "a cat [moderation]"), ContentPolicyError)


async def test_rate_limit_carries_retry_after(client: MythiqClient, fake: FakeMythiq) -> None:
    await client.list_models(TaskType.TEXT_TO_VIDEO)
    fake.rate_limit_per_min = 0
    error = await _refused(client)
    assert isinstance(error, RateLimitedError) and error.retry_after == 60.0


async def test_concurrency_limit_is_rate_limited(client: MythiqClient, fake: FakeMythiq) -> None:
    fake.delay_s, fake.max_concurrent = 0.3, 1
    request = t2v()
    quote = await client.quote(request, offer())
    first = await client.submit(quote, request)
    await asyncio.sleep(0.1)
    second = await client.submit(quote, request)
    with pytest.raises(RateLimitedError) as caught:
        await finish(client, second)
    assert caught.value.retry_after == 30.0
    assert (await finish(client, first)).state is TaskState.SUCCEEDED


async def test_model_gone_is_unavailable(client: MythiqClient, fake: FakeMythiq) -> None:
    await client.list_models(TaskType.TEXT_TO_VIDEO)
    fake.models = [m for m in fake.models if m["id"] != KLING]
    assert isinstance(await _refused(client), UnavailableError)


async def test_service_unavailable(client: MythiqClient) -> None:
    assert isinstance(await _refused(client, "a cat [unavailable]"), UnavailableError)


@pytest.mark.parametrize(
    ("prompt", "kind"),
    [
        ("a cat [server-error]", ErrorKind.GENERATION_FAILED),
        ("a cat [failed]", ErrorKind.GENERATION_FAILED),
    ],
)
async def test_failures_after_acceptance_end_the_task(
    client: MythiqClient, prompt: str, kind: ErrorKind
) -> None:
    status = await run(client, t2v(prompt))
    assert (status.state, status.error_kind) == (TaskState.FAILED, kind)
    assert KEY not in status.error_detail


@pytest.mark.parametrize("prompt", ["a cat [malformed]", "a cat [no-url]"])
async def test_an_answer_we_cannot_read_leaves_the_work_open(client: MythiqClient, prompt: str) -> None:
    """Generated (and charged) but unreadable: lost, to be reconciled, never a plain failure."""
    with pytest.raises(TaskLostError) as caught:
        await run(client, t2v(prompt))
    assert not caught.value.before_task and KEY not in str(caught.value)


async def test_malformed_model_list(client: MythiqClient, fake: FakeMythiq) -> None:
    fake.models = "nonsense"  # type: ignore[assignment]
    with pytest.raises(UnexpectedResponseError):
        await client.list_models(TaskType.TEXT_TO_VIDEO)


async def test_our_timeout_shorter_than_the_generation(base_url: str, fake: FakeMythiq) -> None:
    fake.delay_s = 3.0
    client = MythiqClient(KEY, base_url=base_url, request_timeout_s=0.2)
    started = time.monotonic()
    with pytest.raises(TaskLostError):  # it may still finish, and be charged, behind our back
        await run(client, t2v())
    await client.aclose()
    assert time.monotonic() - started < 1.5


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _handle(task_id: str) -> TaskHandle:
    quote = Quote(
        provider="mythiq",
        task_type=TaskType.TEXT_TO_VIDEO,
        model_key="kling-2.6",
        model_name="Kling 2.6",
        ref=offer().ref,
        params={"model": KLING, "size": "1080p", "routing": "optimal", "public": False},
        credits=35,
        unit=CreditUnit.USD_CENTS,
    )
    return TaskHandle(provider="mythiq", task_id=task_id, quote=quote, created_at=datetime.now(UTC))


async def test_closed_port_is_network_before_task() -> None:
    client = MythiqClient(KEY, base_url=_closed_port_url())
    with pytest.raises(NetworkError):
        await client.list_models(TaskType.TEXT_TO_VIDEO)
    handle = await client.submit(_handle("x").quote, t2v())
    with pytest.raises(NetworkError) as caught:
        await finish(client, handle)
    await client.aclose()
    assert caught.value.before_task and KEY not in str(caught.value)


async def test_an_unknown_task_id_is_lost_work(client: MythiqClient) -> None:
    with pytest.raises(TaskLostError):  # a previous process's generation: reconciled, never assumed
        await client.poll(_handle("mythiq-from-a-previous-process"))


async def test_aclose_cancels_running_requests(base_url: str, fake: FakeMythiq) -> None:
    fake.delay_s = 30.0
    client = MythiqClient(KEY, base_url=base_url)
    request = t2v()
    handle = await client.submit(await client.quote(request, offer()), request)
    await asyncio.sleep(0.05)
    assert fake.in_flight == 1
    started = time.monotonic()
    await client.aclose()
    assert time.monotonic() - started < 1.0
    with pytest.raises(TaskLostError):
        await client.poll(handle)
