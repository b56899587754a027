"""The conversation's and the flow's own figures, for ``/metrics`` (prometheus-client's default registry):
messages heard per platform, provider errors by kind, and how late the progress and poll timers run.

Figures that the ledger holds (jobs by state, the queue, money charged) are read from it when
``/metrics`` is asked (:mod:`bot.metrics`), so they hold across restarts and instances.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from providers.errors import ErrorKind

INBOUND = Counter("videobot_inbound_messages", "Messages and taps heard, by platform", ["platform"])
PROVIDER_ERRORS = Counter(
    "videobot_provider_errors",
    "Provider errors met by jobs, by provider, operation (create, poll) and error kind",
    ["provider", "operation", "kind"],
)
TICK_LATENESS = Histogram(
    "videobot_tick_lateness_seconds",
    "How late a job's progress or poll timer started after it was due",
    ["timer"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def heard(platform: str) -> None:
    INBOUND.labels(platform).inc()


def provider_error(provider: str, operation: str, kind: ErrorKind) -> None:
    PROVIDER_ERRORS.labels(provider, operation, kind.value).inc()


def tick_started(timer: str, late_s: float) -> None:
    TICK_LATENESS.labels(timer).observe(max(0.0, late_s))
