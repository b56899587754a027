"""The envelope and error mapping, on real ``httpx.Response`` values (no server needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from providers.errors import (
    AuthError,
    BadParamsError,
    ContentPolicyError,
    CreditMismatchError,
    InsufficientCreditsError,
    ProviderError,
    RateLimitedError,
    RuleMismatchError,
    UnavailableError,
    UnexpectedResponseError,
)
from providers.ima.envelope import unwrap
from providers.wire import retry_after_seconds as parse_retry_after

SECRET = "ima_secret_key"


def reply(status: int, body: Any = None, text: str | None = None, **headers: str) -> httpx.Response:
    if text is not None:
        return httpx.Response(status, text=text, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


@pytest.mark.parametrize("code", [0, 200, "0"])
def test_success_codes_return_data(code: Any) -> None:
    assert unwrap(reply(200, {"code": code, "data": [1]}), secret=SECRET) == [1]


def test_the_envelope_is_read_before_the_status() -> None:
    assert unwrap(reply(500, {"code": 0, "data": "ok"}), secret=SECRET) == "ok"
    with pytest.raises(CreditMismatchError):
        unwrap(reply(400, {"code": 6006, "message": "credit"}), secret=SECRET)


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, {"code": 401, "message": "unauthorized"}, AuthError),
        (403, {"code": 9, "message": "forbidden"}, AuthError),
        (200, {"code": 4008, "message": "Insufficient points"}, InsufficientCreditsError),
        (200, {"code": 7, "message": "Insufficient points"}, InsufficientCreditsError),
        (400, {"code": 6006, "message": ""}, CreditMismatchError),
        (400, {"code": 6009, "message": ""}, RuleMismatchError),
        (400, {"code": 6010, "message": ""}, RuleMismatchError),
        (200, {"code": 1, "message": "Invalid product attribute"}, RuleMismatchError),
        (400, {"code": 400, "message": "bad size"}, BadParamsError),
        (429, {"code": 429, "message": "slow down"}, RateLimitedError),
        (503, {"code": 503, "message": "busy"}, UnavailableError),
        (200, {"code": 500, "message": "provider failure"}, UnavailableError),
        (502, {"code": 1, "message": "bad gateway"}, UnavailableError),
        (200, {"code": 1301, "message": "prompt has sensitive content"}, ContentPolicyError),
        (200, {"code": 1302, "message": "违反内容审核政策"}, ContentPolicyError),
        (200, {"code": 12345, "message": "what"}, UnexpectedResponseError),
        (200, {"code": None}, UnexpectedResponseError),
    ],
)
def test_error_mapping(status: int, body: dict[str, Any], error: type[ProviderError]) -> None:
    with pytest.raises(error) as caught:
        unwrap(reply(status, body), secret=SECRET)
    assert type(caught.value) is error


@pytest.mark.parametrize(
    ("status", "error"),
    [(200, UnexpectedResponseError), (401, AuthError), (429, RateLimitedError), (502, UnavailableError)],
)
def test_bodies_that_are_not_envelopes(status: int, error: type[ProviderError]) -> None:
    with pytest.raises(error):
        unwrap(reply(status, text="<html>oops</html>"), secret=SECRET)
    with pytest.raises(error):
        unwrap(reply(status, ["not", "an", "envelope"]), secret=SECRET)


def test_rate_limit_carries_retry_after() -> None:
    with pytest.raises(RateLimitedError) as caught:
        unwrap(reply(429, {"code": 429}, **{"Retry-After": "12"}), secret=SECRET)
    assert caught.value.retry_after == 12.0


def test_retry_after_forms() -> None:
    later = datetime.now(UTC) + timedelta(seconds=30)
    assert 25 <= (parse_retry_after(format_datetime(later, usegmt=True)) or 0) <= 30
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("nan") is None


def test_the_key_is_masked_in_messages() -> None:
    with pytest.raises(AuthError) as caught:
        unwrap(reply(401, {"code": 401, "message": f"invalid key {SECRET}"}), secret=SECRET)
    assert SECRET not in str(caught.value)
    assert SECRET not in caught.value.detail
