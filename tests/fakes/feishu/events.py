"""Events as Feishu sends them (schema 2.0): received messages, card clicks, and webhook encryption.

Webhook bodies are ``{"encrypt": base64(iv + AES-256-CBC(sha256(key), PKCS7(json)))}`` and signed with
``X-Lark-Signature = sha256(timestamp + nonce + encrypt_key + body)`` (im-platforms.md §1.3).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from typing import Any

from Crypto.Cipher import AES

from tests.fakes.feishu.state import new_id

Json = dict[str, Any]


def header(event_type: str, *, app_id: str, token: str, event_id: str | None = None) -> Json:
    return {
        "event_id": event_id or new_id(""),
        "event_type": event_type,
        "create_time": str(int(time.time() * 1000)),
        "token": token,
        "app_id": app_id,
        "tenant_key": "tk",
    }


def message_event(
    *,
    app_id: str,
    token: str,
    message_id: str,
    chat_id: str,
    chat_type: str,
    sender: str,
    msg_type: str,
    content: Json | str,
    mentions: list[Json] | None = None,
    parent_id: str | None = None,
    sent_at: float | None = None,
    event_id: str | None = None,
) -> Json:
    """An ``im.message.receive_v1`` event; ``content`` is JSON-encoded unless already a string."""
    sent_ms = str(int((sent_at if sent_at is not None else time.time()) * 1000))
    message: Json = {
        "message_id": message_id,
        "root_id": parent_id or "",
        "parent_id": parent_id or "",
        "create_time": sent_ms,
        "update_time": sent_ms,
        "chat_id": chat_id,
        "chat_type": chat_type,
        "message_type": msg_type,
        "content": content if isinstance(content, str) else json.dumps(content, ensure_ascii=False),
        "user_agent": "Mozilla/5.0 Lark/7.30",
    }
    if mentions:
        message["mentions"] = mentions
    return {
        "schema": "2.0",
        "header": header("im.message.receive_v1", app_id=app_id, token=token, event_id=event_id),
        "event": {
            "sender": {
                "sender_id": {"open_id": sender, "union_id": f"on_{sender}", "user_id": sender[-6:]},
                "sender_type": "user",
                "tenant_key": "tk",
            },
            "message": message,
        },
    }


def mention(key: str, open_id: str, name: str) -> Json:
    return {"key": key, "id": {"open_id": open_id, "union_id": f"on_{open_id}", "user_id": ""}, "name": name}


def card_action(
    *, app_id: str, token: str, operator: str, chat_id: str, message_id: str, value: Json
) -> Json:
    """A ``card.action.trigger`` callback: someone clicked a callback button."""
    return {
        "schema": "2.0",
        "header": header("card.action.trigger", app_id=app_id, token=token),
        "event": {
            "operator": {"tenant_key": "tk", "open_id": operator, "union_id": f"on_{operator}"},
            "token": new_id("c-"),
            "action": {"value": value, "tag": "button"},
            "host": "im_message",
            "delivery_type": "",
            "context": {"open_message_id": message_id, "open_chat_id": chat_id},
        },
    }


def url_verification(token: str) -> Json:
    return {"challenge": new_id("ch-"), "token": token, "type": "url_verification"}


def encrypt(payload: Json, encrypt_key: str) -> bytes:
    """The body Feishu posts when an Encrypt Key is set."""
    plain = json.dumps(payload, ensure_ascii=False).encode()
    pad = AES.block_size - len(plain) % AES.block_size
    iv = os.urandom(AES.block_size)
    cipher = AES.new(hashlib.sha256(encrypt_key.encode()).digest(), AES.MODE_CBC, iv)
    secret = base64.b64encode(iv + cipher.encrypt(plain + bytes([pad]) * pad)).decode()
    return json.dumps({"encrypt": secret}).encode()


def signed_headers(body: bytes, encrypt_key: str, *, lower_case: bool = True) -> dict[str, str]:
    """The signature headers; lower case by default, as some proxies forward them."""
    timestamp, nonce = str(int(time.time())), new_id("")[:16]
    signature = hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()
    names = ("X-Lark-Request-Timestamp", "X-Lark-Request-Nonce", "X-Lark-Signature")
    values = (timestamp, nonce, signature)
    return {(name.lower() if lower_case else name): value for name, value in zip(names, values, strict=True)}
