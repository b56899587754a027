"""The flow's steps: quote, pre-notification, progress, success (seed 001 Steps 1-3)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from handlers.flow import GenerationFlow
from handlers.jobs import Step
from messages.reply import Selection
from prefs import PreferenceStore
from providers.catalogue import CatalogueEntry
from providers.errors import ErrorKind, ProviderError
from providers.types import (
    GenerationRequest,
    VideoParams,
)
from tests.fakes.ima import Fault
from tests.handlers.flow_rig import (
    PERCENT,
    T0,
    T2V,
    USER,
    FreshIdChannel,
    K,
    Manual,
    Rig,
    S,
    job_for,
    kinds,
    reason,
    replaced,
    replies,
    started,
    stored,
)

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
    assert (await rig.flow.admit(job, max_working=100)).admitted
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


async def test_the_cheaper_model_is_priced_at_the_users_own_settings(manual: Manual) -> None:
    """Seed 001 Step 1 names a cheaper model beside an expensive automatic one; its price is the one
    this request would cost there (10 s 1080p here), never the model's cheapest setting."""
    rig = manual.rig
    asked = GenerationRequest(
        task_type=T2V, prompt="a kite", params=VideoParams(duration=10, resolution="1080p")
    )
    job = await started(rig, key="wan-2.6", selection=Selection.DEFAULT, request=asked)
    assert job.quote is not None
    alt = await rig.catalogue.cheaper_than(job.quote.credits, T2V, "wan-2.6", provider="ima")
    assert alt is not None
    priced = await rig.providers["ima"].quote(asked, alt.offer)
    assert priced.credits > alt.credits_min, "the settings cost more than the model's minimum"
    assert f"you can switch to {alt.name} ({priced.credits} credits)" in replies(rig)[0].text


async def test_an_unsupported_setting_suggests_only_models_that_take_it(manual: Manual) -> None:
    """Seed 001's "该模型不支持此时长或分辨率,请调整参数": any model suggested can make the request as
    asked, at the price shown."""
    rig = manual.rig
    asked = GenerationRequest(task_type=T2V, prompt="a kite", params=VideoParams(duration=8))
    job = await started(rig, request=asked)  # Wan 2.6 makes 5, 10 or 15 s
    assert job.state is S.FAILED and job.error_kind is ErrorKind.UNSUPPORTED_PARAMS
    failure = replies(rig)[-1]
    assert failure.buttons, failure.text
    for button in failure.buttons:
        entry = await rig.catalogue.entry(button.model_key or "", T2V)
        assert entry is not None
        priced = await rig.providers["ima"].quote(asked, entry.offer)  # raises if it cannot
        assert f"{entry.name} (" in failure.text and f", {priced.credits} pts)" in failure.text
    refusing = [e for e in await rig.catalogue.entries(T2V) if not await quotes(rig, asked, e)]
    assert refusing and not {e.key for e in refusing} & {b.model_key for b in failure.buttons}


async def quotes(rig: Rig, request: GenerationRequest, entry: CatalogueEntry) -> bool:
    try:
        await rig.providers[entry.offers[0].provider].quote(request, entry.offer)
    except ProviderError:
        return False
    return True


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
