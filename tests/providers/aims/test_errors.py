"""AIMS error paths: each status and failure mapped to our kinds, timeouts, lost tasks, secrets."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime

import pytest

from providers.aims import AimsClient
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
from providers.types import CreditUnit, Quote, TaskHandle, TaskState, TaskType
from tests.fakes.aims import FakeAims
from tests.providers.aims.support import KEY, VEO, finish, offer, run, t2v


async def _refused(client: AimsClient, prompt: str = "a cat") -> ProviderError:
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


async def test_missing_scope_is_auth(client: AimsClient, fake: FakeAims) -> None:
    await client.list_models(TaskType.TEXT_TO_VIDEO)
    fake.scopes.discard("video:generate")
    assert isinstance(await _refused(client), AuthError)


async def test_invalid_key_is_auth(base_url: str, fake: FakeAims) -> None:
    fake.echoes_keys = True
    fake.api_keys = {"aims_other"}
    client = AimsClient(KEY, base_url=base_url)
    with pytest.raises(AuthError) as caught:
        await client.list_models(TaskType.TEXT_TO_VIDEO)
    await client.aclose()
    assert "***" in caught.value.detail
    assert KEY not in str(caught.value) and KEY not in repr(caught.value) and KEY not in repr(client)


async def test_no_credits(client: AimsClient, fake: FakeAims) -> None:
    fake.credits = 100
    assert isinstance(await _refused(client), InsufficientCreditsError)
    assert fake.credits == 100


async def test_missing_prompt_is_bad_params(client: AimsClient) -> None:
    error = await _refused(client, "   ")
    assert type(error) is BadParamsError and "Prompt is required" in error.detail


async def test_moderation_is_content_policy(client: AimsClient) -> None:
    assert isinstance(await _refused(client, "a cat [moderation]"), ContentPolicyError)


async def test_rate_limit_carries_retry_after(client: AimsClient, fake: FakeAims) -> None:
    await client.list_models(TaskType.TEXT_TO_VIDEO)
    fake.rate_limit_per_min = 0
    error = await _refused(client)
    assert isinstance(error, RateLimitedError) and error.retry_after == 60.0


async def test_unavailable(client: AimsClient) -> None:
    assert isinstance(await _refused(client, "a cat [unavailable]"), UnavailableError)


@pytest.mark.parametrize(
    ("prompt", "kind"),
    [
        ("a cat [server-error]", ErrorKind.GENERATION_FAILED),
        ("a cat [failed]", ErrorKind.GENERATION_FAILED),
    ],
)
async def test_failures_after_acceptance_end_the_task(
    client: AimsClient, fake: FakeAims, prompt: str, kind: ErrorKind
) -> None:
    status = await run(client, t2v(prompt))
    assert (status.state, status.error_kind) == (TaskState.FAILED, kind)
    assert KEY not in status.error_detail
    if "[malformed]" not in prompt and "[no-url]" not in prompt:
        assert fake.credits == 10_000  # refunded


@pytest.mark.parametrize("prompt", ["a cat [malformed]", "a cat [no-url]"])
async def test_an_answer_we_cannot_read_leaves_the_work_open(client: AimsClient, prompt: str) -> None:
    """Generated (and charged) but unreadable: lost, to be reconciled, never a plain failure."""
    with pytest.raises(TaskLostError) as caught:
        await run(client, t2v(prompt))
    assert not caught.value.before_task and KEY not in str(caught.value)


async def test_malformed_model_list(client: AimsClient, fake: FakeAims) -> None:
    fake.video_models = "nonsense"  # type: ignore[assignment]
    with pytest.raises(UnexpectedResponseError):
        await client.list_models(TaskType.TEXT_TO_VIDEO)


async def test_our_timeout_shorter_than_the_generation(base_url: str, fake: FakeAims) -> None:
    fake.delay_s = 3.0
    client = AimsClient(KEY, base_url=base_url, request_timeout_s=0.2)
    started = time.monotonic()
    with pytest.raises(TaskLostError):  # it may still finish, and be charged, behind our back
        await run(client, t2v())
    await client.aclose()
    assert time.monotonic() - started < 1.5


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v1"


def _handle(task_id: str) -> TaskHandle:
    quote = Quote(
        provider="aims",
        task_type=TaskType.TEXT_TO_VIDEO,
        model_key="veo-3.1",
        model_name="Veo 3.1",
        ref=offer().ref,
        params={"model": VEO, "duration": 4},
        credits=120,
        unit=CreditUnit.CREDITS,
    )
    return TaskHandle(provider="aims", task_id=task_id, quote=quote, created_at=datetime.now(UTC))


async def test_closed_port_is_network_before_task() -> None:
    client = AimsClient(KEY, base_url=_closed_port_url())
    with pytest.raises(NetworkError):
        await client.list_models(TaskType.TEXT_TO_VIDEO)
    handle = await client.submit(_handle("x").quote, t2v())
    with pytest.raises(NetworkError) as caught:
        await finish(client, handle)
    await client.aclose()
    assert caught.value.before_task and KEY not in str(caught.value)


async def test_an_unknown_task_id_is_lost_work(client: AimsClient) -> None:
    with pytest.raises(TaskLostError):  # a previous process's generation: reconciled, never assumed
        await client.poll(_handle("aims-from-a-previous-process"))


async def test_aclose_cancels_running_requests(base_url: str, fake: FakeAims) -> None:
    fake.delay_s = 30.0
    client = AimsClient(KEY, base_url=base_url)
    request = t2v()
    handle = await client.submit(await client.quote(request, offer()), request)
    started = time.monotonic()
    await client.aclose()
    assert time.monotonic() - started < 1.0
    with pytest.raises(TaskLostError):
        await client.poll(handle)
