"""IMA's ``{code, message, data}`` envelope and the mapping of its failures onto our error tree.

The JSON body is read before the HTTP status (business errors may come with any status): success iff
``code`` is 0 or 200. Content-policy refusals have no known code, so a message mentioning sensitive
content, moderation, policy or violations is taken as one (a documented heuristic, zh and en).
"""

from __future__ import annotations

import re
from typing import Any

import httpx

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
from providers.wire import retry_after_seconds

SUCCESS_CODES = (0, 200)
_CONTENT_POLICY = re.compile(
    r"sensitive|moderat|polic|violat|nsfw|inappropriate|敏感|违规|审核", re.IGNORECASE
)


def looks_like_content_policy(text: str) -> bool:
    return bool(_CONTENT_POLICY.search(text))


def scrub(text: str, secret: str) -> str:
    """``text`` with every occurrence of ``secret`` masked."""
    return text.replace(secret, "***") if secret else text


def unwrap(response: httpx.Response, *, secret: str) -> Any:
    """The envelope's ``data``, or the :class:`ProviderError` its code/status/message calls for."""
    try:
        envelope = response.json()
    except ValueError:
        envelope = None
    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
    if isinstance(envelope, dict) and "code" in envelope:
        code = _as_int(envelope.get("code"))
        if code in SUCCESS_CODES:
            return envelope.get("data")
        message = scrub(str(envelope.get("message") or envelope.get("msg") or ""), secret)
        raise error_for(response.status_code, code, message, retry_after)
    if response.is_success:
        raise UnexpectedResponseError(f"HTTP {response.status_code}: body is not an IMA envelope")
    raise error_for(response.status_code, None, "", retry_after)


def error_for(status: int, code: int | None, message: str, retry_after: float | None = None) -> ProviderError:
    """The error for an HTTP ``status`` and business ``code``/``message`` (business code first)."""
    detail = f"HTTP {status}, code {code}: {message}".rstrip(": ")
    lowered = message.lower()
    if code == 401 or status in (401, 403):
        return AuthError(detail, code=code)
    if code == 4008:
        return InsufficientCreditsError(detail, code=code)
    if code == 6006:
        return CreditMismatchError(detail, code=code)
    if code in (6009, 6010) or "invalid product attribute" in lowered:
        return RuleMismatchError(detail, code=code)
    if "insufficient points" in lowered:
        return InsufficientCreditsError(detail, code=code)
    if status == 429 or code == 429:
        return RateLimitedError(detail, retry_after=retry_after, code=code)
    if looks_like_content_policy(message):
        return ContentPolicyError(detail, code=code)
    if status == 400 or code == 400:
        return BadParamsError(detail, code=code)
    if status >= 500 or code in (500, 503):
        return UnavailableError(detail, code=code)
    return UnexpectedResponseError(detail, code=code)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
