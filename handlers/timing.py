"""Protocol time. Every interval, ETA and timeout is virtual seconds times ``VIDEOBOT_TIME_SCALE``."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class TimeScale:
    """Converts between virtual seconds (what users read) and real seconds (what we wait).

    At ``factor`` 0.01 a 120 s virtual wait takes 1.2 real seconds and the texts are unchanged.
    """

    factor: float = 1.0
    now: Callable[[], datetime] = field(default=utc_now, compare=False)

    def __post_init__(self) -> None:
        if not math.isfinite(self.factor) or self.factor <= 0:
            raise ValueError("the time scale must be a positive number")

    def real(self, virtual_s: float) -> float:
        return virtual_s * self.factor

    def elapsed(self, since: datetime) -> float:
        """Virtual seconds since ``since``."""
        return max(0.0, (self.now() - since).total_seconds() / self.factor)
