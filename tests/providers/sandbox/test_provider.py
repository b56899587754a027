import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest
from PIL import Image

from providers.base import VideoProvider
from providers.demo import demo_keywords, strip_demo_keywords
from providers.errors import (
    BadParamsError,
    ContentPolicyError,
    ErrorKind,
    ImageUploadError,
    UnavailableError,
)
from providers.sandbox import SandboxProvider
from providers.sandbox.provider import QUEUED_SHARE
from providers.specs import DEFAULT_ETA, SPECS
from providers.types import (
    CreditUnit,
    GenerationRequest,
    ImageInput,
    ModelRef,
    Offer,
    Quote,
    TaskHandle,
    TaskState,
    TaskStatus,
    TaskType,
    VideoParams,
)
from tests.providers.sandbox.media import decode, decodes_cleanly, is_mp4, solid_png

SCALE = 0.004  # Wan 2.6 (ETA 60-120 virtual s) runs 90-108 virtual s: 0.36-0.43 real s, queued ~0.04 s
WAN = Offer(
    model_key="wan-2.6", model_name="Wan 2.6", ref=ModelRef(model_id="wan2.6-t2v", version="wan2.6-t2v")
)
KLING_O1 = Offer(model_key="kling-o1", model_name="Kling O1", ref=ModelRef(model_id="kling-video-o1"))


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[SandboxProvider]:
    provider = SandboxProvider(output_dir=tmp_path / "out", time_scale=SCALE, seed=1)
    yield provider
    await provider.aclose()


def _text(prompt: str = "a corgi surfing", params: VideoParams | None = None) -> GenerationRequest:
    return GenerationRequest(task_type=TaskType.TEXT_TO_VIDEO, prompt=prompt, params=params or VideoParams())


def _images(task_type: TaskType, count: int) -> GenerationRequest:
    images = tuple(ImageInput(data=solid_png((40 * i, 90, 200))) for i in range(count))
    return GenerationRequest(task_type=task_type, prompt="photo", images=images)


async def _submit(sandbox: SandboxProvider, request: GenerationRequest, offer: Offer = WAN) -> TaskHandle:
    return await sandbox.submit(await sandbox.quote(request, offer), request)


async def _until_done(sandbox: SandboxProvider, handle: TaskHandle) -> tuple[list[TaskStatus], float]:
    """Poll every 5 ms; every status seen and the real seconds from submit to done."""
    seen = [await sandbox.poll(handle)]
    while not seen[-1].done:
        await asyncio.sleep(0.005)
        seen.append(await sandbox.poll(handle))
    return seen, (datetime.now(UTC) - handle.created_at).total_seconds()


def _path(file_uri: str | None) -> Path:
    assert file_uri is not None and file_uri.startswith("file://")
    return Path(url2pathname(urlparse(file_uri).path))


def _states(statuses: list[TaskStatus]) -> list[TaskState]:
    return [
        state for i, state in enumerate(s.state for s in statuses) if i == 0 or statuses[i - 1].state != state
    ]


def test_is_a_video_provider(tmp_path: Path) -> None:
    provider = SandboxProvider(output_dir=tmp_path)
    assert isinstance(provider, VideoProvider)
    assert (provider.name, provider.unit) == ("sandbox", CreditUnit.FREE)


def test_negative_time_scale_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        SandboxProvider(output_dir=tmp_path, time_scale=-1)


@pytest.mark.parametrize("task_type", list(TaskType))
async def test_list_models_mirrors_the_specs(sandbox: SandboxProvider, task_type: TaskType) -> None:
    models = await sandbox.list_models(task_type)
    expected = [(spec.name, spec.ids[task_type], spec.eta) for spec in SPECS if task_type in spec.ids]
    assert [(model.name, model.ref, model.eta) for model in models] == expected
    assert all(
        (model.provider, model.credits_min, model.credits_max, model.unit)
        == ("sandbox", 0, 0, CreditUnit.FREE)
        for model in models
    )


async def test_quote_fills_defaults_and_costs_nothing(sandbox: SandboxProvider) -> None:
    quote = await sandbox.quote(_text(), WAN)
    assert quote.params == {"duration": 5, "aspect_ratio": "16:9", "resolution": "720p"}
    assert (quote.credits, quote.unit, quote.provider) == (0, CreditUnit.FREE, "sandbox")
    assert (quote.model_key, quote.model_name, quote.ref) == ("wan-2.6", "Wan 2.6", WAN.ref)


async def test_quote_keeps_asked_params(sandbox: SandboxProvider) -> None:
    quote = await sandbox.quote(
        _text(params=VideoParams(duration=10, aspect_ratio="9:16", resolution="1080p")), WAN
    )
    assert quote.params == {"duration": 10, "aspect_ratio": "9:16", "resolution": "1080p"}


@pytest.mark.parametrize(
    ("task_type", "count"),
    [
        (TaskType.IMAGE_TO_VIDEO, 0),
        (TaskType.IMAGE_TO_VIDEO, 2),
        (TaskType.FIRST_LAST_FRAME_TO_VIDEO, 1),
        (TaskType.FIRST_LAST_FRAME_TO_VIDEO, 3),
        (TaskType.REFERENCE_IMAGE_TO_VIDEO, 0),
    ],
)
async def test_wrong_image_count_is_bad_params(
    sandbox: SandboxProvider, task_type: TaskType, count: int
) -> None:
    request = _images(task_type, count)
    with pytest.raises(BadParamsError) as caught:
        await sandbox.quote(request, KLING_O1)
    assert caught.value.kind is ErrorKind.BAD_PARAMS
    with pytest.raises(BadParamsError):  # a quote made elsewhere does not get past submit either
        await sandbox.submit(await sandbox.quote(_text(), KLING_O1), request)


@pytest.mark.parametrize(
    ("task_type", "count"),
    [
        (TaskType.IMAGE_TO_VIDEO, 1),
        (TaskType.FIRST_LAST_FRAME_TO_VIDEO, 2),
        (TaskType.REFERENCE_IMAGE_TO_VIDEO, 3),
    ],
)
async def test_right_image_count_is_quoted(sandbox: SandboxProvider, task_type: TaskType, count: int) -> None:
    assert (await sandbox.quote(_images(task_type, count), KLING_O1)).task_type is task_type


@pytest.mark.parametrize("params", [VideoParams(duration=0), VideoParams(aspect_ratio="sideways")])
async def test_unusable_params_are_bad_params(sandbox: SandboxProvider, params: VideoParams) -> None:
    with pytest.raises(BadParamsError):
        await sandbox.quote(_text(params=params), WAN)


async def test_model_not_offered_for_the_task_is_unavailable(sandbox: SandboxProvider) -> None:
    retired = Offer(model_key="kling-1.6", model_name="Kling 1.6", ref=ModelRef(model_id="kling-v1-6"))
    with pytest.raises(UnavailableError):
        await sandbox.quote(_text(), retired)
    with pytest.raises(UnavailableError):  # Wan 2.6 has no first-last frame
        await sandbox.quote(_images(TaskType.FIRST_LAST_FRAME_TO_VIDEO, 2), WAN)


async def test_lifecycle_queued_processing_succeeded(sandbox: SandboxProvider) -> None:
    handle = await _submit(sandbox, _text(params=VideoParams(aspect_ratio="9:16")))
    assert handle.task_id.startswith("sbx_") and handle.provider == "sandbox" and handle.quote.credits == 0
    seen, elapsed = await _until_done(sandbox, handle)
    assert _states(seen) == [TaskState.QUEUED, TaskState.PROCESSING, TaskState.SUCCEEDED]
    progress = [status.progress for status in seen if isinstance(status.progress, int)]
    assert len(progress) == len(seen) and progress == sorted(progress)
    assert progress[0] == 0 and progress[-1] == 100 and max(progress[:-1]) <= 99
    assert elapsed >= (60 + 0.5 * 60) * SCALE  # 50-80% of the way through the ETA range
    done = seen[-1]
    video, cover = _path(done.video_url), _path(done.cover_url)
    assert is_mp4(video) and decodes_cleanly(video)
    assert (decode(video).width, decode(video).height) == (270, 480)
    assert done.duration_s == 2.5
    with Image.open(cover) as image:
        assert image.format == "JPEG"


async def test_photo_task_succeeds(sandbox: SandboxProvider, tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(solid_png((200, 40, 40)))
    request = GenerationRequest(
        task_type=TaskType.IMAGE_TO_VIDEO, prompt="zoom", images=(ImageInput(url=photo.as_uri()),)
    )
    seen, _ = await _until_done(sandbox, await _submit(sandbox, request))
    assert seen[-1].state is TaskState.SUCCEEDED and decodes_cleanly(_path(seen[-1].video_url))


async def test_same_seed_gives_the_same_task_ids(tmp_path: Path) -> None:
    ids = []
    for _ in range(2):
        provider = SandboxProvider(output_dir=tmp_path, time_scale=SCALE, seed=42)
        ids.append((await _submit(provider, _text("#fail"))).task_id)
        await provider.aclose()
    assert ids[0] == ids[1]


async def test_fail_keyword_fails_at_about_half_time(sandbox: SandboxProvider, tmp_path: Path) -> None:
    handle = await _submit(sandbox, _text("a corgi #fail"))
    seen, elapsed = await _until_done(sandbox, handle)
    assert _states(seen) == [TaskState.QUEUED, TaskState.PROCESSING, TaskState.FAILED]
    assert seen[-1].error_kind is ErrorKind.GENERATION_FAILED
    assert (60 + 0.5 * 60) / 2 * SCALE <= elapsed < (60 + 0.8 * 60) * SCALE
    assert not list((tmp_path / "out").glob("*.mp4"))


@pytest.mark.parametrize(
    ("prompt", "error"), [("a cat #fail-policy", ContentPolicyError), ("a cat #FAIL-BUSY", UnavailableError)]
)
async def test_refusing_keywords_raise_before_a_task_exists(
    sandbox: SandboxProvider, tmp_path: Path, prompt: str, error: type[Exception]
) -> None:
    with pytest.raises(error) as caught:
        await _submit(sandbox, _text(prompt))
    assert getattr(caught.value, "before_task", None) is True
    assert not (tmp_path / "out").exists()


async def test_slow_keyword_runs_past_the_eta_maximum(sandbox: SandboxProvider) -> None:
    submitted = datetime.now(UTC)  # the run counts from inside submit: measure from before it
    handle = await _submit(sandbox, _text("#slow corgi"))
    await asyncio.sleep(125 * SCALE)  # past Wan 2.6's ETA maximum (120 virtual s)
    assert (await sandbox.poll(handle)).state is TaskState.PROCESSING
    seen, _ = await _until_done(sandbox, handle)
    assert seen[-1].state is TaskState.SUCCEEDED
    assert (datetime.now(UTC) - submitted).total_seconds() >= 1.5 * 120 * SCALE


def test_demo_keywords_are_whole_tags() -> None:
    assert demo_keywords("#fail-policy and #SLOW") == {"fail-policy", "slow"}
    assert demo_keywords("#failure #fail_safe #slowly fail slow") == set()
    assert demo_keywords("一只猫#fail") == {"fail"}


def test_keywords_are_left_out_of_the_title() -> None:
    assert strip_demo_keywords("#slow  a corgi #FAIL surfing #failure") == "a corgi surfing #failure"


async def test_unreadable_image_fails_submit_before_a_task(sandbox: SandboxProvider) -> None:
    request = GenerationRequest(
        task_type=TaskType.IMAGE_TO_VIDEO, prompt="x", images=(ImageInput(data=b"junk"),)
    )
    with pytest.raises(ImageUploadError) as caught:
        await _submit(sandbox, request)
    assert caught.value.before_task is True


async def test_unknown_task_id_is_a_failed_task(sandbox: SandboxProvider) -> None:
    quote = await sandbox.quote(_text(), WAN)
    stranger = TaskHandle(provider="sandbox", task_id="sbx_gone", quote=quote, created_at=datetime.now(UTC))
    status = await sandbox.poll(stranger)
    assert (status.state, status.error_kind) == (TaskState.FAILED, ErrorKind.GENERATION_FAILED)


async def test_render_failure_fails_the_task(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the output folder should be")
    provider = SandboxProvider(output_dir=blocker, time_scale=SCALE)
    seen, _ = await _until_done(provider, await _submit(provider, _text()))
    assert (seen[-1].state, seen[-1].error_kind) == (TaskState.FAILED, ErrorKind.GENERATION_FAILED)
    await provider.aclose()


async def test_deleted_output_fails_the_task(sandbox: SandboxProvider) -> None:
    handle = await _submit(sandbox, _text())
    seen, _ = await _until_done(sandbox, handle)
    _path(seen[-1].video_url).unlink()
    status = await sandbox.poll(handle)
    assert (status.state, status.error_kind) == (TaskState.FAILED, ErrorKind.GENERATION_FAILED)


async def test_aclose_stops_pending_renders(tmp_path: Path) -> None:
    provider = SandboxProvider(output_dir=tmp_path, time_scale=SCALE)
    handle = await _submit(provider, _text())
    await provider.aclose()
    assert not list(tmp_path.glob("*.mp4")) and not list(tmp_path.glob("*.jpg"))  # only the task's record
    await asyncio.sleep(QUEUED_SHARE * 108 * SCALE)  # past the queued share of the longest Wan 2.6 run
    status = await provider.poll(handle)
    assert (status.state, status.error_kind) == (TaskState.FAILED, ErrorKind.GENERATION_FAILED)
    await provider.aclose()  # twice is harmless


async def test_quote_for_a_model_outside_the_table_still_runs_on_the_default_eta(tmp_path: Path) -> None:
    quote = Quote(
        provider="sandbox",
        task_type=TaskType.TEXT_TO_VIDEO,
        model_key="not-in-the-table",
        model_name="?",
        ref=ModelRef(model_id="x"),
        params={},
        credits=0,
        unit=CreditUnit.FREE,
    )
    provider = SandboxProvider(output_dir=tmp_path, time_scale=SCALE / 2)
    handle = await provider.submit(quote, _text())
    assert handle.quote == quote
    seen, elapsed = await _until_done(provider, handle)
    assert seen[-1].state is TaskState.SUCCEEDED
    assert elapsed >= (DEFAULT_ETA.min_s + 0.5 * (DEFAULT_ETA.max_s - DEFAULT_ETA.min_s)) * SCALE / 2
    await provider.aclose()


async def test_a_restarted_sandbox_carries_on_its_tasks(tmp_path: Path) -> None:
    """Like a real provider, the sandbox knows its tasks after a restart: cut off or finished."""
    first = SandboxProvider(output_dir=tmp_path, time_scale=SCALE)
    cut_off = await _submit(first, _text())
    await first.aclose()  # the process dies mid-render
    finished = await _submit(second_life := SandboxProvider(output_dir=tmp_path, time_scale=SCALE), _text())
    await _until_done(second_life, finished)
    await second_life.aclose()

    restarted = SandboxProvider(output_dir=tmp_path, time_scale=SCALE)
    for handle in (cut_off, finished):
        seen, _ = await _until_done(restarted, handle)
        assert seen[-1].state is TaskState.SUCCEEDED and _path(seen[-1].video_url).is_file()
    await restarted.aclose()


async def test_a_task_without_a_record_is_a_friendly_failure(tmp_path: Path) -> None:
    provider = SandboxProvider(output_dir=tmp_path, time_scale=SCALE)
    handle = await _submit(provider, _text())
    await provider.aclose()
    (tmp_path / "tasks" / f"{handle.task_id}.json").write_text("{not json", encoding="utf-8")
    status = await SandboxProvider(output_dir=tmp_path, time_scale=SCALE).poll(handle)
    assert (status.state, status.error_kind) == (TaskState.FAILED, ErrorKind.GENERATION_FAILED)
