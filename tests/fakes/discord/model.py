"""What the fake Discord remembers: messages, interactions, uploads and every request it answered."""

from __future__ import annotations

import asyncio
import json
import mimetypes
import re
import time
from dataclasses import dataclass, field

from aiohttp import BodyPartReader, web

from tests.fakes.discord.payloads import Json, now_iso, snowflake

EPHEMERAL = 1 << 6
LOADING = 1 << 7
MENTION = re.compile(r"<@!?(\d+)>")


@dataclass(frozen=True)
class Upload:
    """A file a user attaches; ``size`` is what Discord reports (defaults to the real length).

    ``expired``: its signed CDN link no longer works (the CDN answers 404).
    """

    data: bytes
    filename: str
    content_type: str | None
    size: int | None = None
    expired: bool = False


@dataclass(frozen=True)
class Call:
    """One request the fake answered."""

    route: str
    method: str
    path: str
    status: int
    bot_auth: bool
    body: Json | None
    files: tuple[tuple[str, int], ...]
    at: float


@dataclass
class Body:
    """A request's JSON (``payload_json`` in a multipart body) and its uploaded files in order."""

    json: Json
    files: list[tuple[str, bytes]]

    @classmethod
    async def read(cls, request: web.Request) -> Body:
        if not request.can_read_body:
            return cls({}, [])
        if request.content_type.startswith("multipart/"):
            payload: Json = {}
            files: list[tuple[str, bytes]] = []
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                data = await part.read()
                if part.name == "payload_json":
                    payload = json.loads(data)
                else:
                    files.append((part.filename or "file", bytes(data)))
            return cls(payload, files)
        text = await request.text()
        return cls(json.loads(text) if text else {}, [])


def pings(content: str, allowed: Json | None) -> tuple[bool, list[str]]:
    """Who a message notifies, as Discord decides: everything unless ``allowed_mentions`` limits it."""
    parse = {"everyone", "users", "roles"} if allowed is None else set(allowed.get("parse") or [])
    listed = {str(u) for u in (allowed or {}).get("users") or []}
    everyone = ("@everyone" in content or "@here" in content) and "everyone" in parse
    users = [m for m in MENTION.findall(content) if "users" in parse or m in listed]
    return everyone, users


@dataclass
class FakeMessage:
    id: int
    channel_id: int
    author: Json
    guild_id: int | None = None
    content: str = ""
    flags: int = 0
    components: list[Json] = field(default_factory=list)
    attachments: list[Json] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    interaction_id: int | None = None  # made with this interaction's token (original or followup)
    reference: int | None = None
    mention_everyone: bool = False
    mentions: list[str] = field(default_factory=list)
    allowed_mentions: list[Json | None] = field(default_factory=list)  # as sent with new content
    embeds: list[Json] = field(default_factory=list)
    history: list[str] = field(default_factory=list)  # what a reader sees after each write (``text``)
    edited: str | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def custom_ids(self) -> list[str]:
        return [
            c["custom_id"] for row in self.components for c in row.get("components", []) if "custom_id" in c
        ]

    @property
    def text(self) -> str:
        """What a reader sees: the content, else the first embed's description."""
        if self.content or not self.embeds:
            return self.content
        return str(self.embeds[0].get("description") or "")

    @property
    def video(self) -> bytes | None:
        return next((data for data in self.files.values()), None)

    def write(self, body: Body, cdn_base: str, *, editing: bool) -> None:
        """Apply a create or edit: content, components, attachments (kept by id, new from files)."""
        payload = body.json
        if "content" in payload:
            self.content = payload["content"] or ""
        if "components" in payload:
            self.components = payload["components"] or []
        if "embeds" in payload:
            self.embeds = payload["embeds"] or []
        if not editing:
            self.flags |= int(payload.get("flags") or 0)
        else:
            self.flags &= ~LOADING
            self.edited = now_iso()
        if body.files or "attachments" in payload:
            listed = {str(a.get("id")) for a in payload.get("attachments") or []}
            kept = [a for a in self.attachments if a["id"] in listed]
            self.files = {a["id"]: self.files[a["id"]] for a in kept if a["id"] in self.files}
            self.attachments = kept
            for filename, data in body.files:
                attachment = attachment_payload(snowflake(), filename, len(data), cdn_base)
                self.attachments.append(attachment)
                self.files[attachment["id"]] = data
        allowed = payload.get("allowed_mentions")
        if "content" in payload:
            self.allowed_mentions.append(allowed)
        self.mention_everyone, self.mentions = pings(self.content, allowed)
        self.history.append(self.text)

    def payload(self, application_id: int) -> Json:
        data: Json = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": 0 if self.reference is None else 19,
            "content": self.content,
            "author": self.author,
            "timestamp": now_iso(),
            "edited_timestamp": self.edited,
            "tts": False,
            "mention_everyone": self.mention_everyone,
            "mentions": [],
            "mention_roles": [],
            "attachments": self.attachments,
            "embeds": self.embeds,
            "pinned": False,
            "flags": self.flags,
            "components": self.components,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.interaction_id is not None:
            data["webhook_id"] = str(application_id)
            data["application_id"] = str(application_id)
        if self.reference is not None:
            data["message_reference"] = {
                "message_id": str(self.reference),
                "channel_id": str(self.channel_id),
            }
        return data


def attachment_payload(
    attachment_id: int, filename: str, size: int, cdn_base: str, kind: str | None = None
) -> Json:
    url = f"{cdn_base}/attachments/{attachment_id}/{filename}"
    return {
        "id": str(attachment_id),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": kind or mimetypes.guess_type(filename)[0] or "application/octet-stream",
    }


@dataclass
class FakeInteraction:
    """One interaction the fake sent over the gateway, and how the bot answered it."""

    id: int
    token: str
    type: int
    channel_id: int
    user: Json
    guild_id: int | None
    payload: Json
    created: float = field(default_factory=time.monotonic)
    response_type: int | None = None
    response: Json | None = None
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    answered: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def choices(self) -> list[Json]:
        """An autocomplete answer's choices."""
        return list(((self.response or {}).get("data") or {}).get("choices") or [])
