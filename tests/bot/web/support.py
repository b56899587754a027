"""The web chat as ``videobot run`` serves it (our HTTP server on a free port, the console, /metrics),
and a page's WebSocket driven by aiohttp's client, as a browser would."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from pydantic import SecretStr

from bot.console import ConsoleSettings
from bot.operations import Operations, start_operations
from bot.web import WebSettings, start_web_chat
from bot.webserver import WebServer
from bot.wiring import App, build_app
from tests.support import settings_for

CONSOLE_TOKEN = "console-secret-token"
Entry = dict[str, Any]


@asynccontextmanager
async def running_web(
    tmp_path: Path,
    *,
    token: str | None = None,
    host: str = "127.0.0.1",
    transport: httpx.AsyncBaseTransport | None = None,
    **values: Any,
) -> AsyncIterator[tuple[App, WebServer]]:
    app = build_app(settings_for(tmp_path, **values), transport=transport)
    await app.prepare()
    app.start()
    server = WebServer(host, 0)
    await server.start()
    operations: Operations | None = None
    try:
        operations = await start_operations(
            app, server, ConsoleSettings(VIDEOBOT_CONSOLE_TOKEN=CONSOLE_TOKEN)
        )
        chat = await start_web_chat(
            app, server, WebSettings(VIDEOBOT_WEB_TOKEN=SecretStr(token) if token else None)
        )
        try:
            yield app, server
        finally:
            await chat.work.drain(1.0)
    finally:
        if operations is not None:
            await operations.metrics.aclose()
        await server.aclose()
        await app.aclose()


class Page:
    """One browser tab: its cookies, its WebSocket, and every message the bot drew, by id."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base
        self.entries: dict[str, Entry] = {}  # by id, in the order first drawn
        self.frames: list[dict[str, Any]] = []
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    @classmethod
    @asynccontextmanager
    async def opened(cls, base: str, *, lang: str = "en-US", query: str = "") -> AsyncIterator[Page]:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            page = cls(session, base)
            async with session.get(f"{base}/{query}") as answer:
                assert answer.status == 200, await answer.text()
            await page.connect(lang)
            try:
                yield page
            finally:
                await page.close()

    async def connect(self, lang: str = "en-US") -> None:
        self._socket = await self.session.ws_connect(f"{self.base}/ws")
        await self._socket.send_json({"type": "hello", "lang": lang})
        self._reader = asyncio.create_task(self._read())
        await self.until(lambda: any(f["type"] == "history" for f in self.frames))

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            await self._reader

    async def _read(self) -> None:
        assert self._socket is not None
        async for message in self._socket:
            if message.type is not aiohttp.WSMsgType.TEXT:
                continue
            frame = json.loads(message.data)
            self.frames.append(frame)
            if frame["type"] == "history":
                self.entries = {entry["id"]: entry for entry in frame["entries"]}
            elif frame["type"] == "message":
                self.entries[frame["entry"]["id"]] = frame["entry"]
            self._changed.set()

    async def say(self, text: str, photos: list[dict[str, str]] | None = None, message_id: str = "") -> str:
        message_id = message_id or uuid.uuid4().hex
        await self.send({"type": "say", "id": message_id, "text": text, "photos": photos or []})
        return message_id

    async def click(self, entry: Entry, action: str, **fields: str) -> None:
        button = next(
            b
            for b in entry["buttons"]
            if b["action"] == action and all(b.get(k) == v for k, v in fields.items())
        )
        await self.send(
            {
                "type": "click",
                "id": uuid.uuid4().hex,
                "action": action,
                "job": button.get("job_id", ""),
                "model": button.get("model_key", ""),
                "task": button.get("task", ""),
                "lang": entry.get("lang"),
            }
        )

    async def send(self, frame: dict[str, Any]) -> None:
        assert self._socket is not None
        await self._socket.send_json(frame)

    def bot(self, kind: str | None = None) -> list[Entry]:
        return [
            e for e in self.entries.values() if e["from"] == "bot" and (kind is None or e.get("kind") == kind)
        ]

    async def until(self, condition: Callable[[], object], timeout_s: float = 20.0) -> None:
        async with asyncio.timeout(timeout_s):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    async def get(self, path: str) -> tuple[int, bytes]:
        async with self.session.get(self.base + path) as answer:
            return answer.status, await answer.read()


async def settled(app: App, timeout_s: float = 20.0) -> None:
    """Until no job is unfinished (a video's link is drawn just before its job is recorded delivered)."""
    async with asyncio.timeout(timeout_s):
        while await app.jobs.active():
            await asyncio.sleep(0.01)
