"""Fixtures shared by the flow tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from handlers.scheduling import JobScheduler
from handlers.timing import TimeScale
from tests.fakes.ima import FakeIma
from tests.handlers.flow_rig import Clock, Manual, ima_rig


@pytest.fixture
async def manual(tmp_path: Path) -> AsyncIterator[Manual]:
    """The fake's task is queued 10 s, processing 100 s, finished at 120 s (all on the hand clock)."""
    clock = Clock()
    fake = FakeIma(clock=clock.ima, queued_s=10, processing_s=100, empty_url_s=10)
    async with ima_rig(tmp_path, fake, TimeScale(1.0, now=clock), live=False) as rig:
        yield Manual(rig, fake, clock)


TIMER_SCALE = 0.001  # the timer tests: 1 virtual second = 1 ms


@pytest.fixture
async def scheduler() -> AsyncIterator[JobScheduler]:
    """A started job scheduler at :data:`TIMER_SCALE`, shut down after the test."""
    scheduler = JobScheduler(TimeScale(TIMER_SCALE))
    scheduler.start()
    try:
        yield scheduler
    finally:
        scheduler.shutdown()
