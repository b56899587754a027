"""Crash-safe file primitives: an advisory lock, an atomic replace, a corrupt file moved aside.

Every function raises ``OSError`` (including ``TimeoutError`` for the lock) and nothing else, except
:func:`read_document`, which also raises :class:`CorruptDocumentError`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class CorruptDocumentError(Exception):
    """The file exists but is not a UTF-8 JSON object. The message never quotes the file's content."""


def read_document(path: Path) -> dict[str, Any]:
    """The file's JSON object; ``{}`` when the file (or its directory) is missing or blank."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    if not raw.strip():
        return {}
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CorruptDocumentError("not UTF-8") from exc
    except (ValueError, RecursionError) as exc:
        raise CorruptDocumentError("invalid JSON") from exc
    if not isinstance(document, dict):
        raise CorruptDocumentError(f"top level is a JSON {type(document).__name__}, not an object")
    return document


def encode_document(document: dict[str, Any]) -> bytes:
    """Human-readable JSON: 2-space indent, sorted keys, UTF-8 text (no ``\\u`` escapes), final newline."""
    return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so readers see the old or the new file, never a torn one.

    A temp file in the same directory is written, flushed and fsynced, renamed over ``path``, and the
    directory is fsynced so the rename survives a crash. The directory is created if missing. The new
    file is private to its owner (mode 0600, from ``mkstemp``).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def file_lock(lock_path: Path, timeout: float, poll_interval: float = 0.005) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path`` (created if missing, never deleted).

    The lock file is a sidecar, never replaced, so every process locks the same inode. Raises
    ``TimeoutError`` when the lock is not free within ``timeout`` seconds.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"lock {lock_path.name} still held after {timeout:g} s") from None
                time.sleep(poll_interval)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def quarantine(path: Path) -> Path:
    """Move ``path`` aside to ``<name>.corrupt-<UTC timestamp>`` and return the new path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    os.replace(path, target)
    return target
