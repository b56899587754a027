"""The job ledger's costs on a temp file: one job transition (a save), and loading 1,000 unfinished jobs.

Run: ``.venv/bin/python bench/ledger.py``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.budgets import Budget, Charge, Limits
from handlers.jobs import Job
from handlers.ledger import SqliteJobStore
from providers.types import ImageInput
from tests.handlers.ledger.factory import SUCCESS, make_job

JOBS = 1_000
RUNNING = SUCCESS[:4]  # quoted, notified, submitting, running: what a restart resumes


def new_job(number: int, images: tuple[ImageInput, ...] = ()) -> Job:
    """Job ``number`` of one of 50 users (the ledger's indexes see many users)."""
    return make_job(number, user=f"user{number % 50}", images=images)


async def timed(call: Callable[[], Awaitable[object]]) -> float:
    """Seconds one awaited call took."""
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


async def bench_transitions(store: SqliteJobStore) -> tuple[list[float], list[float]]:
    """Seconds per admission (block, pause, the user's limit and the budgets checked, the job and its
    reservation recorded, in one transaction) and per later transition (a save)."""
    admissions: list[float] = []
    costs: list[float] = []
    budget = Budget(Limits(user_day=10**9, user_month=10**9, chat_day=10**9, chat_month=10**9, job=10**9))
    for number in range(JOBS):
        job = new_job(number)
        job.cost = 40_000
        charge = Charge(
            user=job.user_key, chat="cli:room", millicents=job.cost, at=job.created_at, budget=budget
        )
        admissions.append(await timed(partial(store.admit, job, max_working=2, charge=charge)))
        for step in SUCCESS:
            step(job)
            costs.append(await timed(partial(store.save, job)))
    return admissions, costs


async def bench_image_job(store: SqliteJobStore) -> float:
    job = new_job(JOBS * 10, images=(ImageInput(data=bytes(1_000_000), content_type="image/png"),))
    await store.add(job)
    return statistics.mean([await timed(partial(store.save, job)) for _ in range(20)])


async def bench_resume(path: Path) -> tuple[float, float]:
    """Seconds to reopen a ledger of JOBS running jobs, and to load them with ``active()`` (best of 5)."""
    store = await SqliteJobStore.open(path)
    for number in range(JOBS):
        job = new_job(number)
        await store.add(job)
        for step in RUNNING:
            step(job)
            await store.save(job)
    await store.close()
    opens, loads = [], []
    for _ in range(5):
        started = time.perf_counter()
        store = await SqliteJobStore.open(path)
        opens.append(time.perf_counter() - started)
        loads.append(await timed(store.active))
        await store.close()
    return min(opens), min(loads)


async def bench_flow_resume(folder: Path) -> float:
    """Seconds for ``App.resume`` to pick up JOBS running jobs: load them and re-arm their timers."""
    from bot.settings import Settings
    from bot.wiring import build_app

    settings = Settings(_env_file=None, VIDEOBOT_DATA_DIR=folder)
    store = await SqliteJobStore.open(settings.ledger_path)
    for number in range(JOBS):
        job = new_job(number).model_copy(update={"provider": "sandbox"})
        await store.add(job)
        for step in RUNNING:
            step(job)
            await store.save(job)
    await store.close()
    app = build_app(settings)
    await app.prepare()
    app.scheduler.start()
    try:
        started = time.perf_counter()
        resumed = await app.resume({"cli"})
        elapsed = time.perf_counter() - started
    finally:
        app.scheduler.shutdown()
    assert resumed == JOBS
    return elapsed


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "jobs.db"
        store = await SqliteJobStore.open(path)
        admissions, saves = await bench_transitions(store)
        costs = [cost * 1e6 for cost in saves]
        image_save = await bench_image_job(store)
        await store.close()
        p95 = statistics.quantiles(costs, n=20)[-1]
        print(
            f"ledger save (one job transition; {len(costs)} of them, {JOBS} jobs, WAL, synchronous=NORMAL):"
        )
        print(f"  mean {statistics.mean(costs):.0f} µs, p95 {p95:.0f} µs, max {max(costs):.0f} µs")
        admit_us = [cost * 1e6 for cost in admissions]
        print(
            "admission (block, limit and budget checks + record, one transaction): "
            f"mean {statistics.mean(admit_us):.0f} µs, "
            f"p95 {statistics.quantiles(admit_us, n=20)[-1]:.0f} µs"
        )
        print(f"  a job carrying a 1 MB photo (stored once apart from the record): {image_save * 1e3:.1f} ms")
        print(f"  file: {path.stat().st_size / 1e6:.1f} MB for {JOBS + 1} jobs and their history")
        reopen, load = await bench_resume(Path(folder) / "resume.db")
        print(
            f"resume: reopen {reopen * 1e3:.1f} ms; active() loads {JOBS} running jobs in {load * 1e3:.1f} ms"
        )
        resume = await bench_flow_resume(Path(folder) / "app")
        print(f"resume through the flow (load, re-arm poll and progress timers): {resume * 1e3:.0f} ms")


if __name__ == "__main__":
    asyncio.run(main())
