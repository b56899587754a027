"""What a page sends over its WebSocket: a hello, words with photos, or a tap on a button."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from messages.reply import Lang
from providers.types import ImageInput

MAX_PHOTO_BYTES = 20 * 1024 * 1024
MAX_PHOTOS = 4
MAX_TEXT_CHARS = 8000
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp"})
# Base64 is 4/3 of the bytes; a frame holds the photos and the words.
MAX_FRAME_BYTES = MAX_PHOTOS * (MAX_PHOTO_BYTES * 4 // 3 + 1024) + 64 * 1024


class _Frame(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Hello(_Frame):
    type: Literal["hello"]
    lang: str = ""  # the browser's language (navigator.language), for a first greeting


class Photo(_Frame):
    name: str = Field(default="photo", max_length=200)
    type: str
    data: str  # base64


class Say(_Frame):
    type: Literal["say"]
    id: str = Field(pattern=r"^[0-9a-f-]{8,64}$")  # the page's id for this message (redelivery dedupe)
    text: str = Field(default="", max_length=MAX_TEXT_CHARS)
    photos: tuple[Photo, ...] = Field(default=(), max_length=MAX_PHOTOS)


class Click(_Frame):
    type: Literal["click"]
    id: str = Field(pattern=r"^[0-9a-f-]{8,64}$")
    action: Literal["retry", "go", "stop", "cancel", "again", "another", "vertical", "landscape", "use"]
    job: str = Field(default="", max_length=64)
    model: str = Field(default="", max_length=200)
    task: str = Field(default="", max_length=64)
    lang: Lang | None = None  # the language of the message the button is on


Frame = Annotated[Hello | Say | Click, Field(discriminator="type")]
_FRAMES: TypeAdapter[Hello | Say | Click] = TypeAdapter(Frame)


class BadPhoto(Exception):
    """A photo that is not an image we take, or too large (``too_large``)."""

    def __init__(self, *, too_large: bool) -> None:
        super().__init__("too large" if too_large else "not an image")
        self.too_large = too_large


def read_frame(raw: str) -> Hello | Say | Click | None:
    """The frame, or ``None`` for anything we do not understand (never an error for the page)."""
    try:
        return _FRAMES.validate_json(raw)
    except ValidationError:
        return None


def photos_of(say: Say) -> tuple[ImageInput, ...]:
    """The photos' bytes; :class:`BadPhoto` for one that is not a picture or is too large."""
    images = []
    for photo in say.photos:
        if photo.type not in IMAGE_TYPES:
            raise BadPhoto(too_large=False)
        if len(photo.data) > MAX_PHOTO_BYTES * 4 // 3 + 4:
            raise BadPhoto(too_large=True)
        try:
            data = base64.b64decode(photo.data, validate=True)
        except (binascii.Error, ValueError):
            raise BadPhoto(too_large=False) from None
        if not data or len(data) > MAX_PHOTO_BYTES:
            raise BadPhoto(too_large=bool(data))
        images.append(ImageInput(data=data, content_type=photo.type, filename=photo.name))
    return tuple(images)


def browser_lang(tag: str) -> Lang | None:
    """``zh-CN`` -> zh, ``en-GB`` -> en; anything else -> None."""
    tag = tag.lower()
    return "zh" if tag.startswith("zh") else "en" if tag.startswith("en") else None
