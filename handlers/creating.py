"""What a refused create leads to: a short wait, a failover, a few retries with backoff, or the failure.

Only refusals that prove nothing was created come here (``before_task``); an ambiguous create is
reconciled first (:mod:`handlers.reconciling`). In order:

1. a 429 that asks for a short wait (``Retry-After`` up to :data:`RATE_LIMIT_PATIENCE_S`) is waited out
   once per provider;
2. else the job moves to the next provider offering the same model (told in one line);
3. else a 429, 503 or failed connection is tried again after :data:`CREATE_BACKOFF_S`: at most
   :data:`CREATE_TRIES` tries per provider, within about a minute (a 429 without ``Retry-After`` backs
   off too, never hammers); a ``Retry-After`` longer than :data:`CREATE_RETRY_WINDOW_S` is not waited;
4. else the job fails with the translated reason.

All figures are virtual seconds (``VIDEOBOT_TIME_SCALE``).
"""

from __future__ import annotations

from providers.errors import ErrorKind, ProviderError, RateLimitedError

RATE_LIMIT_PATIENCE_S = 20
CREATE_TRIES = 3
CREATE_BACKOFF_S = (5, 15)  # before the 2nd and the 3rd try
CREATE_RETRY_WINDOW_S = 60
RETRY_KINDS = frozenset({ErrorKind.RATE_LIMITED, ErrorKind.UNAVAILABLE, ErrorKind.NETWORK})
# Refusals that another provider of the same model may well not give.
FAILOVER_KINDS = frozenset(
    {
        ErrorKind.UNAVAILABLE,
        ErrorKind.NETWORK,
        ErrorKind.RATE_LIMITED,
        ErrorKind.AUTH,
        ErrorKind.INSUFFICIENT_CREDITS,
        ErrorKind.UNKNOWN,
    }
)


class CreateAttempts:
    """The tries of one job's create on its current provider."""

    def __init__(self) -> None:
        self._tries = 1
        self._waited = False

    def short_wait(self, exc: ProviderError) -> float | None:
        """Seconds to wait out a short rate limit, once per provider; ``None`` otherwise."""
        if not isinstance(exc, RateLimitedError) or exc.retry_after is None or self._waited:
            return None
        if exc.retry_after > RATE_LIMIT_PATIENCE_S:
            return None
        self._waited = True
        return exc.retry_after

    def moved(self) -> None:
        """The job moved to another provider: its tries start anew."""
        self._tries = 1
        self._waited = False

    def backoff(self, exc: ProviderError) -> float | None:
        """Seconds to wait before trying the same provider again; ``None`` when it is time to give up."""
        if exc.kind not in RETRY_KINDS or self._tries >= CREATE_TRIES:
            return None
        wait_s = float(CREATE_BACKOFF_S[self._tries - 1])
        if isinstance(exc, RateLimitedError) and exc.retry_after is not None:
            if exc.retry_after > CREATE_RETRY_WINDOW_S:
                return None
            wait_s = max(wait_s, exc.retry_after)
        self._tries += 1
        return wait_s

    @staticmethod
    def may_fail_over(exc: ProviderError) -> bool:
        return exc.before_task and exc.kind in FAILOVER_KINDS
