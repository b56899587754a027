"""The one exception tree every provider client raises.

Every error carries an :class:`ErrorKind`; ``messages`` translates the kind, never the text,
so a provider's wording never reaches a chat. ``detail`` is for logs only (never secrets)::

    ProviderError                      kind
    ├── AuthError                      auth                  401, invalid key
    ├── InsufficientCreditsError       insufficient_credits  4008, "Insufficient points"
    ├── RequestRejectedError           (the request itself was refused; nothing was created)
    │   ├── CreditMismatchError        credit_mismatch       6006
    │   ├── RuleMismatchError          rule_mismatch         6009 / 6010
    │   ├── BadParamsError             bad_params            HTTP 400
    │   ├── UnsupportedParamsError     unsupported_params    duration/resolution not offered
    │   └── ContentPolicyError         content_policy        prompt moderation
    ├── RateLimitedError               rate_limited          HTTP 429 (retry_after seconds)
    ├── UnavailableError               unavailable           HTTP 503, model gone
    ├── GenerationFailedError          generation_failed     resource_status 2/3, status "failed"
    ├── ProviderTimeoutError           timeout               no result within the deadline
    ├── NetworkError                   network               connection refused, reset, DNS
    ├── ImageUploadError               image_upload          an input image could not be used
    ├── UnexpectedResponseError        unknown               malformed or unknown answer
    └── TaskLostError                  unknown               we lost track of work the provider may have

``before_task`` tells whether the error happened before a provider task existed, i.e. whether
retrying elsewhere can never charge twice. A create that fails with ``before_task=False`` is
*ambiguous*: the task may exist and be paid for, so it is reconciled (``providers.base.TaskFinder``)
or reported as uncertain, never sent again blindly.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    AUTH = "auth"
    INSUFFICIENT_CREDITS = "insufficient_credits"
    CREDIT_MISMATCH = "credit_mismatch"
    RULE_MISMATCH = "rule_mismatch"
    BAD_PARAMS = "bad_params"
    UNSUPPORTED_PARAMS = "unsupported_params"
    CONTENT_POLICY = "content_policy"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"
    GENERATION_FAILED = "generation_failed"
    TIMEOUT = "timeout"
    NETWORK = "network"
    IMAGE_UPLOAD = "image_upload"
    UNKNOWN = "unknown"


class ProviderError(Exception):
    """Base of every provider failure. ``detail`` is for logs, never for users."""

    kind: ErrorKind = ErrorKind.UNKNOWN

    def __init__(self, detail: str = "", *, code: str | int | None = None, before_task: bool = True) -> None:
        super().__init__(detail or self.kind.value)
        self.detail = detail
        self.code = code
        self.before_task = before_task


class AuthError(ProviderError):
    kind = ErrorKind.AUTH


class InsufficientCreditsError(ProviderError):
    kind = ErrorKind.INSUFFICIENT_CREDITS


class RequestRejectedError(ProviderError):
    """The provider refused the request as sent; no task was created."""

    kind = ErrorKind.BAD_PARAMS


class CreditMismatchError(RequestRejectedError):
    kind = ErrorKind.CREDIT_MISMATCH


class RuleMismatchError(RequestRejectedError):
    kind = ErrorKind.RULE_MISMATCH


class BadParamsError(RequestRejectedError):
    kind = ErrorKind.BAD_PARAMS


class UnsupportedParamsError(RequestRejectedError):
    kind = ErrorKind.UNSUPPORTED_PARAMS


class ContentPolicyError(RequestRejectedError):
    kind = ErrorKind.CONTENT_POLICY


class RateLimitedError(ProviderError):
    kind = ErrorKind.RATE_LIMITED

    def __init__(
        self,
        detail: str = "",
        *,
        retry_after: float | None = None,
        code: str | int | None = None,
        before_task: bool = True,
    ) -> None:
        super().__init__(detail, code=code, before_task=before_task)
        self.retry_after = retry_after


class UnavailableError(ProviderError):
    kind = ErrorKind.UNAVAILABLE


class GenerationFailedError(ProviderError):
    kind = ErrorKind.GENERATION_FAILED

    def __init__(self, detail: str = "", *, code: str | int | None = None, before_task: bool = False) -> None:
        super().__init__(detail, code=code, before_task=before_task)


class ProviderTimeoutError(ProviderError):
    kind = ErrorKind.TIMEOUT


class NetworkError(ProviderError):
    kind = ErrorKind.NETWORK


class ImageUploadError(ProviderError):
    kind = ErrorKind.IMAGE_UPLOAD


class UnexpectedResponseError(ProviderError):
    kind = ErrorKind.UNKNOWN


class TaskLostError(ProviderError):
    """We lost track of work the provider may have accepted (a restart during a synchronous generation,
    an answer lost mid-request): whether it exists must be reconciled, never assumed either way."""

    kind = ErrorKind.UNKNOWN

    def __init__(self, detail: str = "", *, code: str | int | None = None, before_task: bool = False) -> None:
        super().__init__(detail, code=code, before_task=before_task)
