"""60 task queries a minute per IP: the shared limiter, Retry-After, batching under load."""

from __future__ import annotations

import asyncio
import time

from providers.aivideomaker import AivideomakerClient
from providers.errors import RateLimitedError
from providers.types import TaskHandle, TaskState, TaskStatus
from tests.fakes.aivideomaker import FakeAivideomaker
from tests.fakes.server import serve
from tests.providers.aivideomaker.conftest import KEY, SCALE, start, text_request


async def test_retry_after_pauses_every_query(client: AivideomakerClient, fake: FakeAivideomaker) -> None:
    handles = [await start(client, text_request()) for _ in range(2)]
    fake.rate_limit_next(retry_after=30)  # virtual seconds: 0.3 s here
    try:
        await client.poll(handles[0])
    except RateLimitedError as error:
        assert error.retry_after == 30.0 and not error.before_task
    else:
        raise AssertionError("429 not raised")
    limited_at = fake.query_times[-1]
    statuses = await asyncio.gather(*(client.poll(handle) for handle in handles))
    assert all(isinstance(status, TaskStatus) for status in statuses)
    assert fake.query_times[-1] - limited_at >= 30 * SCALE
    assert len(fake.query_times) == 2  # the pause then one list call for both


async def test_429_without_retry_after_pauses_a_window(
    client: AivideomakerClient, fake: FakeAivideomaker
) -> None:
    handle = await start(client, text_request())
    fake.answer_next(429, {"status": "FAILED", "message": "Too many requests"}, scope="query")
    try:
        await client.poll(handle)
    except RateLimitedError as error:
        assert error.retry_after is None
    began = time.monotonic()
    await client.poll(handle)
    assert time.monotonic() - began >= 60 * SCALE * 0.9


async def test_polls_beyond_the_limit_wait_instead_of_429(fake: FakeAivideomaker, base_url: str) -> None:
    fake.queued_s, fake.rate_limit = 10.0, 10  # a server allowing 10 a minute, a client told so
    async with AivideomakerClient(
        api_key=KEY, base_url=base_url, time_scale=SCALE, max_query_per_minute=10
    ) as client:
        handle = await start(client, text_request())
        began = time.monotonic()
        for _ in range(15):
            assert (await client.poll(handle)).state is TaskState.QUEUED
    assert time.monotonic() - began >= 60 * SCALE  # the 11th waited for the window
    assert fake.rate_limited == 0 and fake.max_queries_in_window() <= 10


async def test_the_fake_answers_429_to_a_greedy_client(fake: FakeAivideomaker, base_url: str) -> None:
    fake.queued_s, fake.rate_limit = 10.0, 5
    async with AivideomakerClient(api_key=KEY, base_url=base_url, time_scale=SCALE) as greedy:
        handle = await start(greedy, text_request())
        for _ in range(5):
            await greedy.poll(handle)
        try:
            await greedy.poll(handle)
        except RateLimitedError as error:
            assert error.retry_after is not None and 1 <= error.retry_after <= 60
        else:
            raise AssertionError("the fake let a 6th query through")
        assert fake.rate_limited == 1
        began = time.monotonic()
        await greedy.poll(handle)  # waits out the Retry-After, then gets through
        assert fake.rate_limited == 1 and time.monotonic() - began >= 0.5 * SCALE


async def test_hundred_jobs_polled_concurrently_stay_under_the_limit() -> None:
    scale = 0.02  # a minute lasts 1.2 s
    fake = FakeAivideomaker(api_keys=(KEY,), queued_s=0.4, processing_s=0.8, time_scale=scale)
    polls = 0

    async def follow(client: AivideomakerClient, handle: TaskHandle) -> TaskStatus:
        nonlocal polls
        while True:
            polls += 1
            status = await client.poll(handle)
            if status.done:
                return status
            await asyncio.sleep(0.01)

    async with (
        serve(fake.app()) as url,
        AivideomakerClient(api_key=KEY, base_url=url, time_scale=scale) as client,
    ):
        handles = await asyncio.gather(*(start(client, text_request(f"scene {n}")) for n in range(100)))
        statuses = await asyncio.gather(*(follow(client, handle) for handle in handles))

    assert len(statuses) == 100
    assert all(s.state is TaskState.SUCCEEDED and s.video_url for s in statuses)
    assert fake.rate_limited == 0
    assert fake.max_queries_in_window() <= 60
    assert max(fake.queries_per_minute().values()) <= 60
    assert polls >= 10 * len(fake.query_times)  # one list call answers many polls
