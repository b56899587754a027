"""The file primitives under the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from prefs.files import write_atomic


def test_write_atomic_creates_missing_directories(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "prefs.json"
    write_atomic(target, b"{}\n")
    assert target.read_bytes() == b"{}\n"


def test_failed_replace_removes_the_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "prefs.json"
    target.mkdir()
    (target / "keep").write_text("x", encoding="utf-8")  # a non-empty directory cannot be replaced
    with pytest.raises(OSError):
        write_atomic(target, b"{}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prefs.json"]
