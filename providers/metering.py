"""What every provider's HTTP traffic looks like, for ``/metrics`` (prometheus-client's default registry).

Counted where every request passes (:class:`providers.http.BoundedClient`): requests and their outcome
(the HTTP status class, or the transport error), and their latency, by provider.
"""

from __future__ import annotations

import httpx
from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "videobot_provider_requests", "HTTP requests sent to providers, by outcome", ["provider", "outcome"]
)
LATENCY = Histogram(
    "videobot_provider_request_seconds",
    "Time from sending a provider request to its response headers",
    ["provider"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)


def outcome_of(response: httpx.Response | None, error: BaseException | None) -> str:
    """``2xx`` ... ``5xx``, or the transport error: ``timeout``, ``network``, ``other``."""
    if response is not None:
        return f"{response.status_code // 100}xx"
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    if isinstance(error, httpx.TransportError):
        return "network"
    return "other"


def observe(
    provider: str, seconds: float, response: httpx.Response | None, error: BaseException | None
) -> None:
    REQUESTS.labels(provider, outcome_of(response, error)).inc()
    LATENCY.labels(provider).observe(seconds)
