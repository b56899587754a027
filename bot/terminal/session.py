"""A terminal chat session: read lines, hand them to the conversation, wait for jobs at EOF."""

from __future__ import annotations

import asyncio
import mimetypes
import sys
import uuid
from pathlib import Path
from typing import TextIO

from bot.terminal.render import TerminalChannel
from bot.wiring import App
from handlers.inbound import ChatRef, InboundMessage
from messages import help_text
from messages.reply import Lang, Reply, ReplyKind
from providers.types import ImageInput

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"})
MAX_IMAGE_BYTES = 20 * 1024 * 1024


def local_images(text: str) -> tuple[str, tuple[ImageInput, ...]]:
    """Words that are paths of local image files become attachments (a terminal has no upload button)."""
    words, images = [], []
    for word in text.split():
        path = Path(word).expanduser()
        if (
            path.suffix.lower() in IMAGE_SUFFIXES
            and path.is_file()
            and path.stat().st_size <= MAX_IMAGE_BYTES
        ):
            content_type = mimetypes.guess_type(path.name)[0] or "image/jpeg"
            images.append(ImageInput(data=path.read_bytes(), content_type=content_type, filename=path.name))
        else:
            words.append(word)
    return (" ".join(words), tuple(images)) if images else (text, ())


async def _read_line(stream: TextIO) -> str:
    return await asyncio.get_running_loop().run_in_executor(None, stream.readline)


async def run_chat(
    app: App,
    *,
    user: str = "me",
    lang: Lang | None = None,
    jsonl: bool = False,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    """Chat until EOF, then wait for every job this user has running; returns the exit code."""
    channel = TerminalChannel(stdout, jsonl=jsonl)
    app.outbox.register("cli", channel)
    chat = ChatRef(platform="cli", chat_id=user, user_id=user, lang=lang)
    await app.resume({"cli"}, user_key=chat.user_key)  # a user who was cut off gets their videos now
    if not jsonl and stdin.isatty():
        greeting = Reply(kind=ReplyKind.TEXT, text=help_text(lang or app.settings.lang))
        await channel.send(chat, greeting)
    session = uuid.uuid4().hex[:12]  # message ids must never repeat across sessions (redelivery dedupe)
    count = 0
    while line := await _read_line(stdin):
        count += 1
        text, images = local_images(line.strip())
        message = InboundMessage(chat=chat, message_id=f"{session}-{count}", text=text, images=images)
        await app.conversation.handle(message)
    await wait_for_jobs(app, chat.user_key)
    return 0


async def wait_for_jobs(app: App, user_key: str, *, check_every_s: float = 0.05) -> None:
    """Return once none of ``user_key``'s jobs is unfinished (each ends: delivered, failed, timed out)."""
    while await app.jobs.active(user_key):
        await asyncio.sleep(check_every_s)
