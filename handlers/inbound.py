"""Our message model: what an adapter hands the conversation, platform-free."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from messages.reply import Lang
from providers.types import ImageInput


class ChatRef(BaseModel):
    """Where to answer: platform, chat, user and the message to thread replies under."""

    model_config = ConfigDict(frozen=True)

    platform: str  # "cli", "feishu", "discord", ...
    chat_id: str
    user_id: str
    reply_to: str | None = None  # the user's message id, for threaded replies
    lang: Lang | None = None  # fixed by the adapter (e.g. --lang), else detected per message
    space: str | None = None  # the shared place a group message spends from (Feishu group, Discord server)

    @property
    def user_key(self) -> str:
        """The namespaced user id of preferences and limits: ``cli:alice``, ``feishu:ou_x``."""
        return f"{self.platform}:{self.user_id}"

    @property
    def space_key(self) -> str | None:
        """The shared chat's budget key (``feishu:oc_x``, ``discord:<server id>``); None in a DM."""
        return f"{self.platform}:{self.space}" if self.space else None


class InboundMessage(BaseModel):
    """One user message: text plus the images the platform delivered with it."""

    model_config = ConfigDict(frozen=True)

    chat: ChatRef
    message_id: str
    text: str = ""
    images: tuple[ImageInput, ...] = ()

    @property
    def inbound_key(self) -> str:
        """Identity of this message across redeliveries: platform + message id."""
        return f"{self.chat.platform}:{self.message_id}"
