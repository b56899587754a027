"""How replies look in a terminal: plain text for people, one JSON object per line for programs."""

from __future__ import annotations

import json
from typing import TextIO

from handlers.inbound import ChatRef
from messages.reply import Reply, ReplyKind


def as_text(reply: Reply) -> str:
    if reply.kind is ReplyKind.VIDEO and reply.video_url:
        return f"▶ {reply.video_url}\n{reply.text}"
    return reply.text


def as_json(reply: Reply) -> str:
    record: dict[str, object] = {"kind": reply.kind.value, "text": reply.text}
    if reply.job_id:
        record["job_id"] = reply.job_id
    if reply.video_url:
        record["url"] = reply.video_url
    if reply.cover_url:
        record["cover"] = reply.cover_url
    if reply.duration_s is not None:
        record["duration"] = reply.duration_s
    if reply.buttons:
        record["buttons"] = [button.model_dump(exclude_none=True) for button in reply.buttons]
    return json.dumps(record, ensure_ascii=False)


class TerminalChannel:
    """Prints every reply; a terminal cannot edit, so progress arrives as new lines."""

    def __init__(self, out: TextIO, *, jsonl: bool = False) -> None:
        self._out = out
        self._jsonl = jsonl
        self._sent = 0

    async def send(self, chat: ChatRef, reply: Reply, *, replace: str | None = None) -> str | None:
        line = as_json(reply) if self._jsonl else as_text(reply) + "\n"
        self._out.write(line + "\n")
        self._out.flush()
        self._sent += 1
        return f"cli-{self._sent}"
