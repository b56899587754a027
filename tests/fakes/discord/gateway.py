"""The gateway: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, and dispatches to every session."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from aiohttp import WSMsgType, web

from tests.fakes.discord.payloads import Json

if TYPE_CHECKING:
    from tests.fakes.discord.fake import FakeDiscord

HEARTBEAT_INTERVAL_MS = 41_250


class Gateway:
    """Plain JSON text frames (discord.py accepts them although it asks for zlib-stream)."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.sockets: list[web.WebSocketResponse] = []
        self.identifies: list[Json] = []
        self.sequence = 0

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json(
            {"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None}
        )
        try:
            async for frame in socket:
                if frame.type is not WSMsgType.TEXT:
                    continue
                message = json.loads(frame.data)
                if message.get("op") == 1:
                    await socket.send_json({"op": 11, "d": None})
                elif message.get("op") == 2:
                    self.identifies.append(message["d"])
                    await self._welcome(socket)
                elif message.get("op") == 6:
                    await socket.send_json({"op": 9, "d": False})  # no resuming here: identify again
        finally:
            if socket in self.sockets:
                self.sockets.remove(socket)
        return socket

    async def dispatch(self, event: str, data: Json) -> None:
        for socket in list(self.sockets):
            self.sequence += 1
            await socket.send_json({"op": 0, "t": event, "s": self.sequence, "d": data})

    async def close_all(self, app: web.Application) -> None:
        for socket in list(self.sockets):
            await socket.close()

    async def _welcome(self, socket: web.WebSocketResponse) -> None:
        fake = self.fake
        self.sequence += 1
        ready = {
            "v": 10,
            "user": fake.bot,
            "guilds": [{"id": str(fake.guild_id), "unavailable": True}],
            "session_id": f"session-{len(self.identifies)}",
            "resume_gateway_url": fake.gateway_url,
            "application": {"id": str(fake.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        await socket.send_json({"op": 0, "t": "READY", "s": self.sequence, "d": ready})
        self.sequence += 1
        await socket.send_json({"op": 0, "t": "GUILD_CREATE", "s": self.sequence, "d": fake.guild_payload()})
        self.sockets.append(socket)
        fake.ready.set()
