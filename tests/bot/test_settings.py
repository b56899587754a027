"""Settings from the environment and ``.env``: each variable, the defaults, and one clear line when bad."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings, SettingsError, load_settings

KEY = "ima_secret_key_4242"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No videobot or IMA variable from the outer environment, and a working directory with no ``.env``."""
    for name in list(os.environ):
        if name.upper().startswith(("IMA_", "VIDEOBOT_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings()


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(monkeypatch)
    assert settings.ima_api_key is None
    assert settings.ima_base_url == "https://api.imastudio.com"
    assert settings.ima_upload_base_url == "https://imapi.liveme.com"
    assert settings.data_dir == Path("data") and settings.prefs_path is None
    assert settings.preferences_file == Path("data/prefs.json")
    assert settings.ledger_path == Path("data/jobs.sqlite3")
    assert settings.videos_dir == Path("data/videos")
    assert (settings.lang, settings.time_scale, settings.max_jobs_per_user) == ("zh", 1.0, 2)
    assert (settings.job_retention_days, settings.log_level) == (30, "WARNING")


@pytest.mark.parametrize(
    ("variable", "raw", "field", "expected"),
    [
        ("IMA_BASE_URL", "http://127.0.0.1:8080/", "ima_base_url", "http://127.0.0.1:8080"),
        ("IMA_BASE_URL", "https://api.example.com", "ima_base_url", "https://api.example.com"),
        ("IMA_UPLOAD_BASE_URL", "https://up.example.com//", "ima_upload_base_url", "https://up.example.com"),
        ("VIDEOBOT_DATA_DIR", "/srv/videobot", "data_dir", Path("/srv/videobot")),
        ("VIDEOBOT_PREFS_PATH", "/etc/videobot/prefs.json", "prefs_path", Path("/etc/videobot/prefs.json")),
        ("VIDEOBOT_LANG", "en", "lang", "en"),
        ("VIDEOBOT_TIME_SCALE", "0.01", "time_scale", 0.01),
        ("VIDEOBOT_TIME_SCALE", "1000", "time_scale", 1000.0),
        ("VIDEOBOT_MAX_JOBS_PER_USER", "5", "max_jobs_per_user", 5),
        ("VIDEOBOT_JOB_RETENTION_DAYS", "7", "job_retention_days", 7),
        ("VIDEOBOT_LOG_LEVEL", "debug", "log_level", "DEBUG"),
        ("VIDEOBOT_LOG_LEVEL", "Error", "log_level", "ERROR"),
    ],
)
def test_each_variable_is_read(
    monkeypatch: pytest.MonkeyPatch, variable: str, raw: str, field: str, expected: Any
) -> None:
    assert getattr(load(monkeypatch, **{variable: raw}), field) == expected


def test_the_key_is_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(monkeypatch, IMA_API_KEY=KEY)
    assert settings.ima_api_key is not None and settings.ima_api_key.get_secret_value() == KEY
    assert KEY not in repr(settings) and KEY not in str(settings)


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_a_blank_key_means_no_key(monkeypatch: pytest.MonkeyPatch, blank: str) -> None:
    assert load(monkeypatch, IMA_API_KEY=blank).ima_api_key is None


def test_preferences_live_under_the_data_dir_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(monkeypatch, VIDEOBOT_DATA_DIR="/srv/vb")
    assert settings.preferences_file == Path("/srv/vb/prefs.json")
    assert settings.ledger_path == Path("/srv/vb/jobs.sqlite3") and settings.videos_dir == Path(
        "/srv/vb/videos"
    )
    told = load(monkeypatch, VIDEOBOT_PREFS_PATH="/elsewhere/p.json")
    assert told.preferences_file == Path("/elsewhere/p.json") and told.data_dir == Path("/srv/vb")


@pytest.mark.parametrize(
    ("variable", "raw"),
    [
        ("IMA_BASE_URL", "ftp://api.imastudio.com"),
        ("IMA_BASE_URL", "api.imastudio.com"),
        ("IMA_UPLOAD_BASE_URL", "imapi.liveme.com"),
        ("VIDEOBOT_LANG", "fr"),
        ("VIDEOBOT_TIME_SCALE", "fast"),
        ("VIDEOBOT_TIME_SCALE", "0"),
        ("VIDEOBOT_TIME_SCALE", "-1"),
        ("VIDEOBOT_TIME_SCALE", "1001"),
        ("VIDEOBOT_TIME_SCALE", "nan"),
        ("VIDEOBOT_MAX_JOBS_PER_USER", "0"),
        ("VIDEOBOT_MAX_JOBS_PER_USER", "101"),
        ("VIDEOBOT_MAX_JOBS_PER_USER", "two"),
        ("VIDEOBOT_MAX_JOBS_PER_USER", "1.5"),
        ("VIDEOBOT_JOB_RETENTION_DAYS", "0"),
        ("VIDEOBOT_LOG_LEVEL", "loud"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, raw: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load(monkeypatch, IMA_API_KEY=KEY, **{variable: raw})
    message = str(caught.value)
    assert message.startswith(f"invalid setting {variable}: ") and "\n" not in message
    assert KEY not in message


def test_a_dotenv_file_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    (clean_env / ".env").write_text(
        f"IMA_API_KEY={KEY}\nVIDEOBOT_LANG=en\nVIDEOBOT_MAX_JOBS_PER_USER=4\nSOMETHING_ELSE=1\n",
        encoding="utf-8",
    )
    settings = load(monkeypatch, VIDEOBOT_MAX_JOBS_PER_USER="3")
    assert settings.ima_api_key is not None and settings.ima_api_key.get_secret_value() == KEY
    assert settings.lang == "en" and settings.max_jobs_per_user == 3


def test_a_bad_value_in_the_dotenv_file_names_the_variable(clean_env: Path) -> None:
    (clean_env / ".env").write_text("VIDEOBOT_TIME_SCALE=soon\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^invalid setting VIDEOBOT_TIME_SCALE: "):
        load_settings()


def test_a_blank_prefs_path_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(monkeypatch, VIDEOBOT_DATA_DIR="/srv/vb", VIDEOBOT_PREFS_PATH="")
    assert settings.preferences_file == Path("/srv/vb/prefs.json")
