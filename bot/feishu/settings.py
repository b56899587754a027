"""Feishu (Lark) settings from the environment, and the timings and limits tests make small."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.settings import read_settings
from handlers.access import AccessPolicy, Gate, id_set

FEISHU_DOMAIN = "https://open.feishu.cn"
LARK_DOMAIN = "https://open.larksuite.com"
DOMAIN_NAMES = {"feishu": FEISHU_DOMAIN, "lark": LARK_DOMAIN}
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class FeishuSettings(BaseSettings):
    """``FEISHU_*``: the app's credentials, its domain and how events arrive."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    app_id: str | None = Field(default=None, validation_alias="FEISHU_APP_ID")
    app_secret: SecretStr | None = Field(default=None, validation_alias="FEISHU_APP_SECRET")
    domain: str = Field(default=FEISHU_DOMAIN, validation_alias="FEISHU_DOMAIN")
    connection: Literal["ws", "webhook"] = Field(default="ws", validation_alias="FEISHU_CONNECTION")
    verification_token: SecretStr | None = Field(default=None, validation_alias="FEISHU_VERIFICATION_TOKEN")
    encrypt_key: SecretStr | None = Field(default=None, validation_alias="FEISHU_ENCRYPT_KEY")
    require_mention: bool = Field(default=True, validation_alias="FEISHU_REQUIRE_MENTION")
    dm_access: Gate = Field(default=Gate.OPEN, validation_alias="FEISHU_DM_ACCESS")
    group_access: Gate = Field(default=Gate.OPEN, validation_alias="FEISHU_GROUP_ACCESS")
    allowed_chats: str = Field(default="", validation_alias="FEISHU_ALLOWED_CHATS")
    allowed_users: str = Field(default="", validation_alias="FEISHU_ALLOWED_USERS")
    allowed_tenants: str = Field(default="", validation_alias="FEISHU_ALLOWED_TENANTS")

    @field_validator("app_id", mode="before")
    @classmethod
    def _blank_id_is_none(cls, value: object) -> object:
        return value.strip() or None if isinstance(value, str) else value

    @field_validator("app_secret", "verification_token", "encrypt_key")
    @classmethod
    def _blank_secret_is_none(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @field_validator("connection", "dm_access", "group_access", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("domain")
    @classmethod
    def _origin(cls, value: str) -> str:
        """``feishu``, ``lark``, or an origin: https, or http on this machine only (as lark-oapi demands)."""
        value = DOMAIN_NAMES.get(value.strip().lower(), value.strip()).rstrip("/")
        parts = urlsplit(value)
        local = parts.scheme == "http" and parts.hostname in LOOPBACK
        if not (parts.scheme == "https" or local) or not parts.hostname or parts.path or parts.query:
            raise ValueError("must be feishu, lark or a base URL such as https://open.feishu.cn")
        return value

    @model_validator(mode="after")
    def _webhook_needs_token(self) -> FeishuSettings:
        if self.configured and self.connection == "webhook" and self.verification_token is None:
            raise ValueError("FEISHU_CONNECTION=webhook needs FEISHU_VERIFICATION_TOKEN")
        return self

    @property
    def configured(self) -> bool:
        """Both the app id and the app secret are set: the Feishu adapter should run."""
        return self.app_id is not None and self.app_secret is not None

    @property
    def access(self) -> AccessPolicy:
        """Who may use the bot: DMs and groups each open, allowlist or off (chat ids, open ids, tenants)."""
        return AccessPolicy(
            dms=self.dm_access,
            groups=self.group_access,
            chats=id_set(self.allowed_chats),
            users=id_set(self.allowed_users),
            orgs=id_set(self.allowed_tenants),
        )

    def secret(self, name: Literal["app_secret", "verification_token", "encrypt_key"]) -> str:
        """A secret's value, or ``""`` when it is not set (the SDK's "none")."""
        value: SecretStr | None = getattr(self, name)
        return value.get_secret_value() if value is not None else ""


def load_feishu_settings() -> FeishuSettings:
    """Read the settings, turning validation errors into one :class:`SettingsError` line."""
    return read_settings(FeishuSettings)


@dataclass(frozen=True)
class FeishuTuning:
    """Limits and timings of the adapter; the defaults follow Feishu's documented rules."""

    max_image_bytes: int = 20 * 1024 * 1024  # a user's picture, downloaded into memory
    max_download_bytes: int = 300 * 1024 * 1024  # a generated video before re-encoding
    max_upload_bytes: int = 30 * 1024 * 1024  # Feishu's cap for an uploaded mp4
    patch_interval_s: float = 0.2  # at most 5 card updates per second per message
    default_backoff_s: float = 1.0  # after a rate limit that names no reset time
    max_backoff_s: float = 60.0
    send_attempts: int = 3  # per create/reply/upload when rate limited or the network fails
    stale_after_s: float = 30 * 60  # an older message starts nothing (see docs/feishu.md)
    seen_ttl_s: float = 12 * 3600  # remember message ids longer than Feishu's ~7 h of retries
    watchdog_every_s: float = 5.0  # how often the long connection is checked
    silent_pings: float = 3.0  # no frame for this many ping intervals: the connection is dead
    reconnect_backoff_s: tuple[float, float] = (1.0, 60.0)  # first and longest wait between attempts
    encode_timeout_s: float = 600.0
