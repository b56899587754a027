"""A terminal chat session: read lines, hand them to the conversation, wait for jobs at EOF."""

from __future__ import annotations

import asyncio
import mimetypes
import os
import sys
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from bot.lifecycle import or_stop
from bot.terminal.render import TerminalChannel
from bot.wiring import App
from handlers.inbound import ChatRef, InboundMessage
from messages import attachment_too_large, help_text, picture_not_found, terminal_welcome
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


def unusable_pictures(text: str) -> list[tuple[str, bool]]:
    """Words naming a local picture that cannot be taken: ``(word, too_large)`` (else it is missing)."""
    found = []
    for word in text.split():
        path = Path(word).expanduser()
        if "://" in word or path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        if not path.is_file():
            found.append((word, False))
        elif path.stat().st_size > MAX_IMAGE_BYTES:
            found.append((word, True))
    return found


def locale_lang(environ: Mapping[str, str] = os.environ) -> Lang | None:
    """The language of the terminal's locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), when zh or en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").lower()
        if value.startswith("zh"):
            return "zh"
        if value.startswith("en"):
            return "en"
        if value:
            return None  # the first one set decides, as the C library does
    return None


class LineReader:
    """Lines of ``stream`` read on a daemon thread: a stop never waits for Enter, and the process can
    exit while a read is pending (the default executor's threads would hold it until the next line)."""

    def __init__(self, stream: TextIO) -> None:
        self._lines: asyncio.Queue[str] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def read() -> None:
            while True:
                try:
                    line = stream.readline()
                except (OSError, ValueError):  # closed under us
                    line = ""
                loop.call_soon_threadsafe(self._lines.put_nowait, line)
                if not line:
                    return

        threading.Thread(target=read, name="terminal-input", daemon=True).start()

    async def next(self) -> str:
        """The next line, ``""`` at the end of input."""
        return await self._lines.get()


async def run_chat(
    app: App,
    *,
    user: str = "me",
    lang: Lang | None = None,
    jsonl: bool = False,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    stopped: asyncio.Event | None = None,
) -> int:
    """Chat until EOF, then wait for every job this user has running; returns the exit code.

    ``stopped`` set (SIGTERM, Ctrl-C) ends the chat at once: jobs keep their state and resume at the
    next start, after the caller drained the flow.
    """
    stopped = stopped or asyncio.Event()
    channel = TerminalChannel(stdout, jsonl=jsonl)
    app.outbox.register("cli", channel)
    chat = ChatRef(platform="cli", chat_id=user, user_id=user, lang=lang)
    await app.resume({"cli"}, user_key=chat.user_key)  # a user who was cut off gets their videos now
    if not jsonl and stdin.isatty():
        said = lang or locale_lang() or app.settings.lang  # a person at a terminal: their system's language
        welcome = terminal_welcome(said, help_text(said), offline=app.offline)
        await channel.send(chat, Reply(kind=ReplyKind.TEXT, text=welcome))
    session = uuid.uuid4().hex[:12]  # message ids must never repeat across sessions (redelivery dedupe)
    reader = LineReader(stdin)
    count = 0
    while line := await or_stop(reader.next(), stopped):
        count += 1
        if unusable := unusable_pictures(line):  # never a path read as words of the prompt
            await channel.send(chat, _picture_note(app, chat, line, *unusable[0]))
            continue
        text, images = local_images(line.strip())
        message = InboundMessage(chat=chat, message_id=f"{session}-{count}", text=text, images=images)
        await app.conversation.handle(message)
    if not stopped.is_set():
        await or_stop(wait_for_jobs(app, chat.user_key), stopped)
    return 0


def _picture_note(app: App, chat: ChatRef, line: str, word: str, too_large: bool) -> Reply:
    lang = app.conversation.lang_for(chat, line)
    text = (
        attachment_too_large(lang, MAX_IMAGE_BYTES // 2**20) if too_large else picture_not_found(lang, word)
    )
    return Reply(kind=ReplyKind.TEXT, text=text)


async def wait_for_jobs(app: App, user_key: str, *, check_every_s: float = 0.05) -> None:
    """Return once none of ``user_key``'s jobs is working (delivered, failed, or timed out into the
    late check, which the next start carries on)."""
    while any(job.working for job in await app.jobs.active(user_key)):
        await asyncio.sleep(check_every_s)
