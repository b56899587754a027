"""Which finished-video links an adapter may fetch and show: an ``https://`` link, or a file of ours.

A provider's answer names the video; a hostile or broken one could name ``file:///etc/passwd`` or a
service inside our network. Adapters fetch and show only ``https://`` links, ``file://`` paths that
lie in our own videos folder (the offline sandbox), and plain ``http://`` only from an origin the
operator configured as a provider's base URL (a local test server: the fakes serve no TLS).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass(frozen=True)
class VideoSources:
    """Where a finished video may come from: our videos folder, and plain-http origins we trust."""

    videos_dir: Path
    plain_http: frozenset[str] = frozenset()  # origins like ``http://127.0.0.1:8123``

    @classmethod
    def of(cls, videos_dir: Path, base_urls: Iterable[str]) -> VideoSources:
        return cls(videos_dir, frozenset(origin(url) for url in base_urls if url.startswith("http://")))

    def web(self, url: str | None) -> bool:
        """A link people in a chat can open, and that we may download."""
        if not url:
            return False
        return url.startswith("https://") or (url.startswith("http://") and origin(url) in self.plain_http)

    def local(self, url: str | None) -> Path | None:
        """The file a ``file://`` link names, when it is a file inside our videos folder; else ``None``."""
        if not url:
            return None
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        return path if path.is_relative_to(self.videos_dir.resolve()) and path.is_file() else None
