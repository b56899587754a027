"""Shared test helpers: a chat that records replies, and an app wired like production."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from bot.settings import Settings
from bot.wiring import App, build_app
from handlers.image_links import Resolver, system_resolver
from handlers.inbound import ChatRef, InboundMessage
from handlers.jobs import Job, JobState
from messages.reply import Lang, Reply, ReplyKind
from providers.types import ImageInput

FAST = 0.002  # time scale: a 120 s virtual estimate takes 0.24 s


class RecordingChannel:
    """Stands in for a chat platform: keeps every reply, per chat, in order."""

    def __init__(self) -> None:
        self.replies: list[tuple[ChatRef, Reply, str | None]] = []

    async def send(self, chat: ChatRef, reply: Reply, *, replace: str | None = None) -> str | None:
        self.replies.append((chat, reply, replace))
        return replace or f"msg-{len(self.replies)}"  # an edit keeps the message id, as platforms do

    def of(self, user: str) -> list[Reply]:
        return [reply for chat, reply, _ in self.replies if chat.user_id == user]

    def kinds(self, user: str) -> list[ReplyKind]:
        return [reply.kind for reply in self.of(user)]

    def texts(self, user: str) -> str:
        return "\n".join(reply.text for reply in self.of(user))


def settings_for(tmp_path: Path, **values: Any) -> Settings:
    fields: dict[str, Any] = {"VIDEOBOT_DATA_DIR": tmp_path, "VIDEOBOT_TIME_SCALE": FAST, **values}
    return Settings(_env_file=None, **fields)


@asynccontextmanager
async def running_app(
    tmp_path: Path,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    resolve: Resolver = system_resolver,
    **values: Any,
) -> AsyncIterator[tuple[App, RecordingChannel]]:
    app = build_app(settings_for(tmp_path, **values), transport=transport, resolve=resolve)
    channel = RecordingChannel()
    app.outbox.register("cli", channel)
    app.start()
    try:
        yield app, channel
    finally:
        await app.aclose()


class Chat:
    """One user talking to an app, as an adapter would deliver their messages."""

    def __init__(self, app: App, user: str = "alice", lang: Lang | None = None) -> None:
        self.app = app
        self.ref = ChatRef(platform="cli", chat_id=user, user_id=user, lang=lang)
        self._count = 0

    async def say(self, text: str, images: tuple[ImageInput, ...] = ()) -> None:
        self._count += 1
        message = InboundMessage(
            chat=self.ref, message_id=f"{self.ref.user_id}-{self._count}", text=text, images=images
        )
        await self.app.conversation.handle(message)

    async def settle(self, timeout_s: float = 20.0) -> None:
        """Wait until none of this user's jobs is running."""
        async with asyncio.timeout(timeout_s):
            await asyncio.sleep(0)
            while any(j.working for j in await self.app.jobs.active(self.ref.user_key)):
                await asyncio.sleep(0.01)


async def waiting_job(app: App, user_key: str, timeout_s: float = 10.0) -> Job:
    """The user's newest job once it waits for a go-ahead (the question shown and recorded)."""
    async with asyncio.timeout(timeout_s):
        while (job := await app.jobs.latest(user_key)) is None or job.state is not JobState.AWAITING:
            await asyncio.sleep(0.01)
    return job
