"""Feishu's error codes, sorted by what we do about them (im-platforms.md §1.8: our own classification)."""

from __future__ import annotations

RATE_LIMITED = frozenset({99991400, 230020})  # back off (x-ogw-ratelimit-reset), then retry
BAD_TOKEN = frozenset({99991663, 99991661, 99991668})  # drop the tenant token, fetch a new one, retry once
NOT_EDITABLE = frozenset({230011, 230031})  # recalled, or older than 14 days: never patch that message again
# Not in the group, bot ability off, user outside the app's availability, no permission, muted/blocked:
# the chat will not take our messages, however often we try.
UNREACHABLE = frozenset({230002, 230006, 230013, 230027, 230035})
NETWORK = -1  # our code for "no answer at all" (connection refused, timeout, not JSON)


class FeishuError(Exception):
    """A call to Feishu failed. ``code`` is Feishu's (or :data:`NETWORK`); never holds a secret."""

    def __init__(self, code: int, msg: str, *, retry_after_s: float | None = None, status: int = 0) -> None:
        super().__init__(f"feishu error {code}: {msg}")
        self.code = code
        self.msg = msg
        self.retry_after_s = retry_after_s
        self.status = status  # the HTTP status, where there was an answer

    @property
    def rate_limited(self) -> bool:
        return self.code in RATE_LIMITED

    @property
    def bad_token(self) -> bool:
        return self.code in BAD_TOKEN

    @property
    def not_editable(self) -> bool:
        return self.code in NOT_EDITABLE

    @property
    def unreachable(self) -> bool:
        return self.code in UNREACHABLE

    @property
    def transient(self) -> bool:
        """Worth another try of the same call: a rate limit, no answer, or a server hiccup (5xx) that
        names no refusal of ours."""
        server_hiccup = self.status >= 500 and not (self.unreachable or self.not_editable)
        return self.rate_limited or self.code == NETWORK or server_hiccup


def reset_seconds(headers: object) -> float | None:
    """``x-ogw-ratelimit-reset`` (seconds until the limit resets) from a response's headers."""
    if not isinstance(headers, dict):
        return None
    for key, value in headers.items():
        if str(key).lower() == "x-ogw-ratelimit-reset":
            try:
                return max(float(value), 0.0)
            except (TypeError, ValueError):
                return None
    return None
