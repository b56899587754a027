"""``/metrics``: the Prometheus text format, read back with prometheus-client's own parser, moving when
a job runs (messages heard, provider requests and latency, jobs by state, credits charged, timers'
lateness, the event loop's lag) and counting provider errors by kind."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.bot.test_chat_providers import providers
from tests.bot.web.support import Page, running_web, settled
from tests.fakes.ima_tasks import Fault

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(base: str) -> Samples:
    async with httpx.AsyncClient() as client:
        answer = await client.get(base + "/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_move_when_a_job_runs_at_a_real_provider(tmp_path: Path) -> None:
    async with providers("ima") as (_, env), running_web(tmp_path, **env) as (app, server):
        before = await scrape(server.url)
        async with Page.opened(server.url) as page:
            await page.say("make a video of a paper boat on a pond")
            await page.until(lambda: page.bot("link"), timeout_s=30)
        await settled(app)
        await asyncio.sleep(0.3)  # one turn of the loop-lag watch
        after = await scrape(server.url)
    assert value(after, "videobot_inbound_messages_total", platform="web") == (
        value(before, "videobot_inbound_messages_total", platform="web") + 1
    )
    requests = ("videobot_provider_requests_total", {"provider": "ima", "outcome": "2xx"})
    assert value(after, requests[0], **requests[1]) > value(before, requests[0], **requests[1])
    assert value(after, "videobot_provider_request_seconds_count", provider="ima") > value(
        before, "videobot_provider_request_seconds_count", provider="ima"
    )
    assert value(after, "videobot_jobs", state="delivered") == 1 and value(after, "videobot_queued_jobs") == 0
    assert value(after, "videobot_credits_charged", provider="ima", unit="pts") > 0  # IMA counts points
    assert value(after, "videobot_tick_lateness_seconds_count", timer="poll") > 0
    assert value(after, "videobot_event_loop_lag_seconds_count") > value(
        before, "videobot_event_loop_lag_seconds_count"
    )


async def test_provider_errors_are_counted_by_kind(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_web(tmp_path, **env) as (app, server):
        fakes["ima"].inject("create", Fault.UNAUTHORIZED)
        before = await scrape(server.url)
        async with Page.opened(server.url) as page:
            await page.say("make a video of a paper boat on a pond")
            await page.until(lambda: page.bot("failure"), timeout_s=30)
        await settled(app)
        after = await scrape(server.url)
    labels = {"provider": "ima", "operation": "create", "kind": "auth"}
    assert value(after, "videobot_provider_errors_total", **labels) == (
        value(before, "videobot_provider_errors_total", **labels) + 1
    )
    assert value(after, "videobot_jobs", state="failed") == 1
