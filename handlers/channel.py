"""How the conversation talks back: each adapter registers one channel for its platform."""

from __future__ import annotations

import logging
from typing import Protocol

from handlers.inbound import ChatRef
from messages.reply import Reply

log = logging.getLogger(__name__)


class Channel(Protocol):
    """An adapter's way to show a reply. Implementations never raise for a user's content."""

    async def send(self, chat: ChatRef, reply: Reply, *, replace: str | None = None) -> str | None:
        """Show ``reply`` in ``chat``; with ``replace``, edit that earlier message where the platform can.

        Returns the platform's id of the message shown (for later edits), or ``None``.
        """
        ...


class DeliveryError(Exception):
    """A reply could not be shown at all (the adapter already tried its fallbacks)."""


class ChatUnreachable(DeliveryError):
    """The platform says we can never post in this chat (the bot was removed, blocked, lost access).

    Raised by an adapter only for such permanent refusals; a job that meets it before the provider's
    create ends there, so nothing is paid for a chat nobody can read.
    """


class Outbox:
    """The channels of the running adapters, by platform."""

    def __init__(self) -> None:
        self._channels: dict[str, Channel] = {}

    def register(self, platform: str, channel: Channel) -> None:
        self._channels[platform] = channel

    async def send(self, chat: ChatRef, reply: Reply, *, replace: str | None = None) -> str | None:
        channel = self._channels.get(chat.platform)
        if channel is None:
            raise DeliveryError(f"no channel for platform {chat.platform!r}")
        return await channel.send(chat, reply, replace=replace)
