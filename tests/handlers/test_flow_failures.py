"""The flow's failures: translated reasons, timeouts, poll errors, broken channels, our own bugs."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.flow import GenerationFlow
from handlers.jobs import Step
from handlers.polling import LATE_CHECK_FOR_S, POLL_BACKOFF_MAX_S
from handlers.scheduling import Kind
from handlers.timing import TimeScale
from providers.errors import ErrorKind
from providers.sandbox import SandboxProvider
from tests.fakes.ima import DEFAULT_KEY, FakeIma, Fault
from tests.fakes.ima_tasks import Timings
from tests.handlers.flow_rig import (
    T2V,
    BrokenChannel,
    K,
    Manual,
    S,
    finished,
    ima_rig,
    job_for,
    kinds,
    poll_times,
    reason,
    replaced,
    replies,
    sandbox_rig,
    started,
    stored,
    until,
)
from tests.support import FAST

# -- polling: failures -------------------------------------------------------------------------------------


async def test_a_failed_task_gives_the_reason_and_alternatives_with_retry_buttons(manual: Manual) -> None:
    rig, clock = manual.rig, manual.clock
    job = await started(rig, "a kite ima-fail")
    clock.advance(150)
    await rig.flow.poll(job.id)
    job = await stored(rig, job.id)
    assert job.state is S.FAILED and job.error_kind is ErrorKind.GENERATION_FAILED
    assert job.delivered == {Step.NOTICE, Step.FAILURE} and rig.scheduler.watched() == set()
    assert kinds(rig) == [K.NOTICE, K.FAILURE] and replaced(rig, K.FAILURE) == ["msg-1"]
    failure = replies(rig)[-1]
    assert failure.job_id == job.id and reason(ErrorKind.GENERATION_FAILED) in failure.text
    assert len(failure.buttons) == 2
    for button in failure.buttons:
        assert button.action == "retry" and button.job_id == job.id
        assert button.model_key not in (None, "wan-2.6") and button.label.startswith("Retry with ")
        entry = await rig.catalogue.entry(str(button.model_key), T2V)
        assert entry is not None and entry.name in failure.text


async def test_a_task_still_running_past_its_deadline_times_out_into_the_late_check(manual: Manual) -> None:
    rig, clock, fake = manual.rig, manual.clock, manual.fake
    fake.timings = Timings(queued_s=10, processing_s=100_000, empty_url_s=10)
    job = await started(rig, timeout_s=300)
    clock.advance(300)
    await rig.flow.poll(job.id)  # at the deadline: still waiting
    assert (await stored(rig, job.id)).state is S.RUNNING
    clock.advance(1)
    await rig.flow.poll(job.id)
    job = await stored(rig, job.id)
    assert job.state is S.LATE and job.error_kind is ErrorKind.TIMEOUT and not job.working
    assert len(fake.calls("detail")) == 2  # the provider is asked first: it might just have finished
    assert kinds(rig) == [K.NOTICE, K.FAILURE] and reason(ErrorKind.TIMEOUT) in replies(rig)[-1].text
    assert replaced(rig, K.FAILURE) == ["msg-1"]
    assert rig.scheduler.timers_of(job.id) == {Kind.POLL}  # no more progress
    clock.advance(LATE_CHECK_FOR_S)
    await rig.flow.poll(job.id)  # the provider keeps results no longer: given up, nothing more said
    job = await stored(rig, job.id)
    assert job.state is S.FAILED and job.error_kind is ErrorKind.TIMEOUT
    assert kinds(rig) == [K.NOTICE, K.FAILURE] and rig.scheduler.watched() == set()


async def test_a_video_that_turns_up_in_the_late_check_is_delivered_with_a_note(manual: Manual) -> None:
    rig, clock = manual.rig, manual.clock
    job = await started(rig, timeout_s=100)  # the fake's task finishes at 120 s
    clock.advance(101)
    await rig.flow.poll(job.id)
    assert (await stored(rig, job.id)).state is S.LATE
    clock.advance(300)
    await rig.flow.poll(job.id)
    job = await stored(rig, job.id)
    assert job.state is S.DELIVERED and job.error_kind is None
    assert job.delivered == {Step.NOTICE, Step.FAILURE, Step.LATE_NOTE, Step.VIDEO, Step.LINK}
    assert kinds(rig) == [K.NOTICE, K.FAILURE, K.TEXT, K.VIDEO, K.LINK]
    assert "finished after all" in replies(rig)[2].text and "a kite over the sea" in replies(rig)[2].text
    assert replaced(rig, K.VIDEO) == [None]  # the failure card stays; the video comes new


async def test_a_poll_error_past_the_deadline_is_a_timeout_and_the_late_check(manual: Manual) -> None:
    rig, clock, fake = manual.rig, manual.clock, manual.fake
    job = await started(rig, timeout_s=100)
    clock.advance(101)
    fake.inject("detail", Fault.UNAVAILABLE)
    await rig.flow.poll(job.id)
    job = await stored(rig, job.id)
    assert job.state is S.LATE and job.error_kind is ErrorKind.TIMEOUT


async def test_a_five_minute_burst_of_poll_errors_is_ridden_out_with_backoff(manual: Manual) -> None:
    rig, clock, fake = manual.rig, manual.clock, manual.fake
    fake.timings = Timings(queued_s=10, processing_s=600, empty_url_s=10)
    job = await started(rig, timeout_s=1200)
    fake.inject("detail", Fault.UNAVAILABLE, 12)
    waits = []
    for _ in range(12):
        await rig.flow.poll(job.id)
        job = await stored(rig, job.id)
        waits.append(rig.flow._backoff._until[job.id] - clock.at)
        await rig.flow.poll(job.id)  # backing off: the provider is not asked
        clock.advance(waits[-1].total_seconds())
    assert len(fake.calls("detail")) == 12 and job.state is S.RUNNING and job.poll_failures == 12
    seconds = [w.total_seconds() for w in waits]
    assert (
        seconds[0] == job.poll_every_s and seconds == sorted(seconds) and max(seconds) == POLL_BACKOFF_MAX_S
    )
    clock.advance(600)
    await rig.flow.poll(job.id)
    job = await stored(rig, job.id)
    assert job.state is S.DELIVERED and K.FAILURE not in kinds(rig)


@pytest.mark.parametrize(
    "faults",
    [
        [Fault.RATE_LIMITED] * 3 + [Fault.UNAVAILABLE] * 2 + [Fault.MALFORMED, Fault.WRONG_SHAPE],
        [Fault.UNAUTHORIZED],
        [Fault.INSUFFICIENT_POINTS, Fault.SERVER_ERROR],
    ],
    ids=["transient", "401", "4008-500"],
)
async def test_no_poll_error_ends_a_task_that_exists(
    manual: Manual, faults: list[Fault], caplog: pytest.LogCaptureFixture
) -> None:
    rig, clock, fake = manual.rig, manual.clock, manual.fake
    job = await started(rig, timeout_s=2000)
    for fault in faults:
        fake.inject("detail", fault)
    for _ in faults:
        await rig.flow.poll(job.id)
        clock.advance(POLL_BACKOFF_MAX_S)
    job = await stored(rig, job.id)
    assert job.state is S.RUNNING and job.poll_failures == len(faults)
    if Fault.UNAUTHORIZED in faults:  # the operator hears of a key problem at once
        assert any(r.levelname == "ERROR" and "auth" in r.getMessage() for r in caplog.records)
    assert DEFAULT_KEY not in caplog.text
    clock.advance(150)
    await rig.flow.poll(job.id)
    job = await stored(rig, job.id)
    assert job.state is S.DELIVERED and job.poll_failures == 0 and K.FAILURE not in kinds(rig)


async def test_a_tick_for_a_job_that_is_not_running_forgets_its_timers(manual: Manual) -> None:
    rig, fake = manual.rig, manual.fake
    fake.inject("create", Fault.INSUFFICIENT_POINTS)
    failed = await started(rig)

    async def idle(job_id: str) -> None:
        return None

    for job_id in (failed.id, "job_unknown"):
        rig.scheduler.watch(job_id, poll_every_s=8, progress_every_s=30, on_poll=idle, on_progress=idle)
        await rig.flow.poll(job_id)
    assert rig.scheduler.watched() == set() and kinds(rig) == [K.NOTICE, K.FAILURE]


# -- on the timers -----------------------------------------------------------------------------------------


async def test_a_job_runs_on_its_timers_to_the_end(tmp_path: Path) -> None:
    async with ima_rig(tmp_path, FakeIma(), TimeScale(FAST), live=True) as rig:
        job = await job_for(rig)
        assert (await rig.flow.admit(job, max_working=100)).admitted
        job = await finished(rig, job.id)
    assert job.state is S.DELIVERED
    assert kinds(rig)[0] is K.NOTICE and kinds(rig)[-2:] == [K.VIDEO, K.LINK]
    assert set(kinds(rig)[1:-2]) <= {K.PROGRESS}
    assert set(replaced(rig, K.PROGRESS)) <= {"msg-1"}


async def test_a_task_that_never_finishes_times_out_on_the_timers(tmp_path: Path) -> None:
    async with ima_rig(tmp_path, FakeIma(processing_s=30), TimeScale(FAST), live=True) as rig:
        job = await job_for(rig, timeout_s=60)  # 0.12 s real
        assert (await rig.flow.admit(job, max_working=100)).admitted
        job = await until(rig, job.id, lambda job: job.state is S.LATE)
    assert job.error_kind is ErrorKind.TIMEOUT
    assert kinds(rig)[-1] is K.FAILURE and "took too long" in replies(rig)[-1].text


async def test_transient_poll_errors_are_ridden_out_on_the_timers(tmp_path: Path) -> None:
    fake = FakeIma()
    fake.inject("detail", Fault.RATE_LIMITED, 3)
    fake.inject("detail", Fault.UNAVAILABLE, 3)
    async with ima_rig(tmp_path, fake, TimeScale(FAST), live=True) as rig:
        job = await job_for(rig)
        assert (await rig.flow.admit(job, max_working=100)).admitted
        job = await finished(rig, job.id)
    assert job.state is S.DELIVERED and K.FAILURE not in kinds(rig)
    assert len(fake.calls("detail")) > 6


@pytest.mark.parametrize("prompt", ["a kite", "a kite ima-fail"])
@pytest.mark.parametrize("registered", [True, False], ids=["raising", "missing"])
async def test_a_channel_that_fails_never_stops_a_job(tmp_path: Path, prompt: str, registered: bool) -> None:
    broken = BrokenChannel()  # raises on every send; or no channel for the platform at all
    fake = FakeIma()
    async with ima_rig(
        tmp_path, fake, TimeScale(FAST), live=True, channel=broken, register=registered
    ) as rig:
        job = await job_for(rig, prompt)
        assert (await rig.flow.admit(job, max_working=100)).admitted
        job = await finished(rig, job.id)
    failed = "fail" in prompt
    assert job.state is (S.FAILED if failed else S.DELIVERED) and job.status_message_id is None
    expected = {Step.NOTICE, Step.FAILURE} if failed else {Step.NOTICE, Step.VIDEO, Step.LINK}
    assert job.delivered == expected  # shown as far as we could: never sent twice
    if registered:
        assert broken.kinds("alice")[0] is K.NOTICE
        assert broken.kinds("alice")[-1] is (K.FAILURE if failed else K.LINK)


# -- our own bugs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("broken", ["quote", "submit"])
async def test_an_unexpected_error_while_starting_ends_in_a_friendly_failure(
    tmp_path: Path, broken: str
) -> None:
    async with sandbox_rig(tmp_path, broken) as rig:
        job = await job_for(rig, "a kite #fail")
        assert (await rig.flow.admit(job, max_working=100)).admitted
        job = await finished(rig, job.id)
    assert job.state is S.FAILED and job.error_kind is ErrorKind.UNKNOWN
    assert kinds(rig) == ([K.FAILURE] if broken == "quote" else [K.NOTICE, K.FAILURE])
    failure = replies(rig)[-1]
    assert reason(ErrorKind.UNKNOWN) in failure.text and failure.buttons
    for word in ("KeyError", "TypeError", "credit_rules", "NoneType", "Traceback"):
        assert word not in failure.text


async def test_an_unexpected_error_while_polling_counts_as_a_failed_poll(tmp_path: Path) -> None:
    async with sandbox_rig(tmp_path, "poll") as rig:
        job = await started(rig, "a kite #fail")
        await poll_times(rig, job.id, 3)
        job = await stored(rig, job.id)
    assert job.state is S.RUNNING and job.poll_failures == 1  # the others waited out the backoff
    assert kinds(rig) == [K.NOTICE]


async def test_a_running_job_whose_provider_is_gone_ends(manual: Manual, tmp_path: Path) -> None:
    rig, clock = manual.rig, manual.clock
    job = await started(rig)
    sandbox = SandboxProvider(output_dir=tmp_path / "videos")
    restarted = GenerationFlow(
        catalogue=rig.catalogue,
        providers={sandbox.name: sandbox},
        jobs=rig.jobs,
        prefs=rig.prefs,
        outbox=rig.outbox,
        scheduler=rig.scheduler,
        timescale=rig.timescale,
    )
    clock.advance(job.timeout_s + 1)
    await restarted.poll(job.id)
    job = await stored(rig, job.id)
    assert job.state is S.LATE and kinds(rig)[-1] is K.FAILURE  # told: it took too long
    clock.advance(LATE_CHECK_FOR_S)
    await restarted.poll(job.id)
    assert (await stored(rig, job.id)).state is S.FAILED


async def test_a_success_without_a_video_url_still_ends_the_job(tmp_path: Path) -> None:
    async with sandbox_rig(tmp_path, "poll-without-url") as rig:
        job = await started(rig, "a kite #fail")
        await rig.flow.poll(job.id)
        job = await stored(rig, job.id)
    assert job.finished and kinds(rig)[-1] is K.FAILURE


async def test_a_refusal_on_a_poll_of_a_task_that_exists_never_creates_it_again(tmp_path: Path) -> None:
    async with sandbox_rig(tmp_path, "poll-429") as rig:
        job = await started(rig, "a kite")
        await rig.flow.poll(job.id)
        job = await stored(rig, job.id)
    assert job.state is S.RUNNING and job.poll_failures == 1 and job.handle is not None
    assert len(list((tmp_path / "videos" / "tasks").glob("*.json"))) == 1  # one task, never a second
