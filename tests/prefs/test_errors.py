"""Unusable paths end in PreferenceStoreError, which callers can catch."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from prefs import PreferenceStore, PreferenceStoreError
from providers.types import TaskType
from tests.prefs.conftest import wan

ALICE = "user_cli:alice"
T2V = TaskType.TEXT_TO_VIDEO


async def test_parent_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    store = PreferenceStore(blocker / "prefs.json")
    with pytest.raises(PreferenceStoreError, match=r"prefs\.json"):
        await store.set(ALICE, T2V, wan())
    with pytest.raises(PreferenceStoreError):
        await store.get(ALICE, T2V)
    with pytest.raises(PreferenceStoreError):
        await store.reset(ALICE)


async def test_path_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "prefs.json").mkdir()
    store = PreferenceStore(tmp_path / "prefs.json")
    with pytest.raises(PreferenceStoreError):
        await store.get(ALICE, T2V)
    with pytest.raises(PreferenceStoreError):
        await store.set(ALICE, T2V, wan())


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
async def test_read_only_directory(tmp_path: Path) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    directory.chmod(0o500)
    try:
        with pytest.raises(PreferenceStoreError):
            await PreferenceStore(directory / "prefs.json").set(ALICE, T2V, wan())
    finally:
        directory.chmod(0o700)


async def test_lock_timeout(prefs_path: Path) -> None:
    store = PreferenceStore(prefs_path, lock_timeout=0.05)
    await store.set(ALICE, T2V, wan(25))
    with (prefs_path.parent / "prefs.json.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(PreferenceStoreError, match="lock"):
            await store.set(ALICE, T2V, wan(99))
        assert await store.get(ALICE, T2V) == wan(25)  # readers never wait for the lock
    await store.set(ALICE, T2V, wan(99))
    assert await store.get(ALICE, T2V) == wan(99)
