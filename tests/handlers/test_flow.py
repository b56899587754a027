"""The generation flow against the fake IMA Studio: steps 1-4, polling, timeouts, progress, bad channels.

Most tests drive the flow by hand: the scheduler is never started, one clock moves both the flow's
protocol time and the fake's task, and the test calls ``poll``/``report_progress`` as the timers would.
The rest run on the timers at the tiny time scale.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from handlers.channel import Outbox
from handlers.flow import MAX_POLL_FAILURES, GenerationFlow
from handlers.inbound import ChatRef
from handlers.jobs import Job, JobState, MemoryJobStore, Step
from handlers.scheduling import JobScheduler
from handlers.timing import TimeScale
from messages import error_reason
from messages.reply import Reply, ReplyKind, Selection
from prefs import PreferenceStore
from providers.base import VideoProvider
from providers.catalogue import Catalogue
from providers.errors import ErrorKind
from providers.ima import ImaClient
from providers.sandbox import SandboxProvider
from providers.types import (
    GenerationRequest,
    Offer,
    Quote,
    TaskHandle,
    TaskState,
    TaskStatus,
    TaskType,
    VideoParams,
)
from tests.fakes.ima import DEFAULT_KEY, FakeIma, Fault, ManualClock
from tests.fakes.ima_tasks import Timings
from tests.fakes.server import serve
from tests.support import FAST, RecordingChannel

K = ReplyKind
S = JobState
T2V = TaskType.TEXT_TO_VIDEO
USER = "user_cli:alice"
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
PERCENT = re.compile(r"… (\d+)%")


class Clock:
    """One hand-moved clock: datetimes for the flow, seconds for the fake IMA."""

    def __init__(self) -> None:
        self.at = T0
        self.ima = ManualClock()

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)
        self.ima.advance(seconds)


class FreshIdChannel(RecordingChannel):
    """A platform that cannot edit: every reply becomes a new message with a new id."""

    async def send(self, chat: ChatRef, reply: Reply, *, replace: str | None = None) -> str | None:
        await super().send(chat, reply, replace=replace)
        return f"new-{len(self.replies)}"


class BrokenChannel(RecordingChannel):
    """Records what it was asked to show, then fails as a platform outage would."""

    async def send(self, chat: ChatRef, reply: Reply, *, replace: str | None = None) -> str | None:
        await super().send(chat, reply, replace=replace)
        raise RuntimeError("the platform is down")


class BuggySandbox(SandboxProvider):
    """The offline sandbox with one call broken by a bug (an exception that is not a ProviderError)."""

    def __init__(self, *, output_dir: Path, broken: str) -> None:
        super().__init__(output_dir=output_dir, time_scale=FAST)
        self.broken = broken

    async def quote(self, request: GenerationRequest, offer: Offer) -> Quote:
        if self.broken == "quote":
            raise KeyError("credit_rules")
        return await super().quote(request, offer)

    async def submit(self, quote: Quote, request: GenerationRequest) -> TaskHandle:
        if self.broken == "submit":
            raise TypeError("'NoneType' object is not subscriptable")
        return await super().submit(quote, request)

    async def poll(self, handle: TaskHandle) -> TaskStatus:
        if self.broken == "poll":
            raise RuntimeError("unexpected answer")
        if self.broken == "poll-without-url":
            return TaskStatus(state=TaskState.SUCCEEDED, progress=100)
        return await super().poll(handle)


@dataclass
class Rig:
    flow: GenerationFlow
    catalogue: Catalogue
    providers: Mapping[str, VideoProvider]
    jobs: MemoryJobStore
    prefs: PreferenceStore
    outbox: Outbox
    channel: RecordingChannel
    scheduler: JobScheduler
    timescale: TimeScale


@dataclass
class Manual:
    rig: Rig
    fake: FakeIma
    clock: Clock


def build(
    providers: list[VideoProvider],
    tmp_path: Path,
    timescale: TimeScale,
    channel: RecordingChannel | None = None,
    *,
    register: bool = True,
) -> Rig:
    """The flow and what it needs; ``register=False`` leaves the chat platform without a channel."""
    catalogue = Catalogue(providers)
    by_name = {p.name: p for p in providers}
    jobs, prefs, outbox = MemoryJobStore(), PreferenceStore(tmp_path / "prefs.json"), Outbox()
    channel = channel or RecordingChannel()
    if register:
        outbox.register("cli", channel)
    scheduler = JobScheduler(timescale)
    flow = GenerationFlow(
        catalogue=catalogue,
        providers=by_name,
        jobs=jobs,
        prefs=prefs,
        outbox=outbox,
        scheduler=scheduler,
        timescale=timescale,
    )
    return Rig(flow, catalogue, by_name, jobs, prefs, outbox, channel, scheduler, timescale)


@asynccontextmanager
async def ima_rig(
    tmp_path: Path,
    fake: FakeIma,
    timescale: TimeScale,
    *,
    live: bool,
    channel: RecordingChannel | None = None,
    register: bool = True,
) -> AsyncIterator[Rig]:
    async with serve(fake.app()) as url:
        client = ImaClient(api_key=DEFAULT_KEY, base_url=url, upload_base_url=url)
        rig = build([client], tmp_path, timescale, channel, register=register)
        if live:
            rig.scheduler.start()
        try:
            yield rig
        finally:
            rig.scheduler.shutdown()
            await client.aclose()


@asynccontextmanager
async def sandbox_rig(tmp_path: Path, broken: str) -> AsyncIterator[Rig]:
    provider = BuggySandbox(output_dir=tmp_path / "videos", broken=broken)
    try:
        yield build([provider], tmp_path, TimeScale(FAST))
    finally:
        await provider.aclose()


@pytest.fixture
async def manual(tmp_path: Path) -> AsyncIterator[Manual]:
    """The fake's task is queued 10 s, processing 100 s, finished at 120 s (all on the hand clock)."""
    clock = Clock()
    fake = FakeIma(clock=clock.ima, queued_s=10, processing_s=100, empty_url_s=10)
    async with ima_rig(tmp_path, fake, TimeScale(1.0, now=clock), live=False) as rig:
        yield Manual(rig, fake, clock)


async def job_for(
    rig: Rig,
    prompt: str = "a kite over the sea",
    *,
    key: str = "wan-2.6",
    selection: Selection = Selection.DEFAULT,
    **fields: Any,
) -> Job:
    entry = await rig.catalogue.entry(key, T2V)
    assert entry is not None
    spec = entry.spec
    values: dict[str, Any] = {
        "inbound_key": f"cli:{uuid.uuid4().hex}",
        "chat": ChatRef(platform="cli", chat_id="alice", user_id="alice", lang="en"),
        "request": GenerationRequest(task_type=T2V, prompt=prompt),
        "provider": entry.provider,
        "offer": entry.offer,
        "family": spec.family,
        "trait": spec.trait,
        "selection": selection,
        "eta": entry.eta,
        "poll_every_s": spec.poll_every_s,
        "progress_every_s": spec.progress_every_s,
        "timeout_s": spec.timeout_s,
    }
    return Job(**{**values, **fields})


async def stored(rig: Rig, job_id: str) -> Job:
    job = await rig.jobs.get(job_id)
    assert job is not None
    return job


async def started(rig: Rig, prompt: str = "a kite over the sea", **fields: Any) -> Job:
    """A job taken by hand through step 1: recorded, quoted, announced and submitted."""
    job = await job_for(rig, prompt, **fields)
    await rig.jobs.add(job)
    await rig.flow.start(job)
    return await stored(rig, job.id)


async def until(rig: Rig, job_id: str, check: Callable[[Job], bool], timeout_s: float = 10.0) -> Job:
    """The job once ``check`` holds (background work runs meanwhile)."""
    async with asyncio.timeout(timeout_s):
        while not check(job := await stored(rig, job_id)):
            await asyncio.sleep(0.005)
    return job


async def finished(rig: Rig, job_id: str) -> Job:
    return await until(rig, job_id, lambda job: job.finished)


async def poll_times(rig: Rig, job_id: str, times: int) -> None:
    for _ in range(times):
        await rig.flow.poll(job_id)


def replies(rig: Rig) -> list[Reply]:
    return [reply for _, reply, _ in rig.channel.replies]


def kinds(rig: Rig) -> list[ReplyKind]:
    return [reply.kind for reply in replies(rig)]


def replaced(rig: Rig, kind: ReplyKind) -> list[str | None]:
    return [replace for _, reply, replace in rig.channel.replies if reply.kind is kind]


def reason(kind: ErrorKind) -> str:
    return error_reason("en", kind)


# -- step 1 ------------------------------------------------------------------------------------------------


async def test_start_quotes_announces_and_submits(manual: Manual) -> None:
    rig = manual.rig
    job = await started(rig)
    assert job.state is S.RUNNING and job.delivered == {Step.NOTICE}
    assert job.started_at == T0 and job.status_message_id == "msg-1"
    assert job.quote is not None and job.quote.credits == 40  # Wan 2.6 at its defaults (1080P, 5 s)
    assert job.handle is not None and job.handle.task_id in manual.fake.tasks
    assert len(manual.fake.calls("create")) == 1
    assert rig.scheduler.watched() == {job.id}
    [notice] = replies(rig)
    assert notice.kind is K.NOTICE and notice.job_id == job.id
    assert "Wan 2.6" in notice.text and "40 pts" in notice.text and "300~420 seconds" in notice.text
    assert [event.state for event in await rig.jobs.history(job.id)][-1] is S.RUNNING


async def test_launch_runs_step_1_in_the_background(manual: Manual) -> None:
    rig = manual.rig
    job = await job_for(rig)
    await rig.flow.launch(job)
    assert await rig.jobs.get(job.id) is not None  # recorded before launch returns
    async with asyncio.timeout(5):
        while (await stored(rig, job.id)).state is not S.RUNNING:
            await asyncio.sleep(0.005)
    assert kinds(rig) == [K.NOTICE]


async def test_an_expensive_default_names_a_cheaper_model(manual: Manual) -> None:
    rig = manual.rig
    await started(rig, key="sora-2-pro", selection=Selection.DEFAULT)
    await started(rig, key="sora-2-pro", selection=Selection.EXPLICIT)
    default, explicit = (reply.text for reply in replies(rig))
    assert "To save credits, you can switch to Wan 2.6" in default
    assert "Wan 2.6" not in explicit and "premium model Sora 2 Pro" in explicit


async def test_a_refused_create_fails_before_a_task_exists(manual: Manual) -> None:
    rig = manual.rig
    manual.fake.inject("create", Fault.INSUFFICIENT_POINTS)
    job = await started(rig)
    assert job.state is S.FAILED and job.error_kind is ErrorKind.INSUFFICIENT_CREDITS and job.handle is None
    assert job.delivered == {Step.NOTICE, Step.FAILURE} and job.finished_at is not None
    assert kinds(rig) == [K.NOTICE, K.FAILURE] and replaced(rig, K.FAILURE) == ["msg-1"]
    assert reason(ErrorKind.INSUFFICIENT_CREDITS) in replies(rig)[-1].text
    assert rig.scheduler.watched() == set()


async def test_a_refused_quote_fails_without_an_announcement(manual: Manual) -> None:
    rig = manual.rig
    asked = GenerationRequest(task_type=T2V, prompt="a kite", params=VideoParams(duration=7))
    job = await started(rig, request=asked)  # Wan 2.6 makes 5, 10 or 15 s
    assert job.state is S.FAILED and job.error_kind is ErrorKind.UNSUPPORTED_PARAMS
    assert job.quote is None and job.delivered == {Step.FAILURE} and kinds(rig) == [K.FAILURE]
    assert replaced(rig, K.FAILURE) == [None]  # no status message to replace
    assert not manual.fake.calls("create")


# -- step 2: progress --------------------------------------------------------------------------------------


async def test_progress_follows_the_formula_and_freezes_at_95(manual: Manual) -> None:
    rig, clock = manual.rig, manual.clock
    job = await started(rig)
    assert job.eta.max_s == 420  # the live estimate
    moments = [0, 105, 210, 380, 415, 420, 600, 1000]
    for moment in moments:
        clock.at = T0 + timedelta(seconds=moment)
        await rig.flow.report_progress(job.id)
    progress = [reply.text for reply in replies(rig) if reply.kind is K.PROGRESS]
    percents = [int(match[1]) for text in progress if (match := PERCENT.search(text))]
    # min(95, floor(elapsed / max * 100)) with max = 420
    assert percents == [0, 25, 50, 90, 95, 95, 95, 95]
    assert [("Almost there" in text) for text in progress] == [False] * 6 + [True] * 2
    assert "Waited 600s, expected at most 420s" in progress[6]
    assert set(replaced(rig, K.PROGRESS)) == {"msg-1"}  # edits the status message
    assert (await stored(rig, job.id)).delivered == {Step.NOTICE}  # progress is not a one-off step


async def test_progress_moves_to_the_newest_message_where_a_platform_cannot_edit(manual: Manual) -> None:
    rig, clock = manual.rig, manual.clock
    channel = FreshIdChannel()
    rig.outbox.register("cli", channel)
    rig.channel = channel
    job = await started(rig)
    assert job.status_message_id == "new-1"
    await rig.flow.report_progress(job.id)
    assert (await stored(rig, job.id)).status_message_id == "new-2"
    clock.advance(150)
    await rig.flow.poll(job.id)
    assert replaced(rig, K.PROGRESS) == ["new-1"] and replaced(rig, K.VIDEO) == ["new-2"]


async def test_no_progress_for_a_job_that_is_not_running(manual: Manual) -> None:
    rig = manual.rig
    manual.fake.inject("create", Fault.INSUFFICIENT_POINTS)
    failed = await started(rig)
    sent = len(rig.channel.replies)
    await rig.flow.report_progress(failed.id)
    await rig.flow.report_progress("job_unknown")
    assert len(rig.channel.replies) == sent


# -- polling: success --------------------------------------------------------------------------------------


async def test_success_delivers_the_video_then_the_link_and_remembers(manual: Manual) -> None:
    rig, clock, fake = manual.rig, manual.clock, manual.fake
    job = await started(rig)
    await rig.flow.poll(job.id)  # queued
    clock.advance(60)
    await rig.flow.poll(job.id)  # processing
    assert (await stored(rig, job.id)).state is S.RUNNING and kinds(rig) == [K.NOTICE]
    clock.advance(90)
    await rig.flow.poll(job.id)
    job = await stored(rig, job.id)
    assert job.state is S.DELIVERED and job.delivered == {Step.NOTICE, Step.VIDEO, Step.LINK}
    assert job.finished_at is not None and rig.scheduler.watched() == set()
    assert kinds(rig) == [K.NOTICE, K.VIDEO, K.LINK]
    video, link = replies(rig)[1:]
    assert replaced(rig, K.VIDEO) == ["msg-1"] and replaced(rig, K.LINK) == [None]
    assert video.video_url == job.video_url and job.video_url and job.video_url.endswith(".mp4")
    assert video.cover_url and video.cover_url.endswith(".jpg") and video.duration_s == 5.0
    assert video.text.startswith("✅ Your video is ready!")
    assert "estimated 300~420s, actual 150s" in video.text and "Credits: 40 pts" in video.text
    assert video.text.endswith("a kite over the sea")
    assert job.video_url in link.text
    saved = await rig.prefs.get(USER, T2V)
    assert saved is not None and (saved.model_key, saved.credit, saved.provider) == ("wan-2.6", 40, "ima")
    assert saved.model_id == "wan2.6-t2v" and saved.last_used == clock.at
    polls = len(fake.calls("detail"))
    await rig.flow.poll(job.id)  # a late tick: nothing more to do
    assert len(fake.calls("detail")) == polls and len(rig.channel.replies) == 3


async def test_the_caption_states_the_credits_actually_sent(manual: Manual) -> None:
    rig, clock, fake = manual.rig, manual.clock, manual.fake
    job = await job_for(rig)  # the live list is cached now at 40 pts
    fake.raise_prices(5)  # ...and the price moves before the create: 6006, re-quote, create again
    await rig.jobs.add(job)
    await rig.flow.start(job)
    job = await stored(rig, job.id)
    assert len(fake.calls("create")) == 2 and job.quote is not None and job.quote.credits == 45
    assert fake.calls("create")[-1].body["parameters"][0]["credit"] == 45
    clock.advance(150)
    await rig.flow.poll(job.id)
    notice, video, _ = replies(rig)
    assert "40 pts" in notice.text
    assert "Credits: 45 pts" in video.text
    saved = await rig.prefs.get(USER, T2V)
    assert saved is not None and saved.credit == 45


async def test_a_one_off_choice_is_not_remembered(manual: Manual) -> None:
    rig, clock = manual.rig, manual.clock
    job = await started(rig, remember=False, selection=Selection.CHEAPEST)
    clock.advance(150)
    await rig.flow.poll(job.id)
    assert (await stored(rig, job.id)).state is S.DELIVERED
    assert await rig.prefs.get(USER, T2V) is None


async def test_a_preference_that_cannot_be_saved_does_not_stop_delivery(
    manual: Manual, tmp_path: Path
) -> None:
    rig, clock = manual.rig, manual.clock
    (tmp_path / "blocker").write_text("a file where a directory should be", encoding="utf-8")
    flow = GenerationFlow(
        catalogue=rig.catalogue,
        providers=rig.providers,
        jobs=rig.jobs,
        prefs=PreferenceStore(tmp_path / "blocker" / "prefs.json"),
        outbox=rig.outbox,
        scheduler=rig.scheduler,
        timescale=rig.timescale,
    )
    job = await job_for(rig)
    await rig.jobs.add(job)
    await flow.start(job)
    clock.advance(150)
    await flow.poll(job.id)
    assert (await stored(rig, job.id)).state is S.DELIVERED and kinds(rig)[-1] is K.LINK


async def test_delivery_resumes_without_repeating_a_step(manual: Manual) -> None:
    rig = manual.rig
    job = await started(rig)
    job.video_url = "https://cdn.example.com/v.mp4"
    job.advance(S.SUCCEEDED)
    job.delivered.add(Step.VIDEO)  # the video went out before a restart; the link did not
    await rig.jobs.save(job)
    await rig.flow.deliver_success(job)
    assert kinds(rig) == [K.NOTICE, K.LINK]
    job = await stored(rig, job.id)
    assert job.state is S.DELIVERED and job.delivered == {Step.NOTICE, Step.VIDEO, Step.LINK}


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


async def test_a_task_still_running_past_its_deadline_times_out(manual: Manual) -> None:
    rig, clock, fake = manual.rig, manual.clock, manual.fake
    fake.timings = Timings(queued_s=10, processing_s=100_000, empty_url_s=10)
    job = await started(rig, timeout_s=300)
    clock.advance(300)
    await rig.flow.poll(job.id)  # at the deadline: still waiting
    assert (await stored(rig, job.id)).state is S.RUNNING
    clock.advance(1)
    await rig.flow.poll(job.id)
    job = await stored(rig, job.id)
    assert job.state is S.FAILED and job.error_kind is ErrorKind.TIMEOUT
    assert len(fake.calls("detail")) == 2  # the provider is asked first: it might just have finished
    assert kinds(rig) == [K.NOTICE, K.FAILURE] and reason(ErrorKind.TIMEOUT) in replies(rig)[-1].text
    assert replaced(rig, K.FAILURE) == ["msg-1"] and rig.scheduler.watched() == set()


async def test_a_task_that_finished_past_the_deadline_is_still_delivered(manual: Manual) -> None:
    rig, clock = manual.rig, manual.clock
    job = await started(rig, timeout_s=100)  # the fake's task finishes at 120 s
    clock.advance(130)
    await rig.flow.poll(job.id)
    assert (await stored(rig, job.id)).state is S.DELIVERED


async def test_a_poll_error_past_the_deadline_is_a_timeout(manual: Manual) -> None:
    rig, clock, fake = manual.rig, manual.clock, manual.fake
    job = await started(rig, timeout_s=100)
    clock.advance(101)
    fake.inject("detail", Fault.UNAVAILABLE)
    await rig.flow.poll(job.id)
    job = await stored(rig, job.id)
    assert job.state is S.FAILED and job.error_kind is ErrorKind.TIMEOUT


async def test_transient_poll_errors_are_ridden_out(manual: Manual) -> None:
    rig, clock, fake = manual.rig, manual.clock, manual.fake
    job = await started(rig)
    first = [Fault.RATE_LIMITED] * 3 + [Fault.UNAVAILABLE] * 2 + [Fault.MALFORMED, Fault.WRONG_SHAPE]
    assert len(first) == MAX_POLL_FAILURES - 1
    for fault in first:
        fake.inject("detail", fault)
    await poll_times(rig, job.id, len(first))
    job = await stored(rig, job.id)
    assert job.state is S.RUNNING and job.poll_failures == MAX_POLL_FAILURES - 1
    await rig.flow.poll(job.id)  # one good answer (queued) clears the count
    assert (await stored(rig, job.id)).poll_failures == 0
    fake.inject("detail", Fault.UNAVAILABLE, MAX_POLL_FAILURES - 1)
    await poll_times(rig, job.id, MAX_POLL_FAILURES - 1)
    assert (await stored(rig, job.id)).state is S.RUNNING
    clock.advance(150)
    await rig.flow.poll(job.id)
    assert (await stored(rig, job.id)).state is S.DELIVERED
    assert K.FAILURE not in kinds(rig)


async def test_too_many_poll_errors_in_a_row_fail_the_job(manual: Manual) -> None:
    rig, fake = manual.rig, manual.fake
    job = await started(rig)
    fake.inject("detail", Fault.UNAVAILABLE, MAX_POLL_FAILURES)
    await poll_times(rig, job.id, MAX_POLL_FAILURES - 1)
    assert (await stored(rig, job.id)).state is S.RUNNING
    await rig.flow.poll(job.id)
    job = await stored(rig, job.id)
    assert job.state is S.FAILED and job.error_kind is ErrorKind.UNAVAILABLE
    assert job.poll_failures == MAX_POLL_FAILURES and rig.scheduler.watched() == set()
    assert kinds(rig) == [K.NOTICE, K.FAILURE] and reason(ErrorKind.UNAVAILABLE) in replies(rig)[-1].text


@pytest.mark.parametrize(
    ("fault", "kind"),
    [(Fault.UNAUTHORIZED, ErrorKind.AUTH), (Fault.INSUFFICIENT_POINTS, ErrorKind.INSUFFICIENT_CREDITS)],
)
async def test_an_error_that_will_not_pass_fails_at_once(
    manual: Manual, fault: Fault, kind: ErrorKind
) -> None:
    rig, fake = manual.rig, manual.fake
    job = await started(rig)
    fake.inject("detail", fault)
    await rig.flow.poll(job.id)
    job = await stored(rig, job.id)
    assert job.state is S.FAILED and job.error_kind is kind and job.poll_failures == 1
    failure = replies(rig)[-1]
    assert failure.kind is K.FAILURE and reason(kind) in failure.text and DEFAULT_KEY not in failure.text


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


# -- resuming after a restart ------------------------------------------------------------------------------


async def recorded(m: Manual, state: JobState, **fields: Any) -> Job:
    """A job as a restart finds it in the store: in ``state``, with what that state implies."""
    rig = m.rig
    job = await job_for(rig, **fields)
    if state is not S.RECEIVED:
        job.quote = await rig.providers["ima"].quote(job.request, job.offer)
    if state in (S.NOTIFIED, S.SUBMITTING):
        job.started_at, job.status_message_id = m.clock.at, "msg-0"
        job.delivered.add(Step.NOTICE)
    job.state = state
    await rig.jobs.add(job)
    return job


async def test_resume_polls_a_running_job_at_once_and_counts_from_its_start(manual: Manual) -> None:
    rig, clock = manual.rig, manual.clock
    job = await started(rig)
    rig.scheduler.forget(job.id)  # the process stopped: its timers are gone
    clock.advance(150)  # the task finished meanwhile
    assert await rig.flow.resume(platforms={"cli"}) == 1
    job = await finished(rig, job.id)
    assert job.state is S.DELIVERED and kinds(rig) == [K.NOTICE, K.VIDEO, K.LINK]
    assert "actual 150s" in replies(rig)[1].text


async def test_resume_watches_a_job_still_running(manual: Manual) -> None:
    rig, clock, fake = manual.rig, manual.clock, manual.fake
    job = await started(rig)
    rig.scheduler.forget(job.id)
    clock.advance(50)
    assert await rig.flow.resume(platforms={"cli"}) == 1
    async with asyncio.timeout(5):
        while not fake.calls("detail"):
            await asyncio.sleep(0.005)
    await rig.flow.report_progress(job.id)  # takes the job's lock: the resumed poll is over
    assert (await stored(rig, job.id)).state is S.RUNNING and rig.scheduler.watched() == {job.id}
    assert kinds(rig) == [K.NOTICE, K.PROGRESS] and "… 11%" in replies(rig)[-1].text  # 50 s of 420


async def test_resume_delivers_a_video_that_finished_while_down(manual: Manual) -> None:
    rig = manual.rig
    job = await started(rig)
    job.video_url = "https://cdn.example.com/v.mp4"
    job.advance(S.SUCCEEDED)
    await rig.jobs.save(job)
    assert await rig.flow.resume(platforms={"cli"}) == 1
    job = await finished(rig, job.id)
    assert job.state is S.DELIVERED and kinds(rig) == [K.NOTICE, K.VIDEO, K.LINK]
    assert replies(rig)[2].text.endswith(job.video_url or "?")


async def test_resume_never_creates_a_task_again_blindly(manual: Manual) -> None:
    rig, fake = manual.rig, manual.fake
    job = await recorded(manual, S.SUBMITTING)
    assert await rig.flow.resume(platforms={"cli"}) == 1
    job = await finished(rig, job.id)
    assert job.state is S.FAILED and job.error_kind is ErrorKind.UNKNOWN
    assert not fake.calls("create") and kinds(rig) == [K.FAILURE] and replaced(rig, K.FAILURE) == ["msg-0"]


@pytest.mark.parametrize(
    ("state", "shown"),
    [(S.RECEIVED, [K.NOTICE]), (S.QUOTED, [K.NOTICE]), (S.NOTIFIED, [])],
)
async def test_resume_carries_a_job_on_from_where_it_stopped(
    manual: Manual, state: JobState, shown: list[ReplyKind]
) -> None:
    rig, fake = manual.rig, manual.fake
    job = await recorded(manual, state)
    assert await rig.flow.resume(platforms={"cli"}) == 1
    job = await until(rig, job.id, lambda job: job.state is S.RUNNING)
    assert kinds(rig) == shown  # the notice is shown once, never again
    assert len(fake.calls("create")) == 1 and rig.scheduler.watched() == {job.id}
    assert job.delivered == {Step.NOTICE}


async def test_resume_takes_only_the_platforms_and_user_asked_for(manual: Manual) -> None:
    rig = manual.rig
    mine = await recorded(manual, S.NOTIFIED)
    other_user = await recorded(manual, S.NOTIFIED, chat=ChatRef(platform="cli", chat_id="b", user_id="bob"))
    elsewhere = await recorded(
        manual, S.NOTIFIED, chat=ChatRef(platform="discord", chat_id="c1", user_id="alice")
    )
    done = await recorded(manual, S.NOTIFIED)
    done.advance(S.FAILED)
    await rig.jobs.save(done)
    assert await rig.flow.resume(platforms={"cli"}, user_key="cli:alice") == 1
    await until(rig, mine.id, lambda job: job.state is S.RUNNING)
    assert (await stored(rig, other_user.id)).state is S.NOTIFIED
    assert (await stored(rig, elsewhere.id)).state is S.NOTIFIED
    assert await rig.flow.resume(platforms={"telegram"}) == 0


# -- on the timers -----------------------------------------------------------------------------------------


async def test_a_job_runs_on_its_timers_to_the_end(tmp_path: Path) -> None:
    async with ima_rig(tmp_path, FakeIma(), TimeScale(FAST), live=True) as rig:
        job = await job_for(rig)
        await rig.flow.launch(job)
        job = await finished(rig, job.id)
    assert job.state is S.DELIVERED
    assert kinds(rig)[0] is K.NOTICE and kinds(rig)[-2:] == [K.VIDEO, K.LINK]
    assert set(kinds(rig)[1:-2]) <= {K.PROGRESS}
    assert set(replaced(rig, K.PROGRESS)) <= {"msg-1"}


async def test_a_task_that_never_finishes_times_out_on_the_timers(tmp_path: Path) -> None:
    async with ima_rig(tmp_path, FakeIma(processing_s=30), TimeScale(FAST), live=True) as rig:
        job = await job_for(rig, timeout_s=60)  # 0.12 s real
        await rig.flow.launch(job)
        job = await finished(rig, job.id)
    assert job.state is S.FAILED and job.error_kind is ErrorKind.TIMEOUT
    assert kinds(rig)[-1] is K.FAILURE and "took too long" in replies(rig)[-1].text


async def test_transient_poll_errors_are_ridden_out_on_the_timers(tmp_path: Path) -> None:
    fake = FakeIma()
    fake.inject("detail", Fault.RATE_LIMITED, 3)
    fake.inject("detail", Fault.UNAVAILABLE, 3)
    async with ima_rig(tmp_path, fake, TimeScale(FAST), live=True) as rig:
        job = await job_for(rig)
        await rig.flow.launch(job)
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
        await rig.flow.launch(job)
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
        await rig.flow.launch(job)
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
        await poll_times(rig, job.id, MAX_POLL_FAILURES)
        job = await stored(rig, job.id)
    assert job.state is S.FAILED and job.error_kind is ErrorKind.UNKNOWN
    assert kinds(rig)[-1] is K.FAILURE


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
    assert job.finished and kinds(rig)[-1] is K.FAILURE


async def test_a_success_without_a_video_url_still_ends_the_job(tmp_path: Path) -> None:
    async with sandbox_rig(tmp_path, "poll-without-url") as rig:
        job = await started(rig, "a kite #fail")
        await rig.flow.poll(job.id)
        job = await stored(rig, job.id)
    assert job.finished and kinds(rig)[-1] is K.FAILURE
