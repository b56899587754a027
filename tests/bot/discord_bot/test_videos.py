"""Reading the finished video for an upload: from disk or the web, never past the upload limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.discord_bot.videos import fetch_video
from bot.videofiles import VideoSources
from tests.fakes.server import serve

NOWHERE = VideoSources(Path("/nonexistent-videos"))
CLIP = b"\x00\x00\x00\x18ftypmp42" + b"x" * 1000


async def _clip(request: web.Request) -> web.Response:
    return web.Response(body=CLIP, content_type="video/mp4")


async def _gone(request: web.Request) -> web.Response:
    return web.Response(status=404)


async def _chunked(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    for _ in range(10):
        await response.write(CLIP)
    await response.write_eof()
    return response


@pytest.fixture
async def cdn() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_get("/clip.mp4", _clip)
    app.router.add_get("/long.mp4", _chunked)
    app.router.add_get("/gone.mp4", _gone)
    async with serve(app) as url:
        yield url


async def test_a_local_file_within_the_limit(tmp_path: Path) -> None:
    clip = tmp_path / "a clip.mp4"
    clip.write_bytes(CLIP)
    ours = VideoSources(tmp_path)
    assert await fetch_video(clip.as_uri(), len(CLIP), ours) == CLIP
    assert await fetch_video(clip.as_uri(), len(CLIP) - 1, ours) is None
    assert await fetch_video((tmp_path / "missing.mp4").as_uri(), 10**6, ours) is None


async def test_a_local_file_outside_our_videos_folder_is_never_read(tmp_path: Path) -> None:
    videos = VideoSources(tmp_path / "videos")
    videos.videos_dir.mkdir()
    secret = tmp_path / "secret.mp4"
    secret.write_bytes(CLIP)
    assert await fetch_video("file:///etc/passwd", 10**6, videos) is None
    assert await fetch_video(secret.as_uri(), 10**6, videos) is None
    assert await fetch_video(f"file://{videos.videos_dir}/../secret.mp4", 10**6, videos) is None


async def test_a_web_video_is_downloaded_up_to_the_limit(cdn: str) -> None:
    trusted = VideoSources.of(NOWHERE.videos_dir, [cdn])  # a local test server the operator configured
    assert await fetch_video(f"{cdn}/clip.mp4", 10**6, trusted) == CLIP
    assert await fetch_video(f"{cdn}/clip.mp4", 100, trusted) is None  # Content-Length says too large
    assert await fetch_video(f"{cdn}/long.mp4", 3 * len(CLIP), trusted) is None  # stops past the limit
    assert await fetch_video(f"{cdn}/long.mp4", 10**6, trusted) == CLIP * 10


async def test_plain_http_from_an_origin_nobody_configured_is_never_fetched(cdn: str) -> None:
    assert await fetch_video(f"{cdn}/clip.mp4", 10**6, NOWHERE) is None


async def test_unreachable_or_odd_addresses_give_nothing(cdn: str) -> None:
    assert await fetch_video(f"{cdn}/gone.mp4", 10**6, VideoSources.of(NOWHERE.videos_dir, [cdn])) is None
    assert await fetch_video("http://127.0.0.1:9/clip.mp4", 10**6, NOWHERE) is None
    assert await fetch_video("ftp://example.com/clip.mp4", 10**6, NOWHERE) is None
