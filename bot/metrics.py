"""``GET /metrics`` in the Prometheus text format, and the event loop's lag.

The counters and histograms live beside what they count (:mod:`providers.metering`,
:mod:`handlers.metering`) in prometheus-client's default registry; what the ledger holds (jobs by
state, the queue, credits charged by provider) is read from it on each scrape, so it is the same from
every process and survives restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.webserver import WebServer
from handlers.jobs import JobState, JobStore, LedgerFigures

LAG_EVERY_S = 0.25
LOOP_LAG = Histogram(
    "videobot_event_loop_lag_seconds",
    "How much later than asked a short sleep on the event loop wakes up",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
LAST_LAG = Gauge("videobot_event_loop_lag_last_seconds", "The event loop's lag at the last check")


class LedgerFiguresCollector(Collector):
    """The ledger's figures as of the last scrape (set just before the registry is rendered)."""

    def __init__(self) -> None:
        self.figures = LedgerFigures({}, {})

    def collect(self) -> Iterator[GaugeMetricFamily]:
        jobs = GaugeMetricFamily("videobot_jobs", "Jobs in the ledger, by state", labels=["state"])
        for state in JobState:
            jobs.add_metric([state.value], self.figures.jobs_by_state.get(state.value, 0))
        yield jobs
        yield GaugeMetricFamily(
            "videobot_queued_jobs",
            "Jobs waiting in their user's queue",
            value=self.figures.jobs_by_state.get(JobState.QUEUED.value, 0),
        )
        charged = GaugeMetricFamily(
            "videobot_credits_charged",
            "Credits charged by provider, over the jobs the ledger keeps (VIDEOBOT_JOB_RETENTION_DAYS)",
            labels=["provider", "unit"],
        )
        for (provider, unit), credits in sorted(self.figures.charged.items()):
            charged.add_metric([provider, unit], credits)
        yield charged


LEDGER = LedgerFiguresCollector()
REGISTRY.register(LEDGER)


class Metrics:
    """Serves ``/metrics`` from ``jobs`` and watches the event loop while mounted."""

    def __init__(self, jobs: JobStore) -> None:
        self._jobs = jobs
        self._watch: asyncio.Task[None] | None = None

    def mount(self, server: WebServer) -> None:
        server.add_route("GET", "/metrics", self.scrape)
        self._watch = asyncio.create_task(watch_loop_lag(), name="loop-lag")

    async def aclose(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch

    async def scrape(self, _: web.Request) -> web.Response:
        LEDGER.figures = await self._jobs.figures()
        return web.Response(body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST})


last = 0.0  # seconds: the lag at the last check (the console shows it)


async def watch_loop_lag(every_s: float = LAG_EVERY_S) -> None:
    global last
    while True:
        began = time.perf_counter()
        await asyncio.sleep(every_s)
        last = max(0.0, time.perf_counter() - began - every_s)
        LOOP_LAG.observe(last)
        LAST_LAG.set(last)
