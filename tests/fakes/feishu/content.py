"""Message content checks as Feishu makes them (im-platforms.md §1.6): each answer is an error or None.

- ``content`` must be a JSON string of an object (double encoding or a bare object: 230001);
- text needs ``text``; image an uploaded ``image_key``;
- media needs a ``file_key`` uploaded with ``file_type="mp4"`` (else 230055, the classic mistake) and,
  when given, an uploaded ``image_key``; ``file`` with an mp4 upload is 230055 too;
- interactive: a JSON 2.0 card (``schema``, ``body.elements``) of at most 30 KB (230025), every
  ``img_key`` uploaded, buttons with ``behaviors``; a callback value must be an object (230099).
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.fakes.feishu.state import State

Json = dict[str, Any]
Problem = tuple[int, str] | None
MAX_CARD_BYTES = 30 * 1024
MAX_TEXT_BYTES = 150 * 1024
MSG_TYPES = frozenset(
    {"text", "post", "image", "file", "audio", "media", "sticker", "interactive", "share_chat"}
)


def check_content(state: State, msg_type: str, content: Any) -> Problem:
    if msg_type not in MSG_TYPES:
        return 230001, f"invalid msg_type {msg_type!r}"
    if not isinstance(content, str):
        return 230001, "content must be a JSON string"
    try:
        body = json.loads(content)
    except ValueError:
        return 230001, "content is not valid JSON"
    if not isinstance(body, dict):
        return 230001, "content is not a JSON object (double encoded?)"
    if msg_type == "text":
        text = body.get("text")
        if not isinstance(text, str) or not text:
            return 230001, "text message without text"
        return (230025, "text too long") if len(content.encode()) > MAX_TEXT_BYTES else None
    if msg_type == "image":
        return _known_image(state, body.get("image_key"))
    if msg_type in ("media", "file"):
        return _file(state, msg_type, body)
    if msg_type == "interactive":
        return check_card(state, body, len(content.encode()))
    return None


def _known_image(state: State, key: Any) -> Problem:
    upload = state.uploads.get(key) if isinstance(key, str) else None
    return None if upload is not None and upload.kind == "image" else (230001, f"unknown image_key {key!r}")


def _file(state: State, msg_type: str, body: Json) -> Problem:
    key = body.get("file_key")
    upload = state.uploads.get(key) if isinstance(key, str) else None
    if upload is None or upload.kind == "image":
        return 230001, f"unknown file_key {key!r}"
    if (msg_type == "media") != (upload.kind == "mp4"):
        return 230055, "The type of file upload does not match the type of message"
    if msg_type == "media" and "image_key" in body:
        return _known_image(state, body["image_key"])
    return None


def check_card(state: State, card: Json, size: int) -> Problem:
    if size > MAX_CARD_BYTES:
        return 230025, "card content exceeds 30 KB"
    if card.get("schema") != "2.0":
        return 230099, "only JSON 2.0 cards are accepted by this fake"
    body = card.get("body")
    elements = body.get("elements") if isinstance(body, dict) else None
    if not isinstance(elements, list):
        return 230099, "card body.elements must be a list"
    for element in elements:
        problem = _element(state, element)
        if problem:
            return problem
    return None


def _element(state: State, element: Any) -> Problem:
    if not isinstance(element, dict) or not isinstance(element.get("tag"), str):
        return 230099, "card element without tag"
    tag = element["tag"]
    if tag == "img":
        return _known_image(state, element.get("img_key"))
    if tag == "button":
        behaviors = element.get("behaviors")
        if not isinstance(behaviors, list) or not behaviors:
            return 230099, "button without behaviors"
        for behavior in behaviors:
            if not isinstance(behavior, dict):
                return 230099, "button behavior is not an object"
            if behavior.get("type") == "callback" and not isinstance(behavior.get("value"), dict):
                return 230099, "callback value must be an object"
            if behavior.get("type") == "open_url" and not str(behavior.get("default_url", "")).startswith(
                ("https://", "http://")
            ):
                return 230099, "open_url needs a web link"
    return None


def card_buttons(card: Json) -> list[Json]:
    """The buttons of a card, in order."""
    body = card.get("body") or {}
    return [e for e in body.get("elements", []) if isinstance(e, dict) and e.get("tag") == "button"]


def card_text(card: Json) -> str:
    """All the words of a card (title and text elements)."""
    words = [str(((card.get("header") or {}).get("title") or {}).get("content", ""))]
    for element in (card.get("body") or {}).get("elements", []):
        if isinstance(element, dict) and element.get("tag") == "markdown":
            words.append(rendered_markdown(str(element.get("content", ""))))
        elif isinstance(element, dict) and element.get("tag") == "div":
            text = element.get("text") or {}
            words.append(str(text.get("content", "")) if isinstance(text, dict) else "")
    return "\n".join(words)


def rendered_markdown(content: str) -> str:
    """What a reader sees of card markdown we send: bold marks gone, escapes and entities resolved."""
    text = content.replace("**", "")
    text = re.sub(r"\\(.)", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">")


def update_multi(card: Json) -> bool:
    return bool((card.get("config") or {}).get("update_multi"))
