"""Settings from the environment (and an optional ``.env``). Bad values: one clear line, exit code 2."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(Exception):
    """Settings that cannot work; the message is one line naming the variable."""


class Settings(BaseSettings):
    """Every variable videobot reads. The README lists them all."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    ima_api_key: SecretStr | None = Field(default=None, validation_alias="IMA_API_KEY")
    ima_base_url: str = Field(default="https://api.imastudio.com", validation_alias="IMA_BASE_URL")
    ima_upload_base_url: str = Field(
        default="https://imapi.liveme.com", validation_alias="IMA_UPLOAD_BASE_URL"
    )

    data_dir: Path = Field(default=Path("data"), validation_alias="VIDEOBOT_DATA_DIR")
    prefs_path: Path | None = Field(default=None, validation_alias="VIDEOBOT_PREFS_PATH")
    lang: Literal["zh", "en"] = Field(default="zh", validation_alias="VIDEOBOT_LANG")
    time_scale: float = Field(default=1.0, gt=0, le=1000, validation_alias="VIDEOBOT_TIME_SCALE")
    max_jobs_per_user: int = Field(default=2, ge=1, le=100, validation_alias="VIDEOBOT_MAX_JOBS_PER_USER")
    job_retention_days: int = Field(default=30, ge=1, le=3650, validation_alias="VIDEOBOT_JOB_RETENTION_DAYS")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="WARNING", validation_alias="VIDEOBOT_LOG_LEVEL"
    )

    @field_validator("ima_api_key")
    @classmethod
    def _blank_key_is_none(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @field_validator("ima_base_url", "ima_upload_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for a local test server)")
        return value.rstrip("/")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def preferences_file(self) -> Path:
        return self.prefs_path or self.data_dir / "prefs.json"

    @property
    def ledger_path(self) -> Path:
        return self.data_dir / "jobs.sqlite3"

    @property
    def videos_dir(self) -> Path:
        return self.data_dir / "videos"


def load_settings() -> Settings:
    """Read the settings, turning validation errors into one :class:`SettingsError` line."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        raise SettingsError(f"invalid setting {name.upper()}: {first['msg']}") from None
