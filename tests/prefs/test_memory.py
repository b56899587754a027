"""The document in memory: reads cost a stat, writes coalesce, and nothing is lost or shown unsaved."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

import prefs.store
from prefs import PreferenceStore
from providers.types import TaskType
from tests.prefs.conftest import wan

T2V = TaskType.TEXT_TO_VIDEO


class Counted:
    """Counts calls to a file primitive of the store and lets them through unchanged."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.calls = 0
        real = getattr(prefs.store, name)

        def counted(*args: Any) -> Any:
            self.calls += 1
            return real(*args)

        monkeypatch.setattr(prefs.store, name, counted)


async def test_reads_of_an_unchanged_file_do_not_read_it(
    store: PreferenceStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.set("user_cli:alice", T2V, wan(25))
    reads = Counted(monkeypatch, "read_document")
    for _ in range(100):
        assert await store.get("user_cli:alice", T2V) == wan(25)
    assert reads.calls == 0


async def test_a_burst_of_changes_is_written_in_a_few_writes(
    store: PreferenceStore, prefs_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes = Counted(monkeypatch, "write_atomic")
    await asyncio.gather(*(store.set(f"user_cli:u{n}", T2V, wan(n)) for n in range(300)))
    assert writes.calls < 30  # coalesced: one write carries every change made while the last was written
    on_disk = json.loads(prefs_path.read_text(encoding="utf-8"))
    assert {key for key in on_disk} == {f"user_cli:u{n}" for n in range(300)}


async def test_another_writer_is_seen_and_neither_loses_the_other(prefs_path: Path) -> None:
    ours, theirs = PreferenceStore(prefs_path), PreferenceStore(prefs_path)  # as two processes
    await ours.set("user_cli:alice", T2V, wan(1))
    await theirs.set("user_cli:bob", T2V, wan(2))
    assert await ours.get("user_cli:bob", T2V) == wan(2)  # the file changed: read again
    await asyncio.gather(ours.set("user_cli:alice", T2V, wan(3)), theirs.set("user_cli:cy", T2V, wan(4)))
    for store in (ours, theirs):
        assert [await store.get(f"user_cli:{who}", T2V) for who in ("alice", "bob", "cy")] == [
            wan(3),
            wan(2),
            wan(4),
        ]


async def test_a_change_shows_at_once_even_while_a_reread_happens(prefs_path: Path) -> None:
    ours, theirs = PreferenceStore(prefs_path), PreferenceStore(prefs_path)
    await ours.set("user_cli:alice", T2V, wan(1))
    pending = asyncio.create_task(ours.set("user_cli:alice", T2V, wan(5)))
    await asyncio.sleep(0)  # our change is in memory, its write under way
    await theirs.set("user_cli:bob", T2V, wan(2))  # the file changes under us
    assert await ours.get("user_cli:alice", T2V) == wan(5)
    await pending
    assert await PreferenceStore(prefs_path).get("user_cli:alice", T2V) == wan(5)
