"""Render a real, short, browser-playable MP4 offline: Pillow frames piped to imageio-ffmpeg's ffmpeg.

What a request becomes:

- text to video: an animated title card (soft moving gradient, the prompt fading and sliding in);
- image to video, reference images: a slow zoom (Ken Burns) of the first photo;
- first-last frame: a crossfade from the first photo to the last.

Photos are ``ImageInput`` bytes or a local ``file://`` URL. An ``https://`` image cannot be fetched
offline, so a request whose photos are all remote gets the title card instead. An image that cannot be
read raises :class:`providers.errors.ImageUploadError`. Every clip is small and short (see
:func:`frame_size`, ``FPS``, ``FRAME_COUNT``) whatever duration or resolution was asked for, H.264
yuv420p with ``+faststart`` so that browsers, Feishu and Discord play it; a JPEG cover (a frame two
thirds in, where the title shows) is written next to it. Files appear atomically: when the video
path exists, it is complete.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import imageio_ffmpeg
from PIL import Image, ImageDraw, ImageOps

from providers.errors import GenerationFailedError, ImageUploadError
from providers.sandbox.fonts import pick_font
from providers.sandbox.frames import Size, crossfade, slow_zoom, title_card
from providers.types import GenerationRequest, ImageInput, TaskType

FPS = 12
FRAME_COUNT = 30  # 2.5 s
LONG_SIDE = 480
KNOWN_SIZES: dict[str, Size] = {
    "16:9": (480, 270),
    "9:16": (270, 480),
    "1:1": (360, 360),
    "4:3": (400, 300),
    "3:4": (300, 400),
    "21:9": (480, 206),
}
MAX_PHOTO_SIDE = 1280  # photos are shrunk to this on load
ENCODE_TIMEOUT_S = 60.0


class RenderCancelledError(Exception):
    """The render was stopped through its ``stop`` event; nothing was written."""


@dataclass(frozen=True)
class Scene:
    """What to film: the prompt (for the title card) and the photos that could be read."""

    task_type: TaskType
    prompt: str
    photos: tuple[Image.Image, ...]


@dataclass(frozen=True)
class RenderedClip:
    video: Path
    cover: Path
    duration_s: float
    width: int
    height: int


def frame_size(aspect_ratio: str) -> Size:
    """Even frame dimensions for ``"W:H"``, the long side ``LONG_SIDE``; ``ValueError`` if malformed."""
    if aspect_ratio in KNOWN_SIZES:
        return KNOWN_SIZES[aspect_ratio]
    wide_text, colon, high_text = aspect_ratio.partition(":")
    wide, high = float(wide_text), float(high_text)  # ValueError when not numbers
    if not colon or wide <= 0 or high <= 0 or not 1 / 4 <= wide / high <= 4:
        raise ValueError(f"unusable aspect ratio {aspect_ratio!r}")
    scale = LONG_SIDE / max(wide, high)
    return _even(wide * scale), _even(high * scale)


def load_scene(request: GenerationRequest) -> Scene:
    """Decode the request's photos (remote ones are skipped); ``ImageUploadError`` if one is unreadable."""
    photos = tuple(photo for photo in map(load_photo, request.images) if photo is not None)
    return Scene(task_type=request.task_type, prompt=request.prompt, photos=photos)


def load_photo(image: ImageInput) -> Image.Image | None:
    """The decoded photo, or ``None`` for a remote URL that cannot be fetched offline."""
    if image.data is not None:
        return _decode(image.data, image.filename or "uploaded image")
    url = urlparse(image.url or "")
    if url.scheme == "file":
        path = Path(url2pathname(url.path))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImageUploadError(f"cannot read {path.name}: {exc.strerror}") from exc
        return _decode(data, path.name)
    if url.scheme in ("http", "https"):
        return None
    raise ImageUploadError("image input has neither bytes nor a usable URL")


def render_scene(
    scene: Scene,
    *,
    aspect_ratio: str,
    video_path: Path,
    cover_path: Path,
    seed: int = 0,
    stop: threading.Event | None = None,
) -> RenderedClip:
    """Film ``scene``: write the MP4 to ``video_path`` and its JPEG cover to ``cover_path``.

    Blocking (run it in a thread). Raises ``RenderCancelledError`` when ``stop`` is set meanwhile,
    ``GenerationFailedError`` when ffmpeg fails and ``ValueError`` for an unusable aspect ratio.
    """
    if stop is not None and stop.is_set():
        raise RenderCancelledError(video_path.name)
    size = frame_size(aspect_ratio)
    video_path.parent.mkdir(parents=True, exist_ok=True)
    frames = _with_badge(_frames(scene, size, seed), size)
    try:
        _encode(_saving_cover(frames, cover_path), size, video_path, stop)
    except BaseException:
        _discard(cover_path)
        raise
    return RenderedClip(video_path, cover_path, FRAME_COUNT / FPS, size[0], size[1])


def render_request(
    request: GenerationRequest, *, aspect_ratio: str, video_path: Path, cover_path: Path, seed: int = 0
) -> RenderedClip:
    """:func:`load_scene` then :func:`render_scene`, in one blocking call."""
    return render_scene(
        load_scene(request),
        aspect_ratio=aspect_ratio,
        video_path=video_path,
        cover_path=cover_path,
        seed=seed,
    )


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def _decode(data: bytes, name: str) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.draft("RGB", (MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
            photo = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageUploadError(f"cannot decode {name}: {type(exc).__name__}") from exc
    photo.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
    return photo


def _frames(scene: Scene, size: Size, seed: int) -> Iterator[Image.Image]:
    photos = scene.photos
    if scene.task_type is TaskType.FIRST_LAST_FRAME_TO_VIDEO and len(photos) >= 2:
        return crossfade(photos[0], photos[-1], size, FRAME_COUNT)
    if scene.task_type is not TaskType.TEXT_TO_VIDEO and photos:
        return slow_zoom(photos[0], size, FRAME_COUNT)
    return title_card(scene.prompt, size, FRAME_COUNT, seed)


def _with_badge(frames: Iterable[Image.Image], size: Size) -> Iterator[Image.Image]:
    """Stamp a small "sandbox" label in the bottom-right corner of every frame."""
    font = pick_font("sandbox", max(min(size) // 22, 9))
    left, top, right, bottom = ImageDraw.Draw(Image.new("RGBA", (1, 1))).textbbox(
        (0, 0), "sandbox", font=font
    )
    pad = 4
    badge = Image.new(
        "RGBA", (math.ceil(right - left) + 2 * pad, math.ceil(bottom - top) + 2 * pad), (0, 0, 0, 0)
    )
    draw = ImageDraw.Draw(badge)
    draw.rounded_rectangle((0, 0, badge.width - 1, badge.height - 1), radius=pad, fill=(0, 0, 0, 120))
    draw.text((pad - left, pad - top), "sandbox", font=font, fill=(255, 255, 255, 220))
    position = (size[0] - badge.width - 6, size[1] - badge.height - 6)
    for frame in frames:
        frame.paste(badge, position, badge)
        yield frame


COVER_FRAME = FRAME_COUNT * 2 // 3  # the title has faded in by then (the first frame is an empty gradient)


def _saving_cover(frames: Iterable[Image.Image], cover_path: Path) -> Iterator[Image.Image]:
    for index, frame in enumerate(frames):
        if index == COVER_FRAME:
            part = cover_path.with_name(cover_path.name + ".part")
            frame.save(part, format="JPEG", quality=85)
            os.replace(part, cover_path)
        yield frame


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _ffmpeg() -> str:
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:  # no bundled binary for this platform and none on PATH
        raise GenerationFailedError("no ffmpeg binary") from exc


def _encode(
    frames: Iterable[Image.Image], size: Size, video_path: Path, stop: threading.Event | None
) -> None:
    """Pipe ``frames`` (rgb24) into ffmpeg; the file appears at ``video_path`` only when complete."""
    part = video_path.with_name(video_path.name + ".part")
    command = [
        _ffmpeg(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{size[0]}x{size[1]}", "-r", str(FPS), "-i", "pipe:0",
        "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
        "-movflags", "+faststart", "-f", "mp4", str(part),
    ]  # fmt: skip
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
    except OSError as exc:
        raise GenerationFailedError(f"cannot start ffmpeg: {exc.strerror}") from exc
    assert process.stdin is not None
    try:
        try:
            for frame in frames:
                if stop is not None and stop.is_set():
                    raise RenderCancelledError(video_path.name)
                process.stdin.write(frame.tobytes())
        except BrokenPipeError:
            pass  # ffmpeg quit early; its exit code and stderr say why
        _, errors = process.communicate(timeout=ENCODE_TIMEOUT_S)
    except BaseException:
        process.kill()
        process.communicate()
        _discard(part)
        raise
    if process.returncode != 0:
        _discard(part)
        message = errors.decode(errors="replace").strip()[-300:]
        raise GenerationFailedError(f"ffmpeg exited with {process.returncode}: {message}")
    os.replace(part, video_path)
