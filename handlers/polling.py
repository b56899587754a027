"""How a task that exists is watched: failed polls back off until the deadline, then a slow late check.

A task that exists is paid for, so nothing a poll meets ends it: network trouble, 5xx, 429, a
malformed answer, even a 401 (logged for the operator) only make the next poll wait longer, up to
:data:`POLL_BACKOFF_MAX_S`. At the job's deadline the user hears the seed's timeout message, and the
job turns ``late``: one poll every :data:`LATE_CHECK_EVERY_S` for :data:`LATE_CHECK_FOR_S` from its
start (providers keep results about a day: AIVideoMaker 24 h), and a video that shows up is delivered
with a short note. All figures are virtual seconds (``VIDEOBOT_TIME_SCALE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.jobs import Job, JobState
from handlers.timing import TimeScale
from providers.errors import ProviderError
from providers.types import TaskHandle, TaskState, TaskStatus

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

    def noted(self, job_id: str) -> bool:
        """A poll of ``job_id`` failed since its last answer."""
        return job_id in self._until

    def clear(self, job_id: str) -> None:
        self._until.pop(job_id, None)


def late_check_over(job: Job, timescale: TimeScale) -> bool:
    """The provider no longer keeps the result: stop looking."""
    return job.started_at is None or timescale.elapsed(job.started_at) > LATE_CHECK_FOR_S


@dataclass(frozen=True, slots=True)
class Watched:
    """What a poll of a cleanly running job needs, kept with its timer (so it goes with the timer).

    Only this process changes a job it works (a shared ledger's other instances take it only
    through a user's action or a lost lease, and then this one lets it go at the next renewal), so
    while the provider says "still working" before the deadline, there is nothing to read or write.
    """

    provider: str
    handle: TaskHandle
    started_at: datetime
    timeout_s: float

    @classmethod
    def of(cls, job: Job) -> Watched | None:
        """None unless the job runs with a task and no failed poll (those take the recorded path)."""
        if job.state is not JobState.RUNNING or job.handle is None or job.started_at is None:
            return None
        if job.poll_failures:
            return None
        return cls(job.provider, job.handle, job.started_at, job.timeout_s)

    def changed_by(self, answer: TaskStatus | ProviderError, timescale: TimeScale) -> bool:
        """Whether ``answer`` (or the clock: the deadline) asks anything of the job."""
        if isinstance(answer, ProviderError) or answer.state in (TaskState.SUCCEEDED, TaskState.FAILED):
            return True
        return timescale.elapsed(self.started_at) > self.timeout_s
