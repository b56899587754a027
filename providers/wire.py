"""Small facts about HTTP answers that every provider client reads the same way."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# A gateway's answer (bad gateway, gateway timeout) to a request it may already have passed on: a create
# answered so may have made a task.
GATEWAY_STATUSES = frozenset({502, 504})


def retry_after_seconds(value: object) -> float | None:
    """A ``Retry-After`` value (header or JSON field) in seconds: a number, or an HTTP date (seconds
    from now); ``None`` when absent or unreadable. Negative numbers mean "now" (0)."""
    if value is None or value == "":
        return None
    try:
        seconds = float(str(value))
    except ValueError:
        seconds = None
    if seconds is not None:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def iso_time(value: object) -> datetime | None:
    """An ISO 8601 time from an answer (``Z`` or an offset; a naive one is UTC), or ``None``."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
