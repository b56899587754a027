"""Every failure of a Media.io call ends in the right ProviderError, and never shows the key."""

from __future__ import annotations

import socket
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from providers.errors import (
    AuthError,
    BadParamsError,
    ErrorKind,
    InsufficientCreditsError,
    NetworkError,
    ProviderError,
    RateLimitedError,
    UnavailableError,
    UnexpectedResponseError,
)
from providers.mediaio import MediaioClient
from providers.types import TaskState
from tests.fakes.mediaio import FakeMediaio
from tests.providers.mediaio.samples import API_KEY, i2v, poll_until_done, submit, t2v


def _envelope(code: int, data: object, msg: str = "") -> dict[str, object]:
    return {"code": code, "msg": msg, "data": data, "trace_id": "trace-1"}


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (374004, AuthError),
        (490505, InsufficientCreditsError),
        (490000, BadParamsError),
        (123456, UnexpectedResponseError),
    ],
)
async def test_business_codes_in_http_200(
    client: MediaioClient, fake: FakeMediaio, code: int, error: type[ProviderError]
) -> None:
    fake.error_code_next(code, "nope")
    with pytest.raises(error) as caught:
        await submit(client, t2v(), "t2v-wan-v2-6")
    assert caught.value.code == code and caught.value.before_task
    assert fake.tasks == {}


async def test_wrong_key_is_auth(base_url: str) -> None:
    client = MediaioClient(api_key="not-the-key", base_url=base_url)
    with pytest.raises(AuthError) as caught:
        await client.balance()
    await client.aclose()
    assert caught.value.kind is ErrorKind.AUTH and caught.value.code == 374004


async def test_low_balance_is_insufficient_credits(client: MediaioClient, fake: FakeMediaio) -> None:
    fake.credits = fake.cost - 1
    with pytest.raises(InsufficientCreditsError):
        await submit(client, i2v(), "i2v-wan-v2-6")


async def test_rejected_params_are_bad_params(client: MediaioClient) -> None:
    with pytest.raises(BadParamsError) as caught:
        await submit(client, t2v("a cat [reject]"), "t2v-wan-v2-6")
    assert caught.value.kind is ErrorKind.BAD_PARAMS and caught.value.before_task


@pytest.mark.parametrize(
    ("message", "error"),
    [("Missing API key. Set API_KEY.", AuthError), ("API 'Sora' not found.", UnexpectedResponseError)],
)
async def test_router_style_errors(
    client: MediaioClient, fake: FakeMediaio, message: str, error: type[ProviderError]
) -> None:
    fake.router_error_next(message)
    with pytest.raises(error):
        await client.balance()


@pytest.mark.parametrize(
    ("header", "expected"),
    [("7", 7.0), ("0.5", 0.5), ("soon", None)],
)
async def test_429_carries_retry_after(
    client: MediaioClient, fake: FakeMediaio, header: str, expected: float | None
) -> None:
    fake.rate_limit_next(header)
    with pytest.raises(RateLimitedError) as caught:
        await submit(client, t2v(), "t2v-wan-v2-6")
    assert caught.value.retry_after == expected and caught.value.before_task


async def test_429_retry_after_as_http_date(client: MediaioClient, fake: FakeMediaio) -> None:
    fake.rate_limit_next(format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True))
    with pytest.raises(RateLimitedError) as caught:
        await client.balance()
    assert caught.value.retry_after is not None and 20 < caught.value.retry_after <= 30


async def test_429_without_header(client: MediaioClient, fake: FakeMediaio) -> None:
    fake.respond_next(429, text="slow down")
    with pytest.raises(RateLimitedError) as caught:
        await client.balance()
    assert caught.value.retry_after is None


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_5xx_is_unavailable_and_may_hide_a_task(
    client: MediaioClient, fake: FakeMediaio, status: int
) -> None:
    fake.unavailable_next(status)
    with pytest.raises(UnavailableError) as caught:
        await submit(client, t2v(), "t2v-wan-v2-6")
    assert caught.value.code == status and not caught.value.before_task


@pytest.mark.parametrize(
    ("status", "error"), [(401, AuthError), (403, AuthError), (404, UnexpectedResponseError)]
)
async def test_plain_http_errors(
    client: MediaioClient, fake: FakeMediaio, status: int, error: type[ProviderError]
) -> None:
    fake.respond_next(status, text="<html>no</html>")
    with pytest.raises(error) as caught:
        await client.balance()
    assert caught.value.before_task


async def test_closed_port_is_network_before_task() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = MediaioClient(api_key=API_KEY, base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(NetworkError) as caught:
        await submit(client, t2v(), "t2v-wan-v2-6")
    await client.aclose()
    assert caught.value.kind is ErrorKind.NETWORK and caught.value.before_task
    assert API_KEY not in "".join(traceback.format_exception(caught.value))


async def test_read_timeout_on_submit_may_hide_a_task(base_url: str, fake: FakeMediaio) -> None:
    client = MediaioClient(api_key=API_KEY, base_url=base_url, request_timeout_s=0.05)
    fake.respond_next(body=_envelope(0, {"task_id": "late"}), delay_s=0.2)
    with pytest.raises(NetworkError) as caught:
        await submit(client, t2v(), "t2v-wan-v2-6")
    await client.aclose()
    assert not caught.value.before_task


@pytest.mark.parametrize(
    "script",
    [
        lambda fake: fake.malformed_next(),
        lambda fake: fake.malformed_next('{"code": 0, "data": {"task_id": "x"'),
        lambda fake: fake.respond_next(body=[1, 2]),
        lambda fake: fake.respond_next(body={"code": "0", "data": {"task_id": "x"}}),
        lambda fake: fake.respond_next(body={"code": False, "data": {"task_id": "x"}}),
        lambda fake: fake.respond_next(body=_envelope(0, {})),
        lambda fake: fake.respond_next(body=_envelope(0, {"task_id": 42})),
        lambda fake: fake.respond_next(body=_envelope(0, None)),
    ],
)
async def test_malformed_create_answers(
    client: MediaioClient, fake: FakeMediaio, script: Callable[[FakeMediaio], None]
) -> None:
    script(fake)
    with pytest.raises(UnexpectedResponseError) as caught:
        await submit(client, t2v(), "t2v-wan-v2-6")
    assert caught.value.kind is ErrorKind.UNKNOWN and not caught.value.before_task


@pytest.mark.parametrize(
    "data",
    [{}, {"status": 3}, {"status": "completed", "result": "https://x/y.mp4"}],
)
async def test_malformed_task_results(client: MediaioClient, fake: FakeMediaio, data: object) -> None:
    handle = await submit(client, t2v(), "t2v-wan-v2-6")
    fake.respond_next(body=_envelope(0, data))
    with pytest.raises(UnexpectedResponseError) as caught:
        await client.poll(handle)
    assert not caught.value.before_task


async def test_poll_errors_never_claim_before_task(client: MediaioClient, fake: FakeMediaio) -> None:
    handle = await submit(client, t2v(), "t2v-wan-v2-6")
    fake.rate_limit_next("3")
    with pytest.raises(RateLimitedError) as caught:
        await client.poll(handle)
    assert caught.value.retry_after == 3.0 and not caught.value.before_task


async def test_poll_of_an_unknown_task(client: MediaioClient) -> None:
    handle = await submit(client, t2v(), "t2v-wan-v2-6")
    with pytest.raises(BadParamsError):
        await client.poll(handle.model_copy(update={"task_id": "video-unknown"}))


async def test_balance_not_an_integer(client: MediaioClient, fake: FakeMediaio) -> None:
    fake.respond_next(body=_envelope(0, {"credits": "lots"}))
    with pytest.raises(UnexpectedResponseError):
        await client.balance()


@pytest.mark.parametrize(
    "script",
    [
        lambda fake: fake.error_code_next(374004, f"invalid key {API_KEY}"),
        lambda fake: fake.error_code_next(777, f"unknown, X-API-KEY={API_KEY}"),
        lambda fake: fake.router_error_next(f"Missing API key {API_KEY}"),
        lambda fake: fake.malformed_next(f"<html>{API_KEY}</html>"),
        lambda fake: fake.respond_next(503, text=f"down for {API_KEY}"),
        lambda fake: fake.respond_next(429, text=f"slow {API_KEY}"),
        lambda fake: fake.respond_next(404, text=f"where {API_KEY}"),
    ],
)
async def test_key_never_in_exception_text(
    client: MediaioClient, fake: FakeMediaio, script: Callable[[FakeMediaio], None]
) -> None:
    script(fake)
    with pytest.raises(ProviderError) as caught:
        await submit(client, t2v(), "t2v-wan-v2-6")
    text = "".join(traceback.format_exception(caught.value)) + repr(caught.value) + caught.value.detail
    assert API_KEY not in text


async def test_key_never_in_task_failure_detail(client: MediaioClient, fake: FakeMediaio) -> None:
    handle = await submit(client, t2v(), "t2v-wan-v2-6")
    fake.respond_next(body=_envelope(0, {"status": "failed", "reason": f"bad key {API_KEY}"}))
    status = await client.poll(handle)
    assert status.state is TaskState.FAILED and API_KEY not in status.error_detail


async def test_whole_job_survives_a_429_between_polls(client: MediaioClient, fake: FakeMediaio) -> None:
    handle = await submit(client, t2v(), "t2v-wan-v2-6")
    fake.rate_limit_next("1")
    with pytest.raises(RateLimitedError):
        await client.poll(handle)
    assert (await poll_until_done(client, handle))[-1].state is TaskState.SUCCEEDED
