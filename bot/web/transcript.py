"""Each browser's conversation, kept so a reload or a restart shows it where it was.

One JSON-lines file per person under ``<data dir>/web/``: every message shown is appended (an edit of a
status message appends the same id again; the last one wins, in the place of the first). The file is
rewritten without the old lines once it holds twice :data:`KEEP` entries. Photos are never stored:
a person's own message keeps its words and the names of its photos.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

KEEP = 200  # messages a person sees again after a reload
Entry = dict[str, Any]  # {"id": ..., "from": "bot" | "me", ...}: what the page renders
_SAFE_ID = re.compile(r"^[0-9a-f]{8,64}$")


class Transcripts:
    """The conversations of every browser, in memory and on disk."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._loaded: dict[str, OrderedDict[str, Entry]] = {}
        self._lines: dict[str, int] = {}

    def entries(self, user_id: str) -> list[Entry]:
        """The person's last :data:`KEEP` messages, oldest first."""
        return list(self._of(user_id).values())[-KEEP:]

    def find(self, user_id: str, message_id: str) -> Entry | None:
        return self._of(user_id).get(message_id)

    def record(self, user_id: str, entry: Entry) -> None:
        """Add or (same ``id``) replace one message, durably."""
        entries = self._of(user_id)
        entries[entry["id"]] = entry
        self._lines[user_id] = self._lines.get(user_id, 0) + 1
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            if self._lines[user_id] > 2 * KEEP:
                self._rewrite(user_id, entries)
            else:
                with self._path(user_id).open("a", encoding="utf-8") as file:
                    file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        except OSError as exc:  # the chat goes on; only the copy for a later reload is missing
            log.warning("web transcript not saved: %s", exc.strerror)

    def _of(self, user_id: str) -> OrderedDict[str, Entry]:
        if not _SAFE_ID.match(user_id):
            raise ValueError("not a web user id")
        if user_id not in self._loaded:
            self._loaded[user_id] = self._read(user_id)
        return self._loaded[user_id]

    def _read(self, user_id: str) -> OrderedDict[str, Entry]:
        entries: OrderedDict[str, Entry] = OrderedDict()
        lines = 0
        try:
            with self._path(user_id).open(encoding="utf-8") as file:
                for line in file:
                    lines += 1
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue  # a line cut short by a crash
                    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                        entries[entry["id"]] = entry
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("web transcript not read: %s", exc.strerror)
        self._lines[user_id] = lines
        while len(entries) > KEEP:
            entries.popitem(last=False)
        return entries

    def _rewrite(self, user_id: str, entries: OrderedDict[str, Entry]) -> None:
        while len(entries) > KEEP:
            entries.popitem(last=False)
        path = self._path(user_id)
        part = path.with_suffix(".part")
        part.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries.values()), "utf-8")
        os.replace(part, path)
        self._lines[user_id] = len(entries)

    def _path(self, user_id: str) -> Path:
        return self._folder / f"{user_id}.jsonl"
