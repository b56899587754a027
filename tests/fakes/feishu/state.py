"""What the fake Feishu remembers: messages (the users' and the bot's), uploads, calls, acks and faults."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]
FOURTEEN_DAYS_S = 14 * 24 * 3600
UUID_WINDOW_S = 3600  # a send's uuid makes repeats within an hour return the first message


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex}"


@dataclass
class Message:
    """One chat message as Feishu holds it."""

    message_id: str
    chat_id: str
    msg_type: str
    content: str  # the JSON string, as sent
    sender: str  # an open_id, or "bot"
    parent_id: str | None = None
    created: float = field(default_factory=time.time)
    recalled: bool = False
    patches: list[str] = field(default_factory=list)  # every accepted PATCH content, in order

    @property
    def body(self) -> Json:
        """The content now (after the last patch), parsed."""
        parsed: Json = json.loads(self.patches[-1] if self.patches else self.content)
        return parsed

    def as_item(self) -> Json:
        """The message as ``GET /im/v1/messages/:id`` and send answers describe it."""
        return {
            "message_id": self.message_id,
            "root_id": self.parent_id or "",
            "parent_id": self.parent_id or "",
            "msg_type": self.msg_type,
            "create_time": str(int(self.created * 1000)),
            "update_time": str(int(self.created * 1000)),
            "deleted": self.recalled,
            "updated": bool(self.patches),
            "chat_id": self.chat_id,
            "sender": (
                {"id": "cli_fake", "id_type": "app_id", "sender_type": "app", "tenant_key": "tk"}
                if self.sender == "bot"
                else {"id": self.sender, "id_type": "open_id", "sender_type": "user", "tenant_key": "tk"}
            ),
            "body": {"content": self.content},
        }


@dataclass
class Upload:
    key: str
    data: bytes
    kind: str  # "image", or the file's file_type ("mp4", "stream", ...)
    name: str = ""
    duration_ms: int | None = None


@dataclass
class Call:
    endpoint: str
    status: int
    code: int
    at: float = field(default_factory=time.monotonic)


@dataclass
class Ack:
    """The SDK's answer to a pushed frame: ``code`` 200 (handled) or 500, plus a callback's data."""

    frame_id: str
    code: int
    data: Json | None


@dataclass
class Fault:
    status: int
    code: int
    msg: str
    headers: dict[str, str]
    times: int


@dataclass
class State:
    """Everything the fake knows."""

    messages: dict[str, Message] = field(default_factory=dict)
    sends: list[Message] = field(default_factory=list)  # the bot's messages, in order
    uuids: dict[str, tuple[str, float]] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)
    resources: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (message id, key) -> bytes
    tokens: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    patch_times: dict[str, list[float]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)  # endpoint -> seconds before answering

    def take_fault(self, endpoint: str) -> Fault | None:
        queue = self.faults.get(endpoint) or []
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault

    def calls_to(self, endpoint: str) -> list[Call]:
        return [call for call in self.calls if call.endpoint == endpoint]

    def bot_messages(self, msg_type: str | None = None) -> list[Message]:
        return [m for m in self.sends if msg_type is None or m.msg_type == msg_type]
