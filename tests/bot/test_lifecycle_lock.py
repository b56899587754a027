"""The data directory lock in process: held while running, refused to a second holder, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.lifecycle import LOCK_NAME, DataDirBusy, hold_data_dir


def test_the_lock_is_exclusive_and_released_on_exit(tmp_path: Path) -> None:
    with hold_data_dir(tmp_path):
        assert (tmp_path / LOCK_NAME).is_file()
        with pytest.raises(DataDirBusy, match="another videobot is already running"), hold_data_dir(tmp_path):
            pass
    with hold_data_dir(tmp_path):  # free again
        pass


def test_a_data_dir_that_cannot_be_made_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DataDirBusy, match="cannot be used") as caught, hold_data_dir(blocker / "data"):
        pass
    assert "\n" not in str(caught.value)
