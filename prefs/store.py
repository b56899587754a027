"""The JSON preference store: read before every generation, written after every success.

File shape (seed 001 "User Preference Memory", plus our ``model_key`` and ``provider``)::

    {"user_<platform>:<id>": {"<task_type>": {
        "model_id": ..., "model_name": ..., "credit": 25, "last_used": "<ISO-8601 UTC>",
        "model_key": ..., "provider": ...}}}

Reading is tolerant: a missing or blank file is empty; a file that is not a JSON object is moved aside to
``<name>.corrupt-<UTC timestamp>`` (logged by file name only) and the store carries on from empty. Inside a
good file, a user entry that is not an object, or a preference that does not validate, is skipped on read and
left untouched in the file; an unknown task type is ignored on read and preserved on rewrite.

The document is kept in memory. A read costs one ``stat``: the file is read again only when it changed
(its inode, size, mtime or ctime: an edit in place that keeps the size and mtime still moves the
ctime), so external edits and other processes' writes are seen at once. A change applies to memory at
once and is written through: changes that arrive while a write is under way are written together in
the next one, each a read-modify-write under an ``flock`` on ``<name>.lock`` (so no process loses
another's update), replacing the file atomically. ``set`` and ``reset`` return once their change is
on disk. File IO runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from prefs.base import valid_preferences
from prefs.errors import PreferenceStoreError
from prefs.files import (
    CorruptDocumentError,
    encode_document,
    file_lock,
    quarantine,
    read_document,
    write_atomic,
)
from prefs.model import Preference
from providers.types import TaskType

log = logging.getLogger(__name__)

Document = dict[str, Any]
Change = Callable[[Document], bool]  # edits the document in place; True when it changed anything
Stamp = tuple[int, int, int, int] | None  # (inode, size, mtime, ctime) of the file; None if there is none
T = TypeVar("T")


class PreferenceStore:
    """Per-user, per-task-type model preferences in one JSON file. ``user`` is a full :func:`user_key`."""

    def __init__(self, path: Path, *, lock_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self._lock_path = self.path.with_name(f"{self.path.name}.lock")
        self._document: Document | None = None  # None until first read
        self._stamp: Stamp = None  # the file the document was read from or written to
        self._unsaved: list[tuple[Change, asyncio.Future[None]]] = []  # applied in memory, not yet on disk
        self._writer: asyncio.Task[None] | None = None
        self._reading = asyncio.Lock()

    async def get(self, user: str, task_type: TaskType) -> Preference | None:
        """The user's preference for ``task_type`` as the file has it now; ``None`` if there is none."""
        return (await self.all_for(user)).get(task_type)

    async def all_for(self, user: str) -> dict[TaskType, Preference]:
        """Every valid preference of ``user``, as the file has them now (plus changes being written)."""
        document = await self._current()
        return valid_preferences(document.get(user), f"file {self.path.name}")

    async def set(self, user: str, task_type: TaskType, pref: Preference) -> None:
        """Remember ``pref`` as the user's model for ``task_type`` (replacing any previous one)."""
        entry = pref.model_dump(mode="json", exclude_none=True)

        def put(document: Document) -> bool:
            entries = document.get(user)
            if not isinstance(entries, dict):
                entries = document[user] = {}
            entries[task_type.value] = entry
            return True

        await self._update(put)

    async def reset(self, user: str, task_type: TaskType | None = None) -> int:
        """Forget one preference, or with no ``task_type`` everything stored for ``user``.

        Returns how many entries were removed (the file is not rewritten when that is 0).
        """
        removed = 0

        def drop(document: Document) -> bool:
            nonlocal removed
            entries = document.get(user)
            if task_type is None:
                if user not in document:
                    return False
                removed = len(entries) if isinstance(entries, dict) else 0
                del document[user]
                return True
            if not isinstance(entries, dict) or task_type.value not in entries:
                return False
            del entries[task_type.value]
            if not entries:
                del document[user]
            removed = 1
            return True

        await self._update(drop)
        return removed

    async def _current(self) -> Document:
        """The document, read again first if the file changed (one read however many ask at once)."""
        if self._document is not None and self._guarded(self._file_stamp) == self._stamp:
            return self._document
        async with self._reading:
            if self._document is None or self._guarded(self._file_stamp) != self._stamp:
                document, stamp = await asyncio.to_thread(self._guarded, self._load_stamped)
                for change, _ in self._unsaved:  # what this process changed still shows
                    change(document)
                self._document, self._stamp = document, stamp
            return self._document

    async def _update(self, change: Change) -> None:
        document = await self._current()
        change(document)
        saved = asyncio.get_running_loop().create_future()
        self._unsaved.append((change, saved))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_through(), name="prefs:write")
        await saved

    async def _write_through(self) -> None:
        """Write the changes made so far, in batches, until none is left."""
        while self._unsaved:
            batch = list(self._unsaved)
            try:
                document, stamp = await asyncio.to_thread(
                    self._guarded, partial(self._read_modify_write, [change for change, _ in batch])
                )
            except PreferenceStoreError as exc:
                del self._unsaved[: len(batch)]
                self._document = None  # read the file again: it decides what was saved
                for _, saved in batch:
                    if not saved.done():
                        saved.set_exception(exc)
                continue
            del self._unsaved[: len(batch)]
            for change, _ in self._unsaved:  # made while this batch was written
                change(document)
            self._document, self._stamp = document, stamp
            for _, saved in batch:
                if not saved.done():
                    saved.set_result(None)

    def _guarded(self, operation: Callable[[], T]) -> T:
        try:
            return operation()
        except OSError as exc:  # includes the lock's TimeoutError
            raise PreferenceStoreError(f"preferences file {self.path}: {exc}") from exc

    def _file_stamp(self) -> Stamp:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)  # ctime: no one can set it

    def _load_stamped(self) -> tuple[Document, Stamp]:
        stamp = self._file_stamp()  # before the read: a write in between is seen at the next read
        return self._load(), stamp

    def _read_modify_write(self, changes: list[Change]) -> tuple[Document, Stamp]:
        with file_lock(self._lock_path, self.lock_timeout):
            document = self._load_locked()
            if any([change(document) for change in changes]):  # every change applies, in order
                write_atomic(self.path, encode_document(document))
            return document, self._file_stamp()

    def _load(self) -> Document:
        try:
            return read_document(self.path)
        except CorruptDocumentError:
            # Re-check under the lock: another process may have replaced or moved the file meanwhile.
            with file_lock(self._lock_path, self.lock_timeout):
                return self._load_locked()

    def _load_locked(self) -> Document:
        try:
            return read_document(self.path)
        except CorruptDocumentError as exc:
            moved = quarantine(self.path)
            log.warning(
                "preferences file %s is corrupt (%s); moved aside to %s, starting empty",
                self.path.name,
                exc,
                moved.name,
            )
            return {}
