"""Every way an IMA call can fail, through the client, against the fake (or a closed port)."""

from __future__ import annotations

import socket

import pytest

from providers.errors import (
    AuthError,
    BadParamsError,
    ContentPolicyError,
    CreditMismatchError,
    ErrorKind,
    InsufficientCreditsError,
    NetworkError,
    ProviderError,
    RateLimitedError,
    RuleMismatchError,
    UnavailableError,
    UnexpectedResponseError,
)
from providers.ima import ImaClient
from providers.types import TaskHandle, TaskState, TaskType
from tests.fakes.ima import DEFAULT_KEY, FakeIma, Fault
from tests.providers.ima.support import WAN, offer, request

T2V = TaskType.TEXT_TO_VIDEO


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def assert_no_secret(error: ProviderError) -> None:
    for text in (str(error), repr(error), error.detail, str(error.__cause__ or "")):
        assert DEFAULT_KEY not in text


async def submitted(client: ImaClient, prompt: str = "a cat") -> TaskHandle:
    wish = request(prompt=prompt)
    return await client.submit(await client.quote(wish, offer(WAN)), wish)


async def submit_error(client: ImaClient, prompt: str = "a cat") -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        await submitted(client, prompt)
    assert_no_secret(caught.value)
    return caught.value


# --- create refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "error", "before_task"),
    [
        (Fault.INSUFFICIENT_POINTS, InsufficientCreditsError, True),
        (Fault.BAD_PARAMS, BadParamsError, True),
        (Fault.CONTENT_REJECTED, ContentPolicyError, True),
        (Fault.RATE_LIMITED, RateLimitedError, True),
        (Fault.UNAVAILABLE, UnavailableError, True),
        (Fault.SERVER_ERROR, UnavailableError, True),
        (Fault.UNAUTHORIZED, AuthError, True),
        (Fault.MALFORMED, UnexpectedResponseError, False),
        (Fault.WRONG_SHAPE, UnexpectedResponseError, False),
    ],
)
async def test_create_faults(
    client: ImaClient, fake: FakeIma, fault: Fault, error: type[ProviderError], before_task: bool
) -> None:
    fake.inject("create", fault)
    caught = await submit_error(client)
    assert (type(caught), caught.before_task) == (error, before_task)
    assert len(fake.calls("create")) == 1  # only rule/credit refusals are retried


@pytest.mark.parametrize(
    ("word", "error", "kind"),
    [
        ("ima-broke", InsufficientCreditsError, ErrorKind.INSUFFICIENT_CREDITS),
        ("ima-reject-policy", ContentPolicyError, ErrorKind.CONTENT_POLICY),
        ("ima-429", RateLimitedError, ErrorKind.RATE_LIMITED),
        ("ima-503", UnavailableError, ErrorKind.UNAVAILABLE),
        ("ima-500", UnavailableError, ErrorKind.UNAVAILABLE),
        ("ima-malformed", UnexpectedResponseError, ErrorKind.UNKNOWN),
    ],
)
async def test_prompt_keywords_trigger_create_failures(
    client: ImaClient, word: str, error: type[ProviderError], kind: ErrorKind
) -> None:
    caught = await submit_error(client, f"a cat {word}")
    assert (type(caught), caught.kind) == (error, kind)


async def test_rate_limit_carries_retry_after(client: ImaClient, fake: FakeIma) -> None:
    fake.retry_after_s = 11
    caught = await submit_error(client, "a cat ima-429")
    assert isinstance(caught, RateLimitedError) and caught.retry_after == 11.0


async def test_an_empty_balance_is_insufficient_credits(client: ImaClient, fake: FakeIma) -> None:
    fake.balance = 10
    caught = await submit_error(client)
    assert (type(caught), caught.code) == (InsufficientCreditsError, 4008)


async def test_a_persistent_credit_mismatch_surfaces(client: ImaClient, fake: FakeIma) -> None:
    fake.inject("create", Fault.CREDIT_MISMATCH, times=2)
    caught = await submit_error(client)
    assert (type(caught), caught.code, caught.kind) == (CreditMismatchError, 6006, ErrorKind.CREDIT_MISMATCH)


async def test_a_persistent_missing_attribute_surfaces(client: ImaClient, fake: FakeIma) -> None:
    fake.inject("create", Fault.NO_MATCHING_RULE, times=2)
    caught = await submit_error(client)
    assert (type(caught), caught.code) == (RuleMismatchError, 6009)


# --- keys, lists, network -------------------------------------------------------------------------


async def test_a_wrong_key_is_an_auth_error_without_the_key(fake_url: str) -> None:
    secret = "ima_wrong_key_never_to_be_shown"
    client = ImaClient(api_key=secret, base_url=fake_url)
    with pytest.raises(AuthError) as caught:
        await client.list_models(T2V)
    await client.aclose()
    assert secret not in str(caught.value) and secret not in caught.value.detail
    assert caught.value.code == 401


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.MALFORMED, UnexpectedResponseError),
        (Fault.WRONG_SHAPE, UnexpectedResponseError),
        (Fault.RATE_LIMITED, RateLimitedError),
        (Fault.UNAVAILABLE, UnavailableError),
    ],
)
async def test_product_list_faults(
    client: ImaClient, fake: FakeIma, fault: Fault, error: type[ProviderError]
) -> None:
    fake.inject("product_list", fault)
    with pytest.raises(error) as caught:
        await client.list_models(T2V)
    assert caught.value.before_task is True
    assert len(await client.list_models(T2V)) == 16  # a failed fetch is not cached


async def test_a_closed_port_is_a_network_error() -> None:
    client = ImaClient(api_key=DEFAULT_KEY, base_url=closed_port_url())
    with pytest.raises(NetworkError) as caught:
        await client.list_models(T2V)
    await client.aclose()
    assert caught.value.before_task is True
    assert_no_secret(caught.value)


async def test_a_timeout_is_a_network_error(fake: FakeIma, fake_url: str) -> None:
    client = ImaClient(api_key=DEFAULT_KEY, base_url=fake_url, request_timeout_s=0.05)
    await client.list_models(T2V)
    fake.latency_s = 0.2
    with pytest.raises(NetworkError) as caught:
        await submitted(client)
    await client.aclose()
    assert caught.value.before_task is False  # the create may have gone through


# --- polling --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("ima-fail", ErrorKind.GENERATION_FAILED),
        ("ima-deleted", ErrorKind.GENERATION_FAILED),
        ("ima-status-failed", ErrorKind.GENERATION_FAILED),
        ("ima-policy", ErrorKind.CONTENT_POLICY),
    ],
)
async def test_failed_tasks_are_failed_statuses(client: ImaClient, word: str, kind: ErrorKind) -> None:
    status = await client.poll(await submitted(client, f"a cat {word}"))
    assert (status.state, status.error_kind) == (TaskState.FAILED, kind)


@pytest.mark.parametrize(
    ("word", "error"),
    [
        ("ima-poll-429", RateLimitedError),
        ("ima-poll-503", UnavailableError),
        ("ima-poll-malformed", UnexpectedResponseError),
    ],
)
async def test_poll_faults_raise_then_polling_recovers(
    client: ImaClient, word: str, error: type[ProviderError]
) -> None:
    handle = await submitted(client, f"a cat {word}")
    with pytest.raises(error) as caught:
        await client.poll(handle)
    assert caught.value.before_task is False
    assert (await client.poll(handle)).state is TaskState.SUCCEEDED


@pytest.mark.parametrize("fault", [Fault.WRONG_SHAPE, Fault.UNAUTHORIZED])
async def test_poll_wrong_shape_and_auth(client: ImaClient, fake: FakeIma, fault: Fault) -> None:
    handle = await submitted(client)
    fake.inject("detail", fault)
    with pytest.raises(ProviderError) as caught:
        await client.poll(handle)
    assert caught.value.kind in (ErrorKind.UNKNOWN, ErrorKind.AUTH)
    assert caught.value.before_task is False


async def test_poll_of_an_unknown_task(client: ImaClient) -> None:
    handle = await submitted(client)
    with pytest.raises(UnexpectedResponseError):
        await client.poll(handle.model_copy(update={"task_id": "task_missing"}))


async def test_poll_over_a_dead_connection(fake_url: str) -> None:
    client = ImaClient(api_key=DEFAULT_KEY, base_url=fake_url)
    handle = await submitted(client)
    await client.aclose()
    dead = ImaClient(api_key=DEFAULT_KEY, base_url=closed_port_url())
    with pytest.raises(NetworkError) as caught:
        await dead.poll(handle)
    await dead.aclose()
    assert caught.value.before_task is False
