"""Settings from the environment (and an optional ``.env``). Bad values: one clear line, exit code 2."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.eventloop import EventLoopKind
from bot.videofiles import VideoSources
from handlers.access import id_set
from handlers.budgets import Budget, Calendar, Confirmation, Limits, usd_to_millicents
from providers.http import DEFAULT_MAX_IN_FLIGHT

AnySettings = TypeVar("AnySettings", bound=BaseSettings)
PROVIDERS = ("ima", "mediaio", "aivideomaker", "aims", "mythiq")


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

    mediaio_api_key: SecretStr | None = Field(default=None, validation_alias="MEDIAIO_API_KEY")
    mediaio_base_url: str = Field(default="https://openapi.media.io", validation_alias="MEDIAIO_BASE_URL")
    aivideomaker_api_key: SecretStr | None = Field(default=None, validation_alias="AIVIDEOMAKER_API_KEY")
    aivideomaker_base_url: str = Field(
        default="https://aivideomaker.ai", validation_alias="AIVIDEOMAKER_BASE_URL"
    )
    aims_api_key: SecretStr | None = Field(default=None, validation_alias="AIMS_API_KEY")
    aims_base_url: str = Field(
        default="https://app.ai-media-studio.com/api/v1", validation_alias="AIMS_BASE_URL"
    )
    mythiq_api_key: SecretStr | None = Field(default=None, validation_alias="MYTHIQ_API_KEY")
    mythiq_base_url: str = Field(default="https://api.mythiq.ai/v1", validation_alias="MYTHIQ_BASE_URL")
    provider_order: str = Field(
        default="ima,mediaio,aivideomaker,aims,mythiq", validation_alias="VIDEOBOT_PROVIDER_ORDER"
    )
    routing: Literal["optimal", "cheapest", "compatible"] = Field(
        default="optimal", validation_alias="VIDEOBOT_ROUTING"
    )
    pinned_provider: str | None = Field(default=None, validation_alias="VIDEOBOT_PROVIDER")
    image_host: Literal["ima"] | None = Field(default=None, validation_alias="VIDEOBOT_IMAGE_HOST")

    data_dir: Path = Field(default=Path("data"), validation_alias="VIDEOBOT_DATA_DIR")
    prefs_path: Path | None = Field(default=None, validation_alias="VIDEOBOT_PREFS_PATH")
    lang: Literal["zh", "en"] = Field(default="zh", validation_alias="VIDEOBOT_LANG")
    time_scale: float = Field(default=1.0, gt=0, le=1000, validation_alias="VIDEOBOT_TIME_SCALE")
    max_jobs_per_user: int = Field(default=2, ge=1, le=100, validation_alias="VIDEOBOT_MAX_JOBS_PER_USER")
    max_queued_per_user: int = Field(
        default=3, ge=0, le=50, validation_alias="VIDEOBOT_MAX_QUEUED_PER_USER"
    )  # requests over the limit wait in line, up to this many; 0: refused instead
    job_retention_days: int = Field(default=30, ge=1, le=3650, validation_alias="VIDEOBOT_JOB_RETENTION_DAYS")
    shutdown_grace_s: float = Field(default=20.0, ge=0, le=600, validation_alias="VIDEOBOT_SHUTDOWN_GRACE_S")
    # Requests each provider may have in flight at once; more wait their turn (providers.http).
    provider_max_in_flight: int = Field(
        default=DEFAULT_MAX_IN_FLIGHT, ge=1, le=10_000, validation_alias="VIDEOBOT_PROVIDER_MAX_IN_FLIGHT"
    )
    # Budgets in US$ (blank or "none": no limit); see handlers.budgets. Days start at midnight in the zone.
    budget_user_daily: float | None = Field(default=3.0, ge=0, validation_alias="VIDEOBOT_BUDGET_USER_DAILY")
    budget_user_monthly: float | None = Field(
        default=30.0, ge=0, validation_alias="VIDEOBOT_BUDGET_USER_MONTHLY"
    )
    budget_chat_daily: float | None = Field(default=20.0, ge=0, validation_alias="VIDEOBOT_BUDGET_CHAT_DAILY")
    budget_chat_monthly: float | None = Field(
        default=200.0, ge=0, validation_alias="VIDEOBOT_BUDGET_CHAT_MONTHLY"
    )
    budget_per_job: float | None = Field(default=3.0, ge=0, validation_alias="VIDEOBOT_BUDGET_PER_JOB")
    budget_timezone: str = Field(default="UTC", validation_alias="VIDEOBOT_BUDGET_TIMEZONE")
    # Admins, as platform:id (feishu:ou_x, discord:1234, cli:alice): /admin in the chat
    admins: str = Field(default="", validation_alias="VIDEOBOT_ADMINS")
    # A job dearer than this (US$) asks "shall I make it?" first; per chat: "feishu:oc_x=0.5,discord:1=none"
    confirm_above: float | None = Field(default=1.0, ge=0, validation_alias="VIDEOBOT_CONFIRM_ABOVE")
    confirm_above_chats: str = Field(default="", validation_alias="VIDEOBOT_CONFIRM_ABOVE_CHATS")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="WARNING", validation_alias="VIDEOBOT_LOG_LEVEL"
    )
    log_format: Literal["text", "json"] = Field(default="text", validation_alias="VIDEOBOT_LOG_FORMAT")
    # Several instances share one ledger in PostgreSQL (unset: the SQLite file and the JSON preferences).
    database_url: SecretStr | None = Field(default=None, validation_alias="VIDEOBOT_DATABASE_URL")
    database_pool_size: int = Field(default=10, ge=1, le=200, validation_alias="VIDEOBOT_DATABASE_POOL_SIZE")
    # Real seconds an instance holds its jobs without renewing; a dead instance's jobs move on after it.
    lease_s: float = Field(default=30.0, ge=3, le=600, validation_alias="VIDEOBOT_LEASE_S")
    # uvloop (libuv) by default; asyncio's own loop if a platform ever misbehaves on it.
    event_loop: EventLoopKind = Field(default="uvloop", validation_alias="VIDEOBOT_EVENT_LOOP")

    @field_validator(
        "ima_api_key", "mediaio_api_key", "aivideomaker_api_key", "aims_api_key", "mythiq_api_key"
    )
    @classmethod
    def _blank_key_is_none(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @field_validator(
        "ima_base_url",
        "ima_upload_base_url",
        "mediaio_base_url",
        "aivideomaker_base_url",
        "aims_base_url",
        "mythiq_base_url",
    )
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for a local test server)")
        return value.rstrip("/")

    @field_validator("provider_order")
    @classmethod
    def _known_providers(cls, value: str) -> str:
        names = [name.strip().lower() for name in value.split(",") if name.strip()]
        unknown = sorted(set(names) - set(PROVIDERS))
        if unknown:
            raise ValueError(f"unknown provider {', '.join(unknown)} (known: {', '.join(PROVIDERS)})")
        return ",".join(names)

    @field_validator("pinned_provider")
    @classmethod
    def _known_pin(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if value.strip().lower() not in PROVIDERS:
            raise ValueError(f"unknown provider (known: {', '.join(PROVIDERS)})")
        return value.strip().lower()

    @field_validator("image_host", mode="before")
    @classmethod
    def _blank_host_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _image_host_has_a_key(self) -> Settings:
        if self.image_host == "ima" and self.ima_api_key is None:
            raise ValueError(
                "VIDEOBOT_IMAGE_HOST=ima needs IMA_API_KEY (IMA's upload service hosts the images)"
            )
        return self

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not value.get_secret_value().strip().startswith(("postgresql://", "postgres://")):
            raise ValueError("must start with postgresql:// (e.g. postgresql://videobot:secret@db/videobot)")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("prefs_path", mode="before")
    @classmethod
    def _blank_path_is_default(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator(
        "budget_user_daily",
        "budget_user_monthly",
        "budget_chat_daily",
        "budget_chat_monthly",
        "budget_per_job",
        "confirm_above",
        mode="before",
    )
    @classmethod
    def _no_limit(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() in ("", "none", "off", "unlimited"):
            return None
        return value

    @field_validator("budget_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a time zone name (e.g. UTC, Asia/Shanghai)") from None
        return value.strip()

    @field_validator("confirm_above_chats")
    @classmethod
    def _chat_thresholds(cls, value: str) -> str:
        chat_thresholds(value)
        return value

    @property
    def admin_keys(self) -> frozenset[str]:
        return id_set(self.admins)

    @property
    def confirmation(self) -> Confirmation:
        return Confirmation(usd_to_millicents(self.confirm_above), chat_thresholds(self.confirm_above_chats))

    @property
    def budget(self) -> Budget:
        """The default budgets (admins override them at run time, in the ledger)."""
        limits = Limits(
            user_day=usd_to_millicents(self.budget_user_daily),
            user_month=usd_to_millicents(self.budget_user_monthly),
            chat_day=usd_to_millicents(self.budget_chat_daily),
            chat_month=usd_to_millicents(self.budget_chat_monthly),
            job=usd_to_millicents(self.budget_per_job),
        )
        return Budget(limits, Calendar(ZoneInfo(self.budget_timezone)))

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    def api_key(self, provider: str) -> str | None:
        """The configured key of ``provider``, or ``None``."""
        secret: SecretStr | None = getattr(self, f"{provider}_api_key")
        return secret.get_secret_value() if secret is not None else None

    def base_url(self, provider: str) -> str:
        url: str = getattr(self, f"{provider}_base_url")
        return url

    @property
    def providers_in_order(self) -> list[str]:
        """Providers with a key, in ``VIDEOBOT_PROVIDER_ORDER`` (then the rest in the default order)."""
        order = [*self.provider_order.split(","), *PROVIDERS]
        return [name for name in dict.fromkeys(order) if self.api_key(name)]

    @property
    def preferences_file(self) -> Path:
        return self.prefs_path or self.data_dir / "prefs.json"

    @property
    def ledger_path(self) -> Path:
        return self.data_dir / "jobs.sqlite3"

    @property
    def videos_dir(self) -> Path:
        return self.data_dir / "videos"

    @property
    def video_sources(self) -> VideoSources:
        """Where adapters may take finished videos from (https, our folder, a local test server)."""
        return VideoSources.of(self.videos_dir, (self.base_url(name) for name in PROVIDERS))


def chat_thresholds(value: str) -> dict[str, int | None]:
    """``feishu:oc_x=0.5,discord:123=none`` as millicents per chat key (``none``: never ask)."""
    found: dict[str, int | None] = {}
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        key, sep, amount = item.rpartition("=")
        if not sep or ":" not in key:
            raise ValueError(f"{item!r} is not <platform>:<chat id>=<US$>")
        try:
            found[key.strip()] = (
                None if amount.strip().lower() == "none" else usd_to_millicents(float(amount))
            )
        except ValueError:
            raise ValueError(f"{item!r}: {amount!r} is not an amount in US$") from None
    return found


def load_settings() -> Settings:
    """Read the core settings (see :func:`read_settings`)."""
    return read_settings(Settings)


def read_settings(kind: type[AnySettings]) -> AnySettings:
    """Read one settings class from the environment; a bad value is one :class:`SettingsError` line."""
    try:
        return kind()
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        if not first["loc"]:  # a rule about several settings together
            raise SettingsError(f"invalid settings: {message}") from None
        raise SettingsError(f"invalid setting {str(first['loc'][0]).upper()}: {message}") from None
