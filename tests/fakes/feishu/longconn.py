"""The fake's long connection (im-platforms.md §1.2 "Wire protocol"), with the SDK's own protobuf class.

``POST /callback/ws/endpoint`` checks the app's credentials and hands out ``ws://…/ws`` with a small
``ClientConfig``; ``GET /ws`` speaks ``pbbp2.Frame``s: pings (method 0, ``type=ping``) get pongs,
events are pushed as data frames (method 1, ``type=event``), and the client's echo of each frame is
its ack (payload ``{"code": 200}`` or 500, a callback's answer base64 JSON in ``data``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
from typing import Any

from aiohttp import WSMsgType, web
from lark_oapi.ws.pb.pbbp2_pb2 import Frame

from tests.fakes.feishu.state import Ack, State, new_id

Json = dict[str, Any]
SERVICE_ID = 7
CONTROL, DATA = 0, 1


def headers_of(frame: Frame) -> dict[str, str]:
    return {header.key: header.value for header in frame.headers}


def new_frame(method: int, headers: dict[str, str], payload: bytes = b"") -> Frame:
    frame = Frame()
    frame.SeqID, frame.LogID, frame.service, frame.method = random.randint(1, 2**31), 0, SERVICE_ID, method
    for key, value in headers.items():
        header = frame.headers.add()
        header.key, header.value = key, value
    frame.payload = payload
    return frame


class LongConnections:
    """Open connections, pushes and acks. ``silent`` stops all answers (a half-dead connection)."""

    def __init__(self, state: State, *, app_id: str, app_secret: str, ping_interval_s: float) -> None:
        self.state = state
        self.app_id = app_id
        self.app_secret = app_secret
        self.ping_interval_s = ping_interval_s
        self.open: list[web.WebSocketResponse] = []
        self.endpoint_requests = 0
        self.connects = 0
        self.pings = 0
        self.silent = False
        self._acked = asyncio.Condition()

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/callback/ws/endpoint", self.endpoint)
        app.router.add_get("/ws", self.socket)

    def client_config(self) -> Json:
        return {
            "ReconnectCount": -1,
            "ReconnectInterval": 1,
            "ReconnectNonce": 0,
            "PingInterval": self.ping_interval_s,
        }

    async def endpoint(self, request: web.Request) -> web.Response:
        self.endpoint_requests += 1
        body = await request.json()
        if body.get("AppID") != self.app_id or body.get("AppSecret") != self.app_secret:
            return web.json_response({"code": 514, "msg": "auth failed"})
        url = f"ws://{request.host}/ws?device_id={new_id('d')}&service_id={SERVICE_ID}"
        return web.json_response(
            {"code": 0, "msg": "ok", "data": {"URL": url, "ClientConfig": self.client_config()}}
        )

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.open.append(socket)
        self.connects += 1
        try:
            async for message in socket:
                if message.type is WSMsgType.BINARY and not self.silent:
                    await self._received(socket, message.data)
        finally:
            if socket in self.open:
                self.open.remove(socket)
        return socket

    async def _received(self, socket: web.WebSocketResponse, data: bytes) -> None:
        frame = Frame()
        frame.ParseFromString(data)
        headers = headers_of(frame)
        if frame.method == CONTROL and headers.get("type") == "ping":
            self.pings += 1
            pong = new_frame(CONTROL, {"type": "pong"}, json.dumps(self.client_config()).encode())
            await socket.send_bytes(pong.SerializeToString())
        elif frame.method == DATA:
            answer = json.loads(frame.payload or b"{}")
            data_field = answer.get("data")
            callback = json.loads(base64.b64decode(data_field)) if data_field else None
            async with self._acked:
                self.state.acks.append(
                    Ack(headers.get("message_id", ""), int(answer.get("code", 0)), callback)
                )
                self._acked.notify_all()

    async def push(self, payload: Json) -> str:
        """Send one event to one open connection (Feishu picks one per app); the frame's message id."""
        if not self.open:
            raise RuntimeError("no long connection is open")
        frame_id = new_id("")
        headers = {"type": "event", "message_id": frame_id, "sum": "1", "seq": "0", "trace_id": new_id("")}
        frame = new_frame(DATA, headers, json.dumps(payload, ensure_ascii=False).encode())
        await self.open[-1].send_bytes(frame.SerializeToString())
        return frame_id

    async def ack(self, frame_id: str, timeout_s: float = 5.0) -> Ack:
        """Wait for the client's ack of a pushed frame."""

        def found() -> Ack | None:
            return next((ack for ack in self.state.acks if ack.frame_id == frame_id), None)

        async with asyncio.timeout(timeout_s), self._acked:
            await self._acked.wait_for(lambda: found() is not None)
        ack = found()
        assert ack is not None
        return ack

    async def drop(self) -> None:
        """Close every connection from the server side (the client must notice and reconnect)."""
        for socket in list(self.open):
            await socket.close()
