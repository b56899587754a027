"""Card updates within Feishu's limits: one paced writer per message, the latest content always wins.

Feishu allows 5 PATCHes per second per message; a rate limit (99991400 / HTTP 429, or 230020) says
when to come back in ``x-ogw-ratelimit-reset``; a recalled message (230011) or one older than 14 days
(230031) can never be updated again (im-platforms.md §1.6, §1.8). So each message gets one slot
holding only the newest content and one task that writes it: updates made while a PATCH is in
flight or while we back off are merged into the next write, and the last state is never lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from bot.feishu.api import FeishuApi
from bot.feishu.errors import FeishuError
from bot.feishu.settings import FeishuTuning

log = logging.getLogger(__name__)

Json = dict[str, Any]
MAX_FAILURES = 3  # per content version, for errors that are neither rate limits nor terminal


@dataclass
class _Slot:
    content: Json | None = None
    version: int = 0  # of ``content``
    written: int = 0  # the last version Feishu accepted (or that we gave up on)
    accepted: bool = True  # whether version ``written`` was accepted
    not_before: float = 0.0  # monotonic time of the next allowed PATCH
    failures: int = 0
    dead: bool = False  # recalled or too old: never again
    writer: asyncio.Task[None] | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)


class CardPatcher:
    """Updates interactive cards in place, paced per message."""

    def __init__(self, api: FeishuApi, tuning: FeishuTuning) -> None:
        self._api = api
        self._tuning = tuning
        self._slots: dict[str, _Slot] = {}

    def dead(self, message_id: str) -> bool:
        slot = self._slots.get(message_id)
        return slot is not None and slot.dead

    def update(self, message_id: str, card: Json) -> bool:
        """Show ``card`` on ``message_id`` as soon as the limits allow; ``False`` if it never can be."""
        slot = self._slots.setdefault(message_id, _Slot())
        if slot.dead:
            return False
        slot.content = card
        slot.version += 1
        slot.changed.set()
        if slot.writer is None or slot.writer.done():
            slot.writer = asyncio.create_task(self._write(message_id, slot), name=f"patch:{message_id}")
        return True

    async def finish(self, message_id: str, card: Json) -> bool:
        """Show ``card`` as the message's last state and wait: ``True`` once Feishu accepted it."""
        if not self.update(message_id, card):
            return False
        slot = self._slots[message_id]
        version = slot.version
        while slot.written < version and not slot.dead:
            slot.changed.clear()
            await slot.changed.wait()
        accepted = not slot.dead and slot.written == version and slot.accepted
        if slot.written == slot.version:
            self._slots.pop(message_id, None)
        return accepted

    async def aclose(self) -> None:
        writers = [slot.writer for slot in self._slots.values() if slot.writer and not slot.writer.done()]
        for writer in writers:
            writer.cancel()
        await asyncio.gather(*writers, return_exceptions=True)
        self._slots.clear()

    async def _write(self, message_id: str, slot: _Slot) -> None:
        """Write the newest content until the slot holds nothing newer (or the message is dead)."""
        while slot.written < slot.version and not slot.dead:
            wait = slot.not_before - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            version, content = slot.version, slot.content
            assert content is not None
            try:
                await self._api.patch(message_id, content)
            except FeishuError as error:
                self._failed(message_id, slot, version, error)
            else:
                slot.written, slot.accepted, slot.failures = version, True, 0
                slot.not_before = time.monotonic() + self._tuning.patch_interval_s
            slot.changed.set()

    def _failed(self, message_id: str, slot: _Slot, version: int, error: FeishuError) -> None:
        if error.not_editable:
            log.info("card %s can no longer be updated (%s): stopped", message_id, error.code)
            slot.dead = True
            return
        if error.rate_limited:
            wait = self._api.backoff(error, 1)
            log.info("card %s: rate limited, next update in %.1f s", message_id, wait)
            slot.not_before = time.monotonic() + wait
            return
        slot.failures += 1
        if slot.failures >= MAX_FAILURES:
            log.warning("card %s: update %d given up: %s", message_id, version, error)
            slot.written, slot.accepted, slot.failures = version, False, 0
            return
        slot.not_before = time.monotonic() + self._api.backoff(error, slot.failures)
