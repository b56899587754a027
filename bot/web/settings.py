"""The web chat's settings: when it runs, and the token that guards it beyond this machine."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    """``VIDEOBOT_WEB_CHAT``: ``auto`` (the default: on when no chat platform is configured), ``on`` or
    ``off``. ``VIDEOBOT_WEB_TOKEN``: the access token, required when ``VIDEOBOT_HTTP_HOST`` is not a
    loopback address (people open ``http://host:port/?token=...`` once)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    chat: Literal["auto", "on", "off"] = Field(default="auto", validation_alias="VIDEOBOT_WEB_CHAT")
    token: SecretStr | None = Field(default=None, validation_alias="VIDEOBOT_WEB_TOKEN")

    def wanted(self, *, platforms: bool) -> bool:
        """Whether the web chat runs, given whether a chat platform (Feishu, Discord) is configured."""
        return self.chat == "on" or (self.chat == "auto" and not platforms)
