"""Reading ``im.message.receive_v1``: who wrote what, where, with which pictures, and whether we were @-ed.

Pure functions of the event's JSON (im-platforms.md §1.4). ``content`` is a JSON string per
``message_type``: text (``@_user_N`` placeholders for mentions), post (rich text, sometimes wrapped in a
locale key), image. Anything else is "unsupported" and answered (or ignored) by the receiver.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SUPPORTED = frozenset({"text", "post", "image"})
UNREADABLE = "unreadable"  # a supported type whose content could not be read
_PLACEHOLDER = re.compile(r"@_(?:user_\d+|all)")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _UserId(_Strict):
    open_id: str = ""


class _Mention(_Strict):
    key: str
    id: _UserId = _UserId()
    name: str = ""


class _Message(_Strict):
    message_id: str
    chat_id: str
    chat_type: str
    message_type: str
    content: str = ""
    create_time: str = "0"
    parent_id: str | None = None
    mentions: list[_Mention] | None = None


class _SenderId(_Strict):
    open_id: str = Field(min_length=1)


class _Sender(_Strict):
    sender_id: _SenderId
    sender_type: str = "user"
    tenant_key: str = ""


class _Event(_Strict):
    sender: _Sender
    message: _Message


@dataclass(frozen=True)
class FeishuMessage:
    """One received message, read: text without the bot's mention, the picture keys, the parent."""

    message_id: str
    chat_id: str
    chat_type: str  # "p2p" (a DM) or "group"
    sender_id: str  # open_id
    sender_type: str
    tenant_key: str
    message_type: str
    text: str
    image_keys: tuple[str, ...]
    parent_id: str | None
    mentions_bot: bool
    mentions_anyone: bool
    sent_at_ms: int

    @property
    def is_dm(self) -> bool:
        return self.chat_type == "p2p"

    @property
    def supported(self) -> bool:
        return self.message_type in SUPPORTED


class MalformedEvent(Exception):
    """The event is not a readable ``im.message.receive_v1``."""


def read_message(event: Any, bot_open_id: str | None) -> FeishuMessage:
    """The message of an event's ``event`` object; raises :class:`MalformedEvent`."""
    try:
        parsed = _Event.model_validate(event)
    except ValidationError as exc:
        raise MalformedEvent(f"{exc.error_count()} problems, first at {exc.errors()[0]['loc']}") from None
    message = parsed.message
    mentions = message.mentions or []
    bot_keys = {m.key for m in mentions if bot_open_id and m.id.open_id == bot_open_id}
    names = {m.key: m.name for m in mentions if m.key not in bot_keys}
    message_type, text = message.message_type, ""
    image_keys: tuple[str, ...] = ()
    if message_type in SUPPORTED:
        try:
            text, image_keys = read_content(message_type, message.content, bot_keys, names, bot_open_id)
        except MalformedEvent:
            message_type = UNREADABLE  # we know where it came from: answered like any odd message
    return FeishuMessage(
        message_id=message.message_id,
        chat_id=message.chat_id,
        chat_type=message.chat_type,
        sender_id=parsed.sender.sender_id.open_id,
        sender_type=parsed.sender.sender_type,
        tenant_key=parsed.sender.tenant_key,
        message_type=message_type,
        text=text,
        image_keys=image_keys,
        parent_id=message.parent_id or None,
        mentions_bot=bool(bot_keys) or _post_ats(message, bot_open_id),
        mentions_anyone=bool(mentions) or "@_all" in message.content,
        sent_at_ms=int(message.create_time) if message.create_time.isdigit() else 0,
    )


def read_content(
    message_type: str,
    content: str,
    bot_keys: set[str] | frozenset[str] = frozenset(),
    names: dict[str, str] | None = None,
    bot_open_id: str | None = None,
) -> tuple[str, tuple[str, ...]]:
    """``(text, image keys)`` of a text, post or image message's ``content`` JSON string."""
    try:
        body = json.loads(content)
    except ValueError:
        raise MalformedEvent("content is not JSON") from None
    if not isinstance(body, dict):
        raise MalformedEvent("content is not an object")
    names = names or {}
    if message_type == "image":
        key = body.get("image_key")
        return "", (key,) if isinstance(key, str) and key else ()
    if message_type == "post":
        return _read_post(body, bot_keys, names, bot_open_id)
    text = body.get("text")
    return _tidy(_replace_mentions(text if isinstance(text, str) else "", bot_keys, names)), ()


def _replace_mentions(text: str, bot_keys: set[str] | frozenset[str], names: dict[str, str]) -> str:
    """The bot's mention and ``@_all`` vanish; other people's placeholders become their names."""

    def name(match: re.Match[str]) -> str:
        key = match.group()
        return "" if key in bot_keys else names.get(key, "")

    return _PLACEHOLDER.sub(name, text)


def _read_post(
    body: dict[str, Any], bot_keys: set[str] | frozenset[str], names: dict[str, str], bot_open_id: str | None
) -> tuple[str, tuple[str, ...]]:
    post = body if "content" in body else next((v for v in body.values() if isinstance(v, dict)), {})
    lines: list[str] = []
    images: list[str] = []
    title = post.get("title")
    if isinstance(title, str) and title.strip():
        lines.append(title.strip())
    paragraphs = post.get("content")
    for paragraph in paragraphs if isinstance(paragraphs, list) else []:
        words: list[str] = []
        for element in paragraph if isinstance(paragraph, list) else []:
            if not isinstance(element, dict):
                continue
            tag = element.get("tag")
            if tag in ("text", "a", "code_block", "md"):
                words.append(str(element.get("text", "")))
            elif tag == "img" and isinstance(element.get("image_key"), str):
                images.append(element["image_key"])
            elif tag == "at":
                user = str(element.get("user_id", ""))
                if user not in bot_keys and user != bot_open_id and user not in ("all", "@_all"):
                    words.append(str(element.get("user_name") or names.get(user, "")))
        lines.append(_replace_mentions("".join(words), bot_keys, names))
    return _tidy("\n".join(lines)), tuple(images)


def _tidy(text: str) -> str:
    """Runs of spaces become one; empty lines go."""
    return "\n".join(tidy for line in text.splitlines() if (tidy := " ".join(line.split())))


def _post_ats(message: _Message, bot_open_id: str | None) -> bool:
    """Whether a post's ``at`` elements name the bot's open_id (a post may @ it only there)."""
    if message.message_type != "post" or not bot_open_id:
        return False
    try:
        body = json.loads(message.content)
    except ValueError:
        return False
    found: set[str] = set()
    stack: list[Any] = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("tag") == "at" and isinstance(item.get("user_id"), str):
                found.add(item["user_id"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return bot_open_id in found
