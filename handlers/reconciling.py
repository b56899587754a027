"""Reconciling an ambiguous create: the provider may have made (and charged for) a task we never heard of.

A create is *ambiguous* when it may have reached the provider but its answer never reached us: the
process was killed while it was in flight, the answer was lost (read timeout, connection reset after
sending, a gateway's 502/504), or a synchronous generation lost track of its work in a restart. Such a
create is never sent again blindly. A provider that can look tasks up (:class:`providers.base.TaskFinder`)
is asked: a task it finds is resumed, and a task it proves absent means nothing was paid, so the job may
go on as after a refusal. Where the provider cannot be asked, or cannot answer before the window closes,
the job is *uncertain*: the user is told plainly, and operators see it in ``videobot jobs --state uncertain``.
See ``docs/reconciliation.md`` for what each provider allows.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from handlers.jobs import Job
from handlers.timing import TimeScale, utc_now
from providers.base import TaskFinder, VideoProvider
from providers.errors import ProviderError
from providers.types import TaskHandle

log = logging.getLogger(__name__)

FIRST_LOOK_AFTER_S = 10  # virtual s: let a create that is still in flight land before we look
LOOK_AGAIN_MAX_S = 120  # virtual s between lookups at most (they back off from FIRST_LOOK_AFTER_S)
LOOK_FOR_S = 900  # virtual s of lookups that fail before a job is called uncertain
CLOCK_SLACK = timedelta(minutes=2)  # our clock and the provider's may disagree this much


class CannotTell(Exception):
    """Whether the task exists cannot be known: the job ends uncertain."""


async def reconcile(provider: VideoProvider, job: Job, timescale: TimeScale) -> TaskHandle | None:
    """The task an ambiguous create made, ``None`` if the provider proves there is none.

    Raises :class:`CannotTell` when the provider cannot be asked, or its lookups keep failing for
    :data:`LOOK_FOR_S` virtual seconds.
    """
    if not isinstance(provider, TaskFinder) or job.quote is None:
        raise CannotTell(f"{provider.name} cannot look tasks up")
    since = _since(job)
    began = timescale.now()
    wait_s = float(FIRST_LOOK_AFTER_S)
    while True:
        await asyncio.sleep(timescale.real(wait_s))
        try:
            handle = await provider.find_task(job.quote, job.request, key=job.id, since=since)
        except ProviderError as exc:
            log.warning("job %s: %s cannot tell yet whether the task exists: %s", job.id, job.provider, exc)
            if timescale.elapsed(began) >= LOOK_FOR_S:
                raise CannotTell(f"{job.provider} lookups failed for {LOOK_FOR_S} s") from exc
            wait_s = min(wait_s * 2, LOOK_AGAIN_MAX_S)
            continue
        if handle is None:
            log.warning("job %s: %s has no task for the lost create; nothing was paid", job.id, job.provider)
        else:
            log.warning("job %s: the lost create made task %s; resuming it", job.id, handle.task_id)
        return handle


async def look_once(provider: VideoProvider, job: Job) -> TaskHandle | None:
    """One lookup, no waiting: the task if the provider can find it now, else ``None`` (for the late
    check of a generation we lost track of after its deadline)."""
    if not isinstance(provider, TaskFinder) or job.quote is None:
        return None
    try:
        return await provider.find_task(job.quote, job.request, key=job.id, since=_since(job))
    except ProviderError as exc:
        log.info("job %s: late lookup at %s: %s", job.id, job.provider, exc.kind)
        return None


def _since(job: Job) -> datetime:
    sent = job.submitted_at or job.updated_at or utc_now()
    return sent - CLOCK_SLACK
