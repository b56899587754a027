"""Which finished-video links an adapter may fetch and show: an ``https://`` link, or a file of ours.

A provider's answer names the video; a hostile or broken one could name ``file:///etc/passwd``.
Adapters fetch only web links and, for the offline sandbox, ``file://`` paths that lie in our own
videos folder. (Plain ``http://`` is still taken: the local fakes the tests run against serve no TLS;
requiring ``https://`` is part of the spending-guard issue.)
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit


def is_web_video(url: str | None) -> bool:
    """A link people in a chat can open, and that we may download."""
    return bool(url) and str(url).startswith(("https://", "http://"))


def local_video(url: str | None, videos_dir: Path) -> Path | None:
    """The file a ``file://`` link names, when it is a file inside ``videos_dir``; else ``None``."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    return path if path.is_relative_to(videos_dir.resolve()) and path.is_file() else None
