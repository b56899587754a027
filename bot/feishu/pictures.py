"""The pictures of a message (or of the message it replies to), downloaded into memory for the provider.

Images in posts and image messages come with the message-resource API (``type=image``, the key must
belong to the message given); a text that replies to a picture gets the parent's picture (groups:
a bare picture cannot @ the bot, so users reply to it with "@bot animate this").
"""

from __future__ import annotations

import logging
from enum import StrEnum

from bot.feishu.api import FeishuApi, TooLarge
from bot.feishu.errors import FeishuError
from bot.feishu.inbound import FeishuMessage, MalformedEvent, read_content
from providers.types import ImageInput

log = logging.getLogger(__name__)

MAX_PICTURES = 2  # a first and a last frame
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"BM", "image/bmp", "bmp"),
)


class Trouble(StrEnum):
    TOO_LARGE = "too_large"
    NOT_AN_IMAGE = "not_an_image"
    UNAVAILABLE = "unavailable"


class PictureTrouble(Exception):
    def __init__(self, trouble: Trouble) -> None:
        super().__init__(trouble.value)
        self.trouble = trouble


async def pictures_of(api: FeishuApi, message: FeishuMessage, max_bytes: int) -> tuple[ImageInput, ...]:
    """The message's pictures; for a text replying to a picture, that picture. Raises PictureTrouble."""
    keys, owner = message.image_keys, message.message_id
    if not keys and message.parent_id and message.text:
        keys, owner = await _parent_pictures(api, message.parent_id), message.parent_id
    pictures = []
    for key in keys[:MAX_PICTURES]:
        try:
            data, _ = await api.download(owner, key, "image", max_bytes)
        except TooLarge:
            raise PictureTrouble(Trouble.TOO_LARGE) from None
        except FeishuError as exc:
            log.warning("picture %s of %s unavailable: %s", key, owner, exc)
            raise PictureTrouble(Trouble.UNAVAILABLE) from None
        content_type, suffix = sniff(data)
        if not content_type:
            raise PictureTrouble(Trouble.NOT_AN_IMAGE)
        pictures.append(ImageInput(data=data, content_type=content_type, filename=f"{key}.{suffix}"))
    return tuple(pictures)


async def _parent_pictures(api: FeishuApi, parent_id: str) -> tuple[str, ...]:
    try:
        msg_type, content = await api.message(parent_id)
        if msg_type not in ("image", "post"):
            return ()
        return read_content(msg_type, content)[1]
    except (FeishuError, MalformedEvent) as exc:
        log.info("the replied-to message %s is unreadable: %s", parent_id, exc)
        return ()


def sniff(data: bytes) -> tuple[str, str]:
    """``(content type, suffix)`` of a picture by its first bytes; ``("", "")`` when it is none we know."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    for signature, content_type, suffix in SIGNATURES:
        if data.startswith(signature):
            return content_type, suffix
    return "", ""
