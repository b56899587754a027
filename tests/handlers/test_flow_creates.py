"""Creates that go wrong: refused (retried, backed off), ambiguous (reconciled or uncertain), unreachable."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from handlers.channel import ChatUnreachable
from handlers.creating import CREATE_BACKOFF_S, CreateAttempts
from handlers.inbound import ChatRef
from handlers.jobs import Step
from handlers.timing import TimeScale
from messages.reply import Reply
from providers.errors import (
    AuthError,
    NetworkError,
    ProviderError,
    RateLimitedError,
    UnavailableError,
)
from providers.mythiq import MythiqClient
from providers.sandbox import SandboxProvider
from providers.types import GenerationRequest, Quote, TaskHandle
from tests.fakes.ima import FakeIma, Fault
from tests.fakes.mythiq import FakeMythiq
from tests.fakes.server import serve
from tests.handlers.flow_rig import (
    K,
    Rig,
    S,
    build,
    finished,
    ima_rig,
    job_for,
    kinds,
    replies,
)
from tests.support import FAST, RecordingChannel

# -- the policy --------------------------------------------------------------------------------------------


def test_a_short_rate_limit_is_waited_out_once_then_backoff_then_give_up() -> None:
    attempts = CreateAttempts()
    short = RateLimitedError("429", retry_after=3)
    assert attempts.short_wait(short) == 3 and attempts.short_wait(short) is None
    assert attempts.backoff(short) == CREATE_BACKOFF_S[0]
    assert attempts.backoff(short) == CREATE_BACKOFF_S[1]
    assert attempts.backoff(short) is None  # three tries in all
    attempts.moved()
    assert attempts.short_wait(short) == 3  # a new provider: waited out once more


def test_a_rate_limit_without_retry_after_backs_off_and_a_long_one_is_not_waited() -> None:
    assert CreateAttempts().short_wait(RateLimitedError("429")) is None
    assert CreateAttempts().backoff(RateLimitedError("429")) == CREATE_BACKOFF_S[0]  # never at once
    assert CreateAttempts().backoff(RateLimitedError("429", retry_after=40)) == 40
    assert CreateAttempts().backoff(RateLimitedError("429", retry_after=600)) is None


@pytest.mark.parametrize("error", [AuthError("401"), UnavailableError("gone", before_task=False)])
def test_only_refusals_worth_it_are_retried_or_failed_over(error: ProviderError) -> None:
    if error.before_task:
        assert CreateAttempts().backoff(error) is None and CreateAttempts.may_fail_over(error)
    else:
        assert not CreateAttempts.may_fail_over(error)


# -- refused creates on one provider -----------------------------------------------------------------------


@asynccontextmanager
async def fast_ima(
    tmp_path: Path, fake: FakeIma, channel: RecordingChannel | None = None
) -> AsyncIterator[Rig]:
    async with ima_rig(tmp_path, fake, TimeScale(FAST), live=True, channel=channel) as rig:
        yield rig


@pytest.mark.parametrize("fault", [Fault.UNAVAILABLE, Fault.RATE_LIMITED])
async def test_one_refused_create_on_a_single_provider_is_tried_again(tmp_path: Path, fault: Fault) -> None:
    fake = FakeIma()
    fake.retry_after_s = None  # a 429 without Retry-After backs off rather than hammering
    fake.inject("create", fault)
    async with fast_ima(tmp_path, fake) as rig:
        job = await job_for(rig)
        assert (await rig.flow.admit(job, max_working=9)).admitted
        job = await finished(rig, job.id)
    assert job.state is S.DELIVERED and len(fake.calls("create")) == 2
    assert kinds(rig)[0] is K.NOTICE and K.FAILURE not in kinds(rig)


async def test_a_create_refused_three_times_fails_with_the_reason(tmp_path: Path) -> None:
    fake = FakeIma()
    fake.inject("create", Fault.UNAVAILABLE, 3)
    async with fast_ima(tmp_path, fake) as rig:
        job = await job_for(rig)
        assert (await rig.flow.admit(job, max_working=9)).admitted
        job = await finished(rig, job.id)
    assert job.state is S.FAILED and len(fake.calls("create")) == 3
    assert kinds(rig) == [K.NOTICE, K.FAILURE]


# -- ambiguous creates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("keyword", ["ima-lost-answer", "ima-gateway-504"])
async def test_an_ambiguous_create_on_ima_is_uncertain_and_never_sent_again(
    tmp_path: Path, keyword: str
) -> None:
    fake = FakeIma()
    async with fast_ima(tmp_path, fake) as rig:
        job = await job_for(rig, f"a red kite {keyword}")
        assert (await rig.flow.admit(job, max_working=9)).admitted
        job = await finished(rig, job.id)
    assert job.state is S.UNCERTAIN and job.handle is None
    assert len(fake.calls("create")) == 1 and len(fake.tasks) == 1  # it exists, and is paid for
    assert kinds(rig) == [K.NOTICE, K.FAILURE] and job.delivered == {Step.NOTICE, Step.UNCERTAIN}
    text = replies(rig)[-1].text
    assert "may already have been ordered and charged" in text and "whoever runs this bot" in text
    assert not replies(rig)[-1].buttons  # no "retry" to pay twice with


class LossySandbox(SandboxProvider):
    """The sandbox behind a network that loses the create's answer: after creating, or before."""

    def __init__(self, output_dir: Path, *, created: bool) -> None:
        super().__init__(output_dir=output_dir, time_scale=FAST)
        self.created = created
        self.creates = 0
        self.lookups = 0

    async def submit(self, quote: Quote, request: GenerationRequest, *, key: str | None = None) -> TaskHandle:
        self.creates += 1
        if self.creates == 1:
            if self.created:
                await super().submit(quote, request, key=key)
            raise NetworkError("POST /create: ReadTimeout", before_task=False)
        return await super().submit(quote, request, key=key)

    async def find_task(
        self, quote: Quote, request: GenerationRequest, *, key: str, since: object
    ) -> TaskHandle | None:
        self.lookups += 1
        return await super().find_task(quote, request, key=key, since=since)  # type: ignore[arg-type]


@pytest.mark.parametrize("created", [True, False], ids=["created", "never-arrived"])
async def test_an_ambiguous_create_is_reconciled_by_a_provider_that_can_look(
    tmp_path: Path, created: bool
) -> None:
    provider = LossySandbox(tmp_path / "videos", created=created)
    rig = build([provider], tmp_path, TimeScale(FAST))
    rig.scheduler.start()
    try:
        job = await job_for(rig, key="kling-o1")
        assert (await rig.flow.admit(job, max_working=9)).admitted
        job = await finished(rig, job.id)
    finally:
        rig.scheduler.shutdown()
        await provider.aclose()
        await rig.jobs.close()
    assert job.state is S.DELIVERED and provider.lookups == 1
    assert provider.creates == (1 if created else 2)  # sent again only once proven absent
    assert len(list((tmp_path / "videos" / "tasks").glob("*.json"))) == 1  # one task, one payment
    assert kinds(rig)[0] is K.NOTICE and kinds(rig)[-2:] == [K.VIDEO, K.LINK]


# -- a chat we cannot reach --------------------------------------------------------------------------------


class GoneChat(RecordingChannel):
    """The bot was removed from the chat: every send is refused for good."""

    async def send(self, chat: ChatRef, reply: Reply, *, replace: str | None = None) -> str | None:
        await super().send(chat, reply, replace=replace)
        raise ChatUnreachable("230002 bot not in the chat")


async def test_nothing_is_ordered_for_a_chat_that_refuses_the_notice(tmp_path: Path) -> None:
    fake = FakeIma()
    async with fast_ima(tmp_path, fake, GoneChat()) as rig:
        job = await job_for(rig)
        assert (await rig.flow.admit(job, max_working=9)).admitted
        job = await finished(rig, job.id)
    assert job.state is S.UNREACHABLE and not fake.calls("create") and job.quote is not None
    assert kinds(rig) == [K.NOTICE]  # tried once, never flooded


async def test_work_lost_after_the_deadline_is_found_again_by_the_late_check(tmp_path: Path) -> None:
    fake = FakeMythiq(delay_s=1.5)  # our request gives up first; MythIQ finishes the video anyway
    async with serve(fake.app()) as url:
        client = MythiqClient("mythiq_test_key", base_url=f"{url}/v1", request_timeout_s=0.4)
        rig = build([client], tmp_path, TimeScale(FAST))
        rig.scheduler.start()
        try:
            job = await job_for(rig, key="wan-2.6", timeout_s=60)  # 0.12 s real, then the late check
            assert (await rig.flow.admit(job, max_working=9)).admitted
            job = await finished(rig, job.id)
        finally:
            rig.scheduler.shutdown()
            await client.aclose()
            await rig.jobs.close()
    assert job.state is S.DELIVERED and len(fake.generations) == 1
    shown = [kind for kind in kinds(rig) if kind is not K.PROGRESS]
    assert shown == [K.NOTICE, K.FAILURE, K.TEXT, K.VIDEO, K.LINK]  # timed out, then "after all"
    assert job.delivered >= {Step.FAILURE, Step.LATE_NOTE}
