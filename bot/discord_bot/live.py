"""Live interactions: which slash command or click a job's replies answer, while its token is usable.

A job's chat carries ``reply_to`` = the interaction id. The channel looks it up here: while the
interaction token is fresh, replies edit the original response (and send followups) with it. After
``edit_window_s`` (shortly before Discord's 15 minutes), after a token error, or after a restart (this
registry lives in memory), the lookup misses and replies go through bot-token channel messages,
except for an ephemeral one: its answers stay private (a direct message, or nothing), never the channel.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import discord


@dataclass
class LiveInteraction:
    """One acknowledged interaction and what has been shown with its token."""

    interaction: discord.Interaction[Any]
    ephemeral: bool = False
    original_pending: bool = True  # the "thinking…" placeholder still awaits its first reply
    original_id: str | None = None  # the original response's message id, once shown
    shown: set[str] = field(default_factory=set)  # ids of the messages this token may edit
    dead: bool = False  # Discord refused the token: never use it again (no retry loops)
    received: float = field(default_factory=time.monotonic)

    @property
    def filesize_limit(self) -> int:
        return self.interaction.filesize_limit


PRIVATE_KEPT_S = 24 * 3600.0


class LiveInteractions:
    """Interactions by id, forgotten once their token should no longer be used."""

    def __init__(self, edit_window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._window_s = edit_window_s
        self._clock = clock
        self._live: dict[str, LiveInteraction] = {}
        self._private: dict[str, float] = {}  # ephemeral interactions, remembered past their token

    def add(
        self, interaction: discord.Interaction[Any], *, ephemeral: bool = False, original_pending: bool = True
    ) -> LiveInteraction:
        self._prune()
        live = LiveInteraction(
            interaction, ephemeral=ephemeral, original_pending=original_pending, received=self._clock()
        )
        self._live[str(interaction.id)] = live
        if ephemeral:
            self._private[str(interaction.id)] = live.received
        return live

    def get(self, interaction_id: str | None) -> LiveInteraction | None:
        """The interaction if its token may still be used, else ``None`` (use the bot token)."""
        live = self._live.get(interaction_id) if interaction_id else None
        if live is None or live.dead or self._clock() - live.received >= self._window_s:
            return None
        return live

    def is_private(self, interaction_id: str | None) -> bool:
        """Whether answers to this interaction must stay private (it was answered ephemerally)."""
        return bool(interaction_id) and interaction_id in self._private

    def _prune(self) -> None:
        now = self._clock()
        self._private = {key: at for key, at in self._private.items() if now - at < PRIVATE_KEPT_S}
        self._live = {
            key: live
            for key, live in self._live.items()
            if not live.dead and now - live.received < self._window_s
        }
