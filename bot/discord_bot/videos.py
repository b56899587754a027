"""The finished video's bytes, when they fit one Discord upload.

``file://`` videos (the offline sandbox) are read from disk, only from our videos folder; ``https://``
videos are downloaded, stopping as soon as they pass the limit (see :mod:`bot.videofiles`). ``None``
means: too large, unreadable or not ours to fetch, show the URL instead.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import httpx

from bot.videofiles import VideoSources

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT_S = 60.0


async def fetch_video(url: str, limit: int, sources: VideoSources) -> bytes | None:
    """The video at ``url`` if it is at most ``limit`` bytes and ours to fetch, else ``None``."""
    if url.startswith("file://"):
        path = sources.local(url)
        if path is None:
            log.warning("a video link outside our videos folder was not read")
            return None
        return await asyncio.to_thread(_read_file, path, limit)
    if sources.web(url):
        return await _download(url, limit)
    return None


def _read_file(path: Path, limit: int) -> bytes | None:
    try:
        if path.stat().st_size > limit:
            return None
        return path.read_bytes()
    except OSError as exc:
        log.warning("could not read the video file: %s", type(exc).__name__)
        return None


async def _download(url: str, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    try:
        async with (
            httpx.AsyncClient(timeout=DOWNLOAD_TIMEOUT_S, follow_redirects=True) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                log.warning("video download answered HTTP %s", response.status_code)
                return None
            declared = response.headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > limit:
                return None
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    return None
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        log.warning("video download failed: %s", type(exc).__name__)
        return None
    return b"".join(chunks)
