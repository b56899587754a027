"""Discord settings from the environment (and an optional ``.env``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.settings import read_settings
from handlers.access import AccessPolicy, Gate, id_set

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"


class DiscordSettings(BaseSettings):
    """``DISCORD_*`` variables. The adapter runs when ``DISCORD_BOT_TOKEN`` is set."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_BOT_TOKEN")
    api_base: str = Field(default=DEFAULT_API_BASE, validation_alias="DISCORD_API_BASE")
    gateway_url: str = Field(default=DEFAULT_GATEWAY_URL, validation_alias="DISCORD_GATEWAY_URL")
    # Guilds that get the commands instantly (testing); without any, commands are global.
    guild_ids: Annotated[tuple[int, ...], NoDecode] = Field(default=(), validation_alias="DISCORD_GUILD_IDS")
    # An interaction token lives 15 minutes; edits switch to the bot token `margin` seconds before.
    token_life_s: float = Field(default=15 * 60, gt=0, validation_alias="DISCORD_TOKEN_LIFE_S")
    token_margin_s: float = Field(default=90, ge=0, validation_alias="DISCORD_TOKEN_MARGIN_S")
    max_image_mb: int = Field(default=10, ge=1, le=100, validation_alias="DISCORD_MAX_IMAGE_MB")
    dm_access: Gate = Field(default=Gate.OPEN, validation_alias="DISCORD_DM_ACCESS")
    server_access: Gate = Field(default=Gate.OPEN, validation_alias="DISCORD_SERVER_ACCESS")
    allowed_guilds: str = Field(default="", validation_alias="DISCORD_ALLOWED_GUILDS")
    allowed_channels: str = Field(default="", validation_alias="DISCORD_ALLOWED_CHANNELS")
    allowed_users: str = Field(default="", validation_alias="DISCORD_ALLOWED_USERS")
    allowed_roles: str = Field(default="", validation_alias="DISCORD_ALLOWED_ROLES")

    @field_validator("bot_token")
    @classmethod
    def _blank_token_is_none(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @field_validator("guild_ids", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(" ", "").split(",") if part)
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("dm_access", "server_access", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("api_base")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for a local test server)")
        return value.rstrip("/")

    @field_validator("gateway_url")
    @classmethod
    def _ws_url(cls, value: str) -> str:
        if not value.startswith(("wss://", "ws://")):
            raise ValueError("must start with wss:// (or ws:// for a local test server)")
        return value

    @property
    def configured(self) -> bool:
        """True when a bot token is set: ``videobot run`` then starts Discord."""
        return self.bot_token is not None

    @property
    def token(self) -> str:
        if self.bot_token is None:
            raise ValueError("DISCORD_BOT_TOKEN is not set")
        return self.bot_token.get_secret_value().strip()

    @property
    def edit_window_s(self) -> float:
        """How long after an interaction its token is still used (then bot-token messages)."""
        return max(0.0, self.token_life_s - self.token_margin_s)

    @property
    def access(self) -> AccessPolicy:
        """Who may use the bot: DMs and servers each open, allowlist or off (servers, channels, users,
        roles; any one match lets an interaction in)."""
        return AccessPolicy(
            dms=self.dm_access,
            groups=self.server_access,
            chats=id_set(self.allowed_channels),
            users=id_set(self.allowed_users),
            orgs=id_set(self.allowed_guilds),
            roles=id_set(self.allowed_roles),
        )

    @property
    def max_image_bytes(self) -> int:
        return self.max_image_mb * 1024 * 1024


def load_discord_settings() -> DiscordSettings:
    """Read the settings, turning validation errors into one :class:`SettingsError` line."""
    return read_settings(DiscordSettings)
