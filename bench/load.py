"""Load: messages per second from many distinct users, then many jobs in flight, in one process.

The whole app (conversation, flow, ledger, scheduler) runs against the fake IMA on 127.0.0.1 with the
real client over HTTP; the fake runs in its own process, so the figures are the bot's alone. Phase 1
sends RATE messages a second for SECONDS, each from its own user, and prints the time from each
message's arrival to its pre-notification (p50, p99), the CPU it cost and the event loop's lag.
Phase 2 then holds every job in flight for HOLD seconds (the fake's tasks take longer than that) and
prints progress updates sent against those due, their lateness and the loop's lag, and the CPU a
timer tick (a poll or a progress update) costs; phase 1's CPU is then split into the messages' own
share and the share of the ticks of the jobs already in flight. Prints figures;
asserts nothing. Run: ``.venv/bin/python bench/load.py [RATE SECONDS HOLD [USERS]] [--limits]`` (default
50 10 20, each message from its own user; ``200 10 35`` holds 2,000 jobs in flight, ``200 50 35`` 10,000,
and ``200 60 5 2000`` is 200 msg/s for 60 s from 2,000 users).

The per-user limits are lifted unless ``--limits`` is given, so every message makes a job. With
``--limits`` the product's defaults hold (two videos at once per user, three more in line, then "wait
for one to finish"), and what is timed is each message's first answer, whichever it is.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from prometheus_client import REGISTRY

from bench.remote_fake import remote_fake
from bot import eventloop, interpreter
from bot.wiring import App
from handlers.inbound import ChatRef, InboundMessage
from handlers.jobs import JobState
from messages.reply import Reply, ReplyKind
from tests.fakes.ima_tasks import Timings
from tests.support import running_app

FREE: dict[str, Any] = {  # the load is what is measured, not the spending guard
    "VIDEOBOT_BUDGET_USER_DAILY": "none",
    "VIDEOBOT_BUDGET_USER_MONTHLY": "none",
    "VIDEOBOT_BUDGET_CHAT_DAILY": "none",
    "VIDEOBOT_BUDGET_CHAT_MONTHLY": "none",
    "VIDEOBOT_BUDGET_PER_JOB": "none",
    "VIDEOBOT_CONFIRM_ABOVE": "none",
    "VIDEOBOT_MAX_JOBS_PER_USER": "100",  # users send several messages when USERS is given (not --limits)
    "VIDEOBOT_LOG_LEVEL": "ERROR",
}
TICK_S = 0.01  # the loop-lag probe's sleep


class TimedChannel:
    """A chat platform that notes when each reply arrives (and answers at once)."""

    def __init__(self) -> None:
        self.notices: dict[str, float] = {}  # chat (one per message) -> when the pre-notification came
        self.first: dict[str, float] = {}  # chat -> when its first reply of any kind came
        self.started: dict[str, float] = {}  # job id -> when its pre-notification came
        self.progress: list[tuple[str, float]] = []  # (job id, when)
        self.count = 0

    async def send(self, chat: ChatRef, reply: Reply, *, replace: str | None = None) -> str | None:
        now = time.monotonic()
        self.first.setdefault(chat.chat_id, now)
        if reply.kind is ReplyKind.NOTICE:
            self.notices.setdefault(chat.chat_id, now)
            self.started.setdefault(reply.job_id or "", now)
        elif reply.kind is ReplyKind.PROGRESS and reply.job_id:
            self.progress.append((reply.job_id, now))
        self.count += 1
        return replace or f"m{self.count}"


async def loop_lag(lags: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        began = time.monotonic()
        await asyncio.sleep(TICK_S)
        lags.append(time.monotonic() - began - TICK_S)


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) >= 2 else (values or [0.0])[0]


async def send_messages(
    app: App, rate: int, seconds: int, users: int | None = None
) -> tuple[dict[str, float], set[asyncio.Task[None]]]:
    """RATE messages a second for SECONDS from ``users`` users in turn (default: each its own), each
    in its own chat; when each was sent, by chat."""
    sent: dict[str, float] = {}
    handling: set[asyncio.Task[None]] = set()
    began = time.monotonic()
    for number in range(rate * seconds):
        await asyncio.sleep(max(0.0, began + number / rate - time.monotonic()))
        user, chat_id = f"u{number % users if users else number}", f"c{number}"
        chat = ChatRef(platform="load", chat_id=chat_id, user_id=user, lang="en")
        message = InboundMessage(chat=chat, message_id=f"m{number}", text="make a video of a kite")
        sent[chat_id] = time.monotonic()
        task = asyncio.create_task(app.conversation.handle(message))
        handling.add(task)
        task.add_done_callback(handling.discard)
    return sent, handling


async def warm_up(app: App, channel: TimedChannel) -> None:
    """One message first, so one-time costs (imports, the first model list, connections) are not counted."""
    chat = ChatRef(platform="load", chat_id="warm", user_id="warm", lang="en")
    await app.conversation.handle(InboundMessage(chat=chat, message_id="warm", text="make a video of a kite"))
    while "warm" not in channel.notices:
        await asyncio.sleep(0.01)


def ticks() -> float:
    """Timer ticks started so far (polls and progress updates), from /metrics' own figures."""
    return sum(
        REGISTRY.get_sample_value("videobot_tick_lateness_seconds_count", {"timer": timer}) or 0.0
        for timer in ("poll", "progress")
    )


async def phase_one(
    app: App,
    channel: TimedChannel,
    lags: list[float],
    rate: int,
    seconds: int,
    users: int | None,
    limits: bool,
) -> tuple[float, float]:
    """Prints phase 1's figures; returns its CPU seconds and the timer ticks run meanwhile."""
    total = rate * seconds
    await warm_up(app, channel)
    lags.clear()
    cpu_before, threads_before, ticks_before = time.process_time(), thread_cpu(), ticks()
    sent, _handling = await send_messages(app, rate, seconds, users)
    deadline = time.monotonic() + 60
    answered = channel.first if limits else channel.notices
    while len(answered) < total + 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    cpu_s, ticked = time.process_time() - cpu_before, ticks() - ticks_before
    cpu_ms = cpu_s * 1000 / total
    threads = {
        name: (cpu - threads_before.get(name, 0.0)) * 1000 / total for name, cpu in thread_cpu().items()
    }
    waits = [(channel.notices[u] - t) * 1000 for u, t in sent.items() if u in channel.notices]
    print(f"phase 1: {rate} msg/s for {seconds} s from {users or total} users (real IMA client, fake IMA):")
    if limits:
        firsts = [(channel.first[u] - t) * 1000 for u, t in sent.items() if u in channel.first]
        print(
            f"  with the product's per-user limits: first answers {len(firsts)}/{total}, inbound -> first "
            f"answer p50 {p(firsts, 50):.0f} ms, p99 {p(firsts, 99):.0f} ms; {len(waits)} of them "
            "pre-notifications, the rest a place in line or 'wait for one to finish'"
        )
    print(
        f"  pre-notifications {len(waits)}/{total}; inbound -> notice p50 {p(waits, 50):.0f} ms, "
        f"p99 {p(waits, 99):.0f} ms; CPU {cpu_ms:.1f} ms per message; "
        f"loop lag p99 {p([lag * 1000 for lag in lags], 99):.0f} ms"
    )
    shares = ", ".join(f"{name} {ms:.1f} ms" for name, ms in sorted(threads.items(), key=lambda t: -t[1]))
    print(f"  CPU per message by thread: {shares}")
    return cpu_s, ticked


def thread_cpu() -> dict[str, float]:
    """CPU seconds so far of each live thread, by kind: the event loop, the ledger's worker, the rest."""
    found: dict[str, float] = {}
    for thread in threading.enumerate():
        if thread.ident is None:
            continue
        try:
            seconds = time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
        except (OSError, ProcessLookupError):
            continue
        kind = "event loop" if thread is threading.main_thread() else thread.name.split("_")[0].split("-")[0]
        found[kind] = found.get(kind, 0.0) + seconds
    return found


async def phase_two(
    app: App, channel: TimedChannel, lags: list[float], hold: int, first: tuple[float, float], total: int
) -> None:
    lags.clear()
    before, held = len(channel.progress), time.monotonic()
    cpu_before, ticks_before = time.process_time(), ticks()
    await asyncio.sleep(hold)
    made = len(channel.progress) - before  # before the ledger is asked (updates go on meanwhile)
    ticked = ticks() - ticks_before
    tick_ms = (time.process_time() - cpu_before) * 1000 / ticked if ticked else 0.0
    states = Counter(job.state for job in await app.jobs.active())
    running, waiting = sum(states.values()), states[JobState.QUEUED]
    failures = Counter(
        str(job.error_kind) for job in await app.jobs.recent(state=JobState.FAILED, limit=1_000_000)
    )
    failed = ", ".join(f"{count} {kind}" for kind, count in failures.most_common()) or "none"
    due = sum(_due(start, held, held + hold) for start in channel.started.values())
    late = _lateness(channel, since=held)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"phase 2: {running} jobs in flight ({waiting} of them in line) for {hold} s (failed: {failed}):")
    print(
        f"  progress updates sent {made}, due about {due}; lateness p99 {p(late, 99):.0f} ms; "
        f"loop lag p99 {p([lag * 1000 for lag in lags], 99):.0f} ms; peak RSS {rss_mb:.0f} MB"
    )
    cpu_s, ticked_before = first
    own_ms = (cpu_s * 1000 - ticked_before * tick_ms) / total
    print(
        f"  CPU per timer tick (poll or progress update) {tick_ms:.2f} ms, {ticked / hold:.0f} ticks/s; "
        f"so in phase 1 a message's own share was about {own_ms:.1f} ms, the rest the ticks of "
        f"the jobs already in flight ({ticked_before / total:.1f} per message)"
    )


async def main(rate: int, seconds: int, hold: int, users: int | None = None, limits: bool = False) -> None:
    logging.disable(logging.CRITICAL)  # the figures are the output (a shutdown cancels ticks)
    lifted = {"VIDEOBOT_MAX_JOBS_PER_USER"} if limits else set()  # --limits: the product's default
    values = {name: value for name, value in FREE.items() if name not in lifted}
    with tempfile.TemporaryDirectory() as folder:
        timings = Timings(queued_s=1.0, processing_s=seconds + hold + 60, empty_url_s=0)
        with remote_fake("ima", timings) as env:
            async with running_app(Path(folder), **values, **env, VIDEOBOT_TIME_SCALE=1) as (app, _):
                channel = TimedChannel()
                app.outbox.register("load", channel)
                lags: list[float] = []
                stop = asyncio.Event()
                probe = asyncio.create_task(loop_lag(lags, stop))
                first = await phase_one(app, channel, lags, rate, seconds, users, limits)
                await phase_two(app, channel, lags, hold, first, rate * seconds)
                stop.set()
                await probe


EVERY_S = 30  # the default model's progress cadence (Wan 2.6)


def _due(start: float, begin: float, end: float) -> int:
    """Progress updates of a job started at ``start`` due in [begin, end): one every EVERY_S."""
    return max(0, int((end - start) // EVERY_S) - int((begin - start) // EVERY_S))


def _lateness(channel: TimedChannel, since: float) -> list[float]:
    """Milliseconds each update sent after ``since`` came after its due time (notice + k * EVERY_S)."""
    late = []
    for job_id, at in channel.progress:
        start = channel.started.get(job_id)
        if start is not None and at >= since:
            offset = (at - start + EVERY_S / 2) % EVERY_S - EVERY_S / 2  # from the nearest due time
            late.append(max(0.0, offset) * 1000)  # a hair early (the notice is timed on return) is on time
    return late


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("numbers", type=int, nargs="*", metavar="RATE SECONDS HOLD [USERS]")
    parser.add_argument("--limits", action="store_true", help="keep the product's per-user limits")
    args = parser.parse_args()
    rate, seconds, hold, *more = (args.numbers + [50, 10, 20][len(args.numbers) :])[:4]
    interpreter.tune()  # as the videobot command does
    eventloop.run(main(rate, seconds, hold, more[0] if more else None, args.limits))
