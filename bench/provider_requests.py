"""Provider requests per finished job, for each provider, against the minimum its API allows.

Runs JOBS text-to-video jobs at once through the whole app (conversation, flow, client) against each
fake provider on 127.0.0.1 and counts the requests the fake saw. Prints figures; asserts nothing.
Run: ``.venv/bin/python bench/provider_requests.py``.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.bot.test_chat_providers import providers
from tests.support import Chat, running_app

JOBS = 20
SCALE = 0.01  # an 8 s poll interval takes 80 ms

# The least the API allows per job: a create, then one status answer (a synchronous API: one call;
# AIVideoMaker: one list query answers every job at once). Model lists are cached, shared by all jobs.
MINIMUM = {
    "ima": "create + 1 detail = 2 (+ the model list once per category)",
    "mediaio": "create + 1 result = 2",
    "aivideomaker": "create + 1 shared list query = 1 + 1/N",
    "aims": "1 synchronous call (+ the model list once)",
    "mythiq": "1 synchronous call (+ the model list once)",
}


def request_count(fake: object) -> int:
    requests = getattr(fake, "requests", [])
    return len(requests)


async def measure(name: str) -> tuple[int, int]:
    with tempfile.TemporaryDirectory() as folder:
        async with (
            providers(name) as (fakes, env),
            running_app(Path(folder), VIDEOBOT_TIME_SCALE=SCALE, VIDEOBOT_MAX_JOBS_PER_USER=JOBS, **env) as (
                app,
                channel,
            ),
        ):
            chat = Chat(app, "bench", lang="en")
            for number in range(JOBS):
                await chat.say(f"make a video of lantern number {number}")
            await chat.settle(120)
            finished = sum(1 for reply in channel.of("bench") if reply.kind.value == "link")
            return request_count(fakes[name]), finished


async def main() -> None:
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # skipped (coalesced) ticks are by design
    print(f"{JOBS} jobs at once per provider, time scale {SCALE}:")
    for name in MINIMUM:
        requests, finished = await measure(name)
        per_job = requests / finished if finished else float("nan")
        print(
            f"  {name:<13} {per_job:5.2f} requests per finished job ({finished}/{JOBS} finished); "
            f"minimum: {MINIMUM[name]}"
        )


if __name__ == "__main__":
    asyncio.run(main())
