"""A generated video made ready for Feishu's player: fetched with a size cap, an H.264/AAC MP4 of at most
30 MB (re-encoded with imageio-ffmpeg's ffmpeg when not), its duration in ms, and a JPEG cover frame.

ffmpeg runs as a subprocess on temporary files, so the event loop never waits on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import imageio_ffmpeg

from bot.videofiles import VideoSources

log = logging.getLogger(__name__)

AUDIO_BITRATE = 128_000
MIN_VIDEO_BITRATE = 150_000
SIZE_MARGIN = 0.92  # aim below the cap: container overhead and rate-control overshoot
_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\S+.*?: Video: (\w+)[^,]*, (\w+)")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+)")
_BRAND = re.compile(r"major_brand\s*:\s*(\S+)")


class VideoError(Exception):
    """The video cannot be fetched or made playable (too large, not a video, ffmpeg failed)."""


@dataclass(frozen=True)
class ReadyVideo:
    """An MP4 Feishu plays inline, with what ``file.create`` and ``msg_type="media"`` need."""

    data: bytes
    duration_ms: int
    cover: bytes | None  # a JPEG frame, or None when no frame could be taken


@dataclass(frozen=True)
class _Probe:
    duration_s: float
    container: str
    brand: str
    video: str
    pixels: str
    audio: str | None

    @property
    def plays_in_feishu(self) -> bool:
        return (
            self.container.startswith("mov,mp4")
            and self.brand != "qt"
            and self.video == "h264"
            and self.pixels == "yuv420p"
            and self.audio in (None, "aac")
        )


async def fetch_video(url: str, http: httpx.AsyncClient, *, max_bytes: int, sources: VideoSources) -> bytes:
    """The video's bytes: streamed from a web link, or read from a ``file://`` in our videos folder."""
    if url.startswith("file://"):
        path = sources.local(url)
        if path is None:
            raise VideoError("local video outside the videos folder or missing")
        if path.stat().st_size > max_bytes:
            raise VideoError("local video too large")
        return await asyncio.to_thread(path.read_bytes)
    if not sources.web(url):
        raise VideoError(f"cannot fetch a {urlsplit(url).scheme or 'schemeless'} link")
    chunks: list[bytes] = []
    size = 0
    try:
        async with http.stream("GET", url, follow_redirects=True) as response:
            if not response.is_success:
                raise VideoError(f"video download answered HTTP {response.status_code}")
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise VideoError("video download too large")
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise VideoError(f"video download failed: {type(exc).__name__}") from None
    return b"".join(chunks)


async def make_playable(data: bytes, *, max_bytes: int, timeout_s: float) -> ReadyVideo:
    """``data`` as an MP4 Feishu plays, at most ``max_bytes``; re-encoded only when needed."""
    with tempfile.TemporaryDirectory(prefix="videobot-feishu-") as folder:
        source = Path(folder) / "source"
        await asyncio.to_thread(source.write_bytes, data)
        probe = await _probe(source)
        video = source
        if not probe.plays_in_feishu or len(data) > max_bytes:
            video = await _reencode(source, probe, Path(folder), max_bytes, timeout_s)
            probe = await _probe(video)
        cover = await _cover(video, probe.duration_s, Path(folder) / "cover.jpg")
        return ReadyVideo(await asyncio.to_thread(video.read_bytes), round(probe.duration_s * 1000), cover)


async def _reencode(source: Path, probe: _Probe, folder: Path, max_bytes: int, timeout_s: float) -> Path:
    """H.264 (yuv420p) + AAC with ``+faststart``, bitrate capped so the file fits ``max_bytes``."""
    budget = max_bytes * 8 * SIZE_MARGIN / max(probe.duration_s, 0.1)
    video_rate = budget - (AUDIO_BITRATE if probe.audio else 0)
    for attempt in range(3):
        rate = int(video_rate * 0.75**attempt)
        if rate < MIN_VIDEO_BITRATE:
            break
        target = folder / f"video-{attempt}.mp4"
        height = 1080 if rate >= 4_000_000 else 720 if rate >= 1_500_000 else 480
        audio = ["-c:a", "aac", "-b:a", str(AUDIO_BITRATE)] if probe.audio else ["-an"]
        await _ffmpeg(
            [
                "-i", str(source), "-map", "0:v:0", "-map", "0:a:0?",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
                "-maxrate", str(rate), "-bufsize", str(rate * 2), "-vf", f"scale=-2:'min(ih,{height})'",
                *audio, "-movflags", "+faststart", str(target),
            ],
            timeout_s,
        )  # fmt: skip
        if target.stat().st_size <= max_bytes:
            log.info("video re-encoded: %d bytes at %d bit/s", target.stat().st_size, rate)
            return target
    raise VideoError("the video cannot be made small enough")


async def _probe(path: Path) -> _Probe:
    """What ffmpeg says about ``path`` (there is no ffprobe in imageio-ffmpeg)."""
    _, stderr = await _run([_binary(), "-hide_banner", "-nostdin", "-i", str(path)], timeout_s=60)
    text = stderr.decode("utf-8", "replace")
    duration = _DURATION.search(text)
    video = _VIDEO.search(text)
    container = re.search(r"Input #0, ([^ ]+),", text)
    if not duration or not video or not container:
        raise VideoError("not a video ffmpeg can read")
    hours, minutes, seconds = duration.groups()
    audio = _AUDIO.search(text)
    brand = _BRAND.search(text)
    return _Probe(
        duration_s=int(hours) * 3600 + int(minutes) * 60 + float(seconds),
        container=container.group(1),
        brand=brand.group(1) if brand else "",
        video=video.group(1),
        pixels=video.group(2),
        audio=audio.group(1) if audio else None,
    )


async def _cover(video: Path, duration_s: float, target: Path) -> bytes | None:
    """A frame about half a second in (earlier for very short clips), as a JPEG at most 1280 wide."""
    at = f"{min(0.5, duration_s / 2):.2f}"
    try:
        await _ffmpeg(
            [
                "-ss",
                at,
                "-i",
                str(video),
                "-frames:v",
                "1",
                "-vf",
                "scale='min(iw,1280)':-2",
                "-q:v",
                "3",
                str(target),
            ],
            timeout_s=60,
        )
        return await asyncio.to_thread(target.read_bytes)
    except (VideoError, OSError):
        log.warning("no cover frame could be taken")
        return None


async def _ffmpeg(args: list[str], timeout_s: float) -> None:
    code, stderr = await _run(
        [_binary(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args], timeout_s
    )
    if code != 0:
        raise VideoError(f"ffmpeg exited with {code}: {stderr.decode('utf-8', 'replace')[-300:]}")


async def _run(command: list[str], timeout_s: float) -> tuple[int, bytes]:
    try:
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
    except OSError as exc:
        raise VideoError(f"cannot start ffmpeg: {exc.strerror}") from None
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout_s)
    except (TimeoutError, asyncio.CancelledError) as exc:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        if isinstance(exc, TimeoutError):
            raise VideoError(f"ffmpeg took longer than {timeout_s:.0f} s") from None
        raise
    return process.returncode or 0, stderr


def _binary() -> str:
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:
        raise VideoError("no ffmpeg binary") from exc
