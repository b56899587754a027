from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from prefs import Preference, user_key


def test_user_key_joins_platform_and_id() -> None:
    assert user_key("feishu", "ou_x") == "user_feishu:ou_x"
    assert user_key("cli", "alice") == "user_cli:alice"
    assert user_key("discord", "123") == "user_discord:123"


@pytest.mark.parametrize(("platform", "user_id"), [("", "alice"), ("cli", "")])
def test_user_key_rejects_empty_parts(platform: str, user_id: str) -> None:
    with pytest.raises(ValueError):
        user_key(platform, user_id)


def test_naive_last_used_is_taken_as_utc() -> None:
    pref = Preference(model_id="m", model_name="M", credit=1, last_used=datetime(2026, 1, 2, 3, 4))
    assert pref.last_used == datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    assert pref.last_used.tzinfo is UTC


def test_aware_last_used_is_converted_to_utc() -> None:
    beijing = timezone(timedelta(hours=8))
    pref = Preference(
        model_id="m", model_name="M", credit=1, last_used=datetime(2026, 1, 2, 11, tzinfo=beijing)
    )
    assert pref.last_used == datetime(2026, 1, 2, 3, tzinfo=UTC)
    assert pref.last_used.utcoffset() == timedelta(0)


def test_unknown_fields_are_kept() -> None:
    pref = Preference.model_validate(
        {"model_id": "m", "model_name": "M", "credit": 1, "last_used": "2026-01-02T03:04:00Z", "note": "hi"}
    )
    assert pref.model_dump(mode="json")["note"] == "hi"
    assert pref.model_key is None and pref.provider is None
