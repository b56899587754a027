"""Provider requests per finished job, for each provider, against the true floor of its API.

Runs JOBS text-to-video jobs at once through the whole app (conversation, flow, client) against each
fake provider on 127.0.0.1 and counts the requests the fake saw. The floor of a polling API is one
create plus ceil(T / poll interval) status queries per job, T being how long the task actually ran
(AIVideoMaker answers every job with one list query per tick, so its queries are shared); a
synchronous API needs one call. Model lists come on top, once per cache period. Prints figures;
asserts nothing. Run: ``.venv/bin/python bench/provider_requests.py``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.jobs import Job
from tests.bot.test_chat_providers import providers
from tests.support import Chat, running_app

JOBS = 20
SCALE = 0.01  # an 8 s poll interval takes 80 ms

PROVIDERS = ("ima", "mediaio", "aivideomaker", "aims", "mythiq")
SYNCHRONOUS = {"aims", "mythiq"}
SHARED_POLLS = {"aivideomaker"}  # one task list query answers every running job
NO_LIMITS: dict[str, Any] = {  # the bench spends freely: budgets and questions are not what it measures
    "VIDEOBOT_BUDGET_USER_DAILY": "none",
    "VIDEOBOT_BUDGET_USER_MONTHLY": "none",
    "VIDEOBOT_BUDGET_PER_JOB": "none",
    "VIDEOBOT_CONFIRM_ABOVE": "none",
}


def request_count(fake: object) -> int:
    requests = getattr(fake, "requests", [])
    return len(requests)


async def measure(name: str) -> tuple[int, int, float]:
    """Requests the fake saw, jobs finished, and the floor of requests for those jobs."""
    with tempfile.TemporaryDirectory() as folder:
        async with (
            providers(name) as (fakes, env),
            running_app(
                Path(folder), VIDEOBOT_TIME_SCALE=SCALE, VIDEOBOT_MAX_JOBS_PER_USER=JOBS, **NO_LIMITS, **env
            ) as (app, channel),
        ):
            chat = Chat(app, "bench", lang="en")
            for number in range(JOBS):
                await chat.say(f"make a video of lantern number {number}")
            await chat.settle(120)
            finished = sum(1 for reply in channel.of("bench") if reply.kind.value == "link")
            jobs = await app.jobs.recent(user_key="cli:bench", limit=JOBS)
            return request_count(fakes[name]), finished, floor(name, fakes[name], jobs)


def generation_s(fake: object) -> float:
    """How long the fake takes to finish a task, in real seconds (its configured timings)."""
    timings = getattr(fake, "timings", None)  # IMA: queued, processing, then an empty URL a moment
    if timings is not None:
        return float(timings.queued_s + timings.processing_s + timings.empty_url_s)
    queued = getattr(fake, "queue_s", getattr(fake, "queued_s", 0.0))
    return float(queued + getattr(fake, "process_s", getattr(fake, "processing_s", 0.0)))


def floor(name: str, fake: object, jobs: list[Job]) -> float:
    """1 create + ceil(T / poll interval) status queries per job (shared ones counted once)."""
    if name in SYNCHRONOUS:
        return float(len(jobs))
    virtual_s = generation_s(fake) / SCALE
    polls = [math.ceil(virtual_s / job.poll_every_s) for job in jobs]
    shared = max(polls, default=0) if name in SHARED_POLLS else sum(polls)
    return len(jobs) + shared


async def main() -> None:
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # skipped (coalesced) ticks are by design
    print(f"{JOBS} jobs at once per provider, time scale {SCALE}:")
    for name in PROVIDERS:
        requests, finished, least = await measure(name)
        per_job = requests / finished if finished else float("nan")
        print(
            f"  {name:<13} {per_job:5.2f} requests per finished job ({finished}/{JOBS} finished); "
            f"floor about {least / max(finished, 1):4.2f} (model lists come on top)"
        )


if __name__ == "__main__":
    asyncio.run(main())
