"""The offline sandbox provider: the embedded default when no provider key is set.

It offers every model of the seed table (``providers.specs.SPECS``) for free (``CreditUnit.FREE``,
0 credits) and makes a real, short MP4 on this machine (see :mod:`providers.sandbox.render`; the
requested duration and resolution are quoted back but the clip is always small and ~2.5 s).

A task is queued for the first 10% of its run, then processing, then succeeded once the clip is
written. The run lasts 50-80% of the way from the model's ETA minimum to its maximum (fixed per task
id), in virtual seconds: real seconds = virtual seconds * ``time_scale``. ``video_url`` and
``cover_url`` are ``file://`` URIs in ``output_dir``.

Demo keywords, anywhere in the prompt (case-insensitive, left out of the rendered title):

- ``#fail``: the task fails (``generation_failed``) at about half its run;
- ``#fail-policy``: ``submit`` refuses the prompt (``ContentPolicyError``), no task is created;
- ``#fail-busy``: ``submit`` finds the model busy (``UnavailableError``), no task is created;
- ``#slow``: the run takes 1.5x the model's ETA maximum (progress freezes at 95%, short timeouts fire).

Tasks survive a restart, like a real provider's: each one's record (the request, when it started,
how long it runs) is written next to its video under ``output_dir/tasks/``. A poll for a task this
process does not know restores it from that record and renders the clip again if it was cut off;
a task with no record answers ``FAILED`` (``generation_failed``) rather than raising. A task created
with an intent key is named after it, so ``find_task`` can tell whether a lost create made one.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import random
import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel

from providers.demo import demo_keywords, strip_demo_keywords
from providers.errors import (
    BadParamsError,
    ContentPolicyError,
    ErrorKind,
    ProviderError,
    UnavailableError,
)
from providers.sandbox.render import (
    FPS,
    FRAME_COUNT,
    RenderCancelledError,
    RenderedClip,
    Scene,
    frame_size,
    load_scene,
    render_scene,
)
from providers.specs import DEFAULT_ETA, SPECS, ModelSpec
from providers.types import (
    CreditUnit,
    EtaRange,
    GenerationRequest,
    LiveModel,
    Offer,
    Quote,
    TaskHandle,
    TaskState,
    TaskStatus,
    TaskType,
)

log = logging.getLogger(__name__)

QUEUED_SHARE = 0.10  # of the run spent queued
RUN_SHARE = (0.50, 0.80)  # where in the ETA range a run ends, chosen per task id
SLOW_FACTOR = 1.5  # a #slow run lasts this times the ETA maximum
DEFAULT_DURATION_S = 5
DEFAULT_ASPECT_RATIO = "16:9"
DEFAULT_RESOLUTION = "720p"
_SPECS_BY_KEY: dict[str, ModelSpec] = {spec.key: spec for spec in SPECS}


@dataclass
class _Task:
    started: float  # time.time(): a restarted process goes on counting from it
    run_s: float  # real seconds
    fails: bool
    stop: threading.Event
    render: asyncio.Task[RenderedClip] | None


class _Record(BaseModel):
    """What a restarted process needs to carry a task on (stored as JSON)."""

    request: GenerationRequest
    aspect_ratio: str
    started: float
    run_s: float
    fails: bool


class SandboxProvider:
    """A :class:`providers.base.VideoProvider` that needs no network, no key and no money."""

    name = "sandbox"
    unit = CreditUnit.FREE

    def __init__(self, *, output_dir: Path, time_scale: float = 1.0, seed: int | None = None) -> None:
        if time_scale < 0:
            raise ValueError("time_scale must not be negative")
        self._output_dir = output_dir.resolve()
        self._time_scale = time_scale
        self._ids = random.Random(seed)
        self._tasks: dict[str, _Task] = {}

    async def list_models(self, task_type: TaskType) -> list[LiveModel]:
        return [
            LiveModel(
                provider=self.name,
                ref=spec.ids[task_type],
                name=spec.name,
                credits_min=0,
                credits_max=0,
                unit=self.unit,
                eta=spec.eta,
            )
            for spec in SPECS
            if task_type in spec.ids
        ]

    async def quote(self, request: GenerationRequest, offer: Offer) -> Quote:
        spec = _SPECS_BY_KEY.get(offer.model_key)
        if spec is None or request.task_type not in spec.ids:
            raise UnavailableError(f"sandbox offers no {offer.model_key} for {request.task_type.value}")
        _check_images(request)
        asked = request.params
        duration = DEFAULT_DURATION_S if asked.duration is None else asked.duration
        aspect_ratio = asked.aspect_ratio or DEFAULT_ASPECT_RATIO
        if duration <= 0:
            raise BadParamsError(f"duration {duration} is not positive")
        try:
            frame_size(aspect_ratio)
        except ValueError as exc:
            raise BadParamsError(f"aspect ratio {aspect_ratio!r} is unusable") from exc
        params = {
            "duration": duration,
            "aspect_ratio": aspect_ratio,
            "resolution": asked.resolution or DEFAULT_RESOLUTION,
        }
        return Quote(
            provider=self.name,
            task_type=request.task_type,
            model_key=offer.model_key,
            model_name=offer.model_name,
            ref=offer.ref,
            params=params,
            credits=0,
            unit=self.unit,
        )

    async def submit(self, quote: Quote, request: GenerationRequest, *, key: str | None = None) -> TaskHandle:
        keywords = demo_keywords(request.prompt)
        if "fail-policy" in keywords:
            raise ContentPolicyError("sandbox demo keyword #fail-policy")
        if "fail-busy" in keywords:
            raise UnavailableError("sandbox demo keyword #fail-busy")
        _check_images(request)
        scene = await asyncio.to_thread(load_scene, request)  # ImageUploadError: before any task exists
        task_id = _task_id(key) if key else f"sbx_{self._ids.getrandbits(64):016x}"
        eta = _SPECS_BY_KEY[quote.model_key].eta if quote.model_key in _SPECS_BY_KEY else DEFAULT_ETA
        record = _Record(
            request=request,
            aspect_ratio=str(quote.params.get("aspect_ratio", DEFAULT_ASPECT_RATIO)),
            started=time.time(),
            run_s=_run_virtual_s(task_id, eta, slow="slow" in keywords) * self._time_scale,
            fails="fail" in keywords,
        )
        await asyncio.to_thread(self._write_record, task_id, record)
        self._tasks[task_id] = self._start(task_id, record, scene)
        return TaskHandle(provider=self.name, task_id=task_id, quote=quote, created_at=datetime.now(UTC))

    def _start(self, task_id: str, record: _Record, scene: Scene) -> _Task:
        """The task in this process; its clip is rendered off the event loop unless it fails on purpose."""
        task = _Task(
            started=record.started,
            run_s=record.run_s,
            fails=record.fails,
            stop=threading.Event(),
            render=None,
        )
        video, cover = self._output_dir / f"{task_id}.mp4", self._output_dir / f"{task_id}.jpg"
        if not task.fails and video.is_file() and cover.is_file():  # finished before a restart
            width, height = frame_size(record.aspect_ratio)
            task.render = asyncio.create_task(
                _done(RenderedClip(video, cover, FRAME_COUNT / FPS, width, height))
            )
        elif not task.fails:
            render = asyncio.to_thread(
                render_scene,
                dataclasses.replace(scene, prompt=strip_demo_keywords(record.request.prompt)),
                aspect_ratio=record.aspect_ratio,
                video_path=video,
                cover_path=cover,
                seed=_fraction_bits(task_id),
                stop=task.stop,
            )
            task.render = asyncio.create_task(render, name=f"sandbox-render-{task_id}")
            task.render.add_done_callback(_log_render_failure)
        return task

    def _record_path(self, task_id: str) -> Path:
        return self._output_dir / "tasks" / f"{task_id}.json"

    def _write_record(self, task_id: str, record: _Record) -> None:
        """Best effort: without its record a task still runs, it just cannot outlive this process."""
        path = self._record_path(task_id)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(record.model_dump_json(), encoding="utf-8")
        except OSError as exc:
            log.warning("sandbox task %s will not survive a restart: %s", task_id, type(exc).__name__)

    async def _restore(self, task_id: str) -> _Task | None:
        """A task another process started, from its record; ``None`` without a (readable) record."""
        path = self._record_path(task_id)
        if not re.fullmatch(r"sbx_[0-9a-f]{16}", task_id) or not path.is_file():
            return None
        try:
            record = _Record.model_validate_json(await asyncio.to_thread(path.read_text, encoding="utf-8"))
            scene = await asyncio.to_thread(load_scene, record.request)
        except (OSError, ValueError, ProviderError) as exc:
            log.warning("sandbox task %s cannot be restored: %s", task_id, type(exc).__name__)
            return None
        task = self._start(task_id, record, scene)
        self._tasks[task_id] = task
        return task

    async def find_task(
        self, quote: Quote, request: GenerationRequest, *, key: str, since: datetime
    ) -> TaskHandle | None:
        """The task created for ``key``, from its record (the sandbox names tasks after their key)."""
        task_id = _task_id(key)
        if task_id not in self._tasks and not await asyncio.to_thread(self._record_path(task_id).is_file):
            return None
        return TaskHandle(provider=self.name, task_id=task_id, quote=quote, created_at=datetime.now(UTC))

    async def poll(self, handle: TaskHandle) -> TaskStatus:
        task = self._tasks.get(handle.task_id) or await self._restore(handle.task_id)
        if task is None:
            return _failed("unknown task: no record of it in the sandbox's output directory")
        elapsed = time.time() - task.started
        if task.fails and elapsed >= task.run_s / 2:
            return _failed("sandbox demo keyword #fail")
        if elapsed < task.run_s * QUEUED_SHARE:
            return TaskStatus(state=TaskState.QUEUED, progress=0)
        if task.render is not None and task.render.done():
            if task.render.cancelled():
                return _failed("render cancelled")
            error = task.render.exception()
            if error is not None:
                return _failed(f"render failed: {type(error).__name__}: {error}")
            clip = task.render.result()
            if elapsed >= task.run_s:
                if not clip.video.is_file():
                    return _failed("rendered file is gone")
                return TaskStatus(
                    state=TaskState.SUCCEEDED,
                    progress=100,
                    video_url=clip.video.as_uri(),
                    cover_url=clip.cover.as_uri(),
                    duration_s=clip.duration_s,
                )
        progress = int(elapsed / task.run_s * 100) if task.run_s > 0 else 99
        return TaskStatus(state=TaskState.PROCESSING, progress=min(max(progress, 1), 99))

    async def aclose(self) -> None:
        """Stop every unfinished render (each stops within a frame) and wait for them."""
        for task in self._tasks.values():
            task.stop.set()
        pending = [task.render for task in self._tasks.values() if task.render is not None]
        await asyncio.gather(*pending, return_exceptions=True)


def _task_id(key: str) -> str:
    """A task id derived from the intent key, so a lost create can be found again."""
    return "sbx_" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _check_images(request: GenerationRequest) -> None:
    count = len(request.images)
    task_type = request.task_type
    if task_type is TaskType.IMAGE_TO_VIDEO and count != 1:
        raise BadParamsError(f"image to video takes exactly 1 image, got {count}")
    if task_type is TaskType.FIRST_LAST_FRAME_TO_VIDEO and count != 2:
        raise BadParamsError(f"first-last frame takes exactly 2 images, got {count}")
    if task_type is TaskType.REFERENCE_IMAGE_TO_VIDEO and count < 1:
        raise BadParamsError("reference images take at least 1 image")


def _run_virtual_s(task_id: str, eta: EtaRange, *, slow: bool) -> float:
    if slow:
        return SLOW_FACTOR * eta.max_s
    low, high = RUN_SHARE
    share = low + (high - low) * _fraction_bits(task_id) / 2**64
    return eta.min_s + share * (eta.max_s - eta.min_s)


def _fraction_bits(task_id: str) -> int:
    """64 bits fixed by ``task_id``: the same task always runs as long and looks the same."""
    return int.from_bytes(hashlib.sha256(task_id.encode()).digest()[:8], "big")


async def _done(clip: RenderedClip) -> RenderedClip:
    return clip


def _failed(detail: str) -> TaskStatus:
    return TaskStatus(state=TaskState.FAILED, error_kind=ErrorKind.GENERATION_FAILED, error_detail=detail)


def _log_render_failure(render: asyncio.Task[RenderedClip]) -> None:
    if render.cancelled():
        return
    error = render.exception()
    if error is not None and not isinstance(error, RenderCancelledError):
        log.warning("sandbox render %s failed: %s: %s", render.get_name(), type(error).__name__, error)
