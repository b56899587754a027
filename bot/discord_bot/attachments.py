"""Pictures users upload: checked from Discord's metadata before anything is awaited, then read at once.

Attachment URLs are signed and expire, so the bytes are read while handling the command or message.
Only JPEG, PNG and WEBP up to ``max_bytes`` are taken; the bytes must start like the type claims.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from enum import StrEnum

import aiohttp
import discord

from messages import attachment_not_image, attachment_too_large
from messages.platform_discord import attachment_unreadable
from messages.reply import Lang
from providers.types import ImageInput

log = logging.getLogger(__name__)

SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
}


class Refusal(StrEnum):
    NOT_IMAGE = "not_image"
    TOO_LARGE = "too_large"
    UNREADABLE = "unreadable"


class AttachmentRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


def content_type(attachment: discord.Attachment) -> str:
    return (attachment.content_type or "").split(";")[0].strip().lower()


def check(attachments: Sequence[discord.Attachment], max_bytes: int) -> Refusal | None:
    """Why these attachments cannot be used as pictures, from their metadata alone (no await)."""
    for attachment in attachments:
        if content_type(attachment) not in SIGNATURES:
            return Refusal.NOT_IMAGE
        if attachment.size > max_bytes:
            return Refusal.TOO_LARGE
    return None


async def read_images(attachments: Sequence[discord.Attachment], max_bytes: int) -> tuple[ImageInput, ...]:
    """The pictures' bytes, read now; raises :class:`AttachmentRefused` for any that will not do."""
    refusal = check(attachments, max_bytes)
    if refusal is not None:
        raise AttachmentRefused(refusal)
    return tuple([await _read(attachment, max_bytes) for attachment in attachments])


async def _read(attachment: discord.Attachment, max_bytes: int) -> ImageInput:
    kind = content_type(attachment)
    try:
        data = await attachment.read()
    except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
        log.warning("could not read attachment %s: %s", attachment.id, type(exc).__name__)
        raise AttachmentRefused(Refusal.UNREADABLE) from None
    if len(data) > max_bytes:
        raise AttachmentRefused(Refusal.TOO_LARGE)
    if not data.startswith(SIGNATURES[kind]) or (kind == "image/webp" and data[8:12] != b"WEBP"):
        raise AttachmentRefused(Refusal.NOT_IMAGE)
    return ImageInput(data=data, content_type=kind, filename=attachment.filename)


def refusal_text(lang: Lang, refusal: Refusal, max_bytes: int) -> str:
    """The friendly answer for a refused attachment."""
    if refusal is Refusal.NOT_IMAGE:
        return attachment_not_image(lang)
    if refusal is Refusal.TOO_LARGE:
        return attachment_too_large(lang, max_bytes // (1024 * 1024))
    return attachment_unreadable(lang)
