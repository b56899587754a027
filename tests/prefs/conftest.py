"""Shared fixtures for the preference store tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from prefs import Preference, PreferenceStore

WHEN = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


def wan(credit: int = 25) -> Preference:
    return Preference(
        model_id="wan2.6-t2v",
        model_name="Wan 2.6",
        credit=credit,
        last_used=WHEN,
        model_key="wan-2.6",
        provider="ima",
    )


@pytest.fixture
def prefs_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "prefs.json"


@pytest.fixture
def store(prefs_path: Path) -> PreferenceStore:
    return PreferenceStore(prefs_path)
