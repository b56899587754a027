"""How a task that exists is watched: failed polls back off until the deadline, then a slow late check.

A task that exists is paid for, so nothing a poll meets ends it: network trouble, 5xx, 429, a
malformed answer, even a 401 (logged for the operator) only make the next poll wait longer, up to
:data:`POLL_BACKOFF_MAX_S`. At the job's deadline the user hears the seed's timeout message, and the
job turns ``late``: one poll every :data:`LATE_CHECK_EVERY_S` for :data:`LATE_CHECK_FOR_S` from its
start (providers keep results about a day: AIVideoMaker 24 h), and a video that shows up is delivered
with a short note. All figures are virtual seconds (``VIDEOBOT_TIME_SCALE``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.jobs import Job
from handlers.timing import TimeScale

POLL_BACKOFF_MAX_S = 120
LATE_CHECK_EVERY_S = 300
LATE_CHECK_FOR_S = 24 * 3600


class PollBackoff:
    """After ``n`` failed polls in a row, skip polls for ``poll_every * 2**(n-1)`` (capped)."""

    def __init__(self, timescale: TimeScale) -> None:
        self._timescale = timescale
        self._until: dict[str, datetime] = {}

    def waiting(self, job_id: str) -> bool:
        until = self._until.get(job_id)
        return until is not None and self._timescale.now() < until

    def failed(self, job: Job) -> float:
        """Note one more failed poll of ``job``; returns the virtual seconds the next one waits."""
        wait_s = min(job.poll_every_s * 2 ** max(job.poll_failures - 1, 0), POLL_BACKOFF_MAX_S)
        self._until[job.id] = self._timescale.now() + timedelta(seconds=self._timescale.real(wait_s))
        return float(wait_s)

    def clear(self, job_id: str) -> None:
        self._until.pop(job_id, None)


def late_check_over(job: Job, timescale: TimeScale) -> bool:
    """The provider no longer keeps the result: stop looking."""
    return job.started_at is None or timescale.elapsed(job.started_at) > LATE_CHECK_FOR_S
