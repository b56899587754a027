"""A corrupt preferences file is moved aside and the store carries on from empty."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from prefs import PreferenceStore
from providers.types import TaskType
from tests.prefs.conftest import wan

SECRET_USER = "user_feishu:ou_private_person"
T2V = TaskType.TEXT_TO_VIDEO

CORRUPT = [
    pytest.param(b'{"' + SECRET_USER.encode() + b'": {"text_to_video": ', id="truncated-json"),
    pytest.param(b'["' + SECRET_USER.encode() + b'"]', id="top-level-list"),
    pytest.param(b'"' + SECRET_USER.encode() + b'"', id="top-level-string"),
    pytest.param(b"\xff\xfe" + SECRET_USER.encode(), id="not-utf8"),
]


def corrupt_copies(prefs_path: Path) -> list[Path]:
    return sorted(prefs_path.parent.glob("prefs.json.corrupt-*"))


@pytest.mark.parametrize("content", CORRUPT)
async def test_read_moves_corrupt_file_aside(
    content: bytes, store: PreferenceStore, prefs_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    prefs_path.parent.mkdir(parents=True)
    prefs_path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="prefs"):
        assert await store.get(SECRET_USER, T2V) is None
    [copy] = corrupt_copies(prefs_path)
    assert copy.read_bytes() == content
    assert not prefs_path.exists()
    assert "prefs.json" in caplog.text and copy.name in caplog.text
    assert "ou_private_person" not in caplog.text

    await store.set(SECRET_USER, T2V, wan())  # still usable
    assert await store.get(SECRET_USER, T2V) == wan()
    assert corrupt_copies(prefs_path) == [copy]


async def test_write_over_corrupt_file_moves_it_aside_first(store: PreferenceStore, prefs_path: Path) -> None:
    prefs_path.parent.mkdir(parents=True)
    prefs_path.write_text("{oops", encoding="utf-8")
    await store.set(SECRET_USER, T2V, wan())
    assert [p.read_text(encoding="utf-8") for p in corrupt_copies(prefs_path)] == ["{oops"]
    assert list(json.loads(prefs_path.read_text(encoding="utf-8"))) == [SECRET_USER]


@pytest.mark.parametrize("content", [b"", b"  \n"])
async def test_blank_file_is_empty_not_corrupt(
    content: bytes, store: PreferenceStore, prefs_path: Path
) -> None:
    prefs_path.parent.mkdir(parents=True)
    prefs_path.write_bytes(content)
    assert await store.all_for(SECRET_USER) == {}
    assert corrupt_copies(prefs_path) == []
    await store.set(SECRET_USER, T2V, wan())
    assert await store.get(SECRET_USER, T2V) == wan()


async def test_each_corruption_gets_its_own_copy(store: PreferenceStore, prefs_path: Path) -> None:
    prefs_path.parent.mkdir(parents=True)
    for attempt in range(3):
        prefs_path.write_text(f"broken {attempt}", encoding="utf-8")
        assert await store.all_for(SECRET_USER) == {}
    contents = sorted(p.read_text(encoding="utf-8") for p in corrupt_copies(prefs_path))
    assert contents == ["broken 0", "broken 1", "broken 2"]
