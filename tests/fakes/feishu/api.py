"""The fake's open API routes: tenant token, bot info, messages (create, reply, patch, get), uploads and
resource downloads, with Feishu's checks, limits and error codes (im-platforms.md §1.5-§1.8, §3.1).

Every route needs ``Authorization: Bearer <a token we issued>`` (else HTTP 400, 99991663). A patch of
one message more than 5 times within a second is HTTP 429, 99991400 with ``x-ogw-ratelimit-reset``.
Faults queued with :meth:`FeishuApi.fail` answer first (any status, code and headers);
``state.delays[endpoint]`` slows an endpoint down.
"""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from PIL import Image, UnidentifiedImageError

from tests.fakes.feishu.content import check_card, check_content, update_multi
from tests.fakes.feishu.state import (
    FOURTEEN_DAYS_S,
    UUID_WINDOW_S,
    Call,
    Fault,
    Message,
    State,
    Upload,
    new_id,
)

Json = dict[str, Any]
Route = Callable[[web.Request], Awaitable[web.Response]]
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_FILE_BYTES = 30 * 1024 * 1024
FILE_TYPES = frozenset({"opus", "mp4", "pdf", "doc", "xls", "ppt", "stream"})
PATCHES_PER_SECOND = 5


class FeishuError(Exception):
    def __init__(self, code: int, msg: str, status: int = 400, headers: dict[str, str] | None = None) -> None:
        super().__init__(msg)
        self.code, self.msg, self.status, self.headers = code, msg, status, headers or {}


class FeishuApi:
    """Route handlers over a :class:`State`; ``app_id``/``app_secret`` are the only valid credentials."""

    def __init__(self, state: State, *, app_id: str, app_secret: str, bot_open_id: str) -> None:
        self.state = state
        self.app_id = app_id
        self.app_secret = app_secret
        self.bot_open_id = bot_open_id

    def add_routes(self, app: web.Application) -> None:
        routes: list[tuple[str, str, str, Route]] = [
            ("POST", "/open-apis/auth/v3/tenant_access_token/internal", "token", self.token),
            ("GET", "/open-apis/bot/v3/info", "bot_info", self.bot_info),
            ("POST", "/open-apis/im/v1/messages", "create", self.create),
            ("POST", "/open-apis/im/v1/messages/{message_id}/reply", "reply", self.reply),
            ("PATCH", "/open-apis/im/v1/messages/{message_id}", "patch", self.patch),
            ("GET", "/open-apis/im/v1/messages/{message_id}", "get", self.get),
            ("POST", "/open-apis/im/v1/images", "image", self.image),
            ("POST", "/open-apis/im/v1/files", "file", self.file),
            ("GET", "/open-apis/im/v1/messages/{message_id}/resources/{key}", "resource", self.resource),
        ]
        for method, path, name, handler in routes:
            app.router.add_route(method, path, self._recorded(name, handler, auth=name != "token"))

    def fail(
        self, endpoint: str, *, status: int, code: int, msg: str = "", times: int = 1, **headers: str
    ) -> None:
        """The next ``times`` calls to ``endpoint`` answer ``status`` with ``code`` (and ``headers``)."""
        fault = Fault(
            status, code, msg or f"fault {code}", {k.replace("_", "-"): v for k, v in headers.items()}, times
        )
        self.state.faults.setdefault(endpoint, []).append(fault)

    # -- plumbing -----------------------------------------------------------------------------------

    def _recorded(self, name: str, handler: Route, *, auth: bool) -> Route:
        async def route(request: web.Request) -> web.Response:
            await asyncio.sleep(self.state.delays.get(name, 0.0))
            fault = self.state.take_fault(name)
            try:
                if fault is not None:
                    raise FeishuError(fault.code, fault.msg, fault.status, fault.headers)
                if auth:
                    self._authorize(request)
                response = await handler(request)
                code = 0
            except FeishuError as error:
                response = web.json_response(
                    {"code": error.code, "msg": error.msg, "error": {"log_id": new_id("")}},
                    status=error.status,
                    headers=error.headers,
                )
                code = error.code
            self.state.calls.append(Call(name, response.status, code))
            return response

        return route

    def _authorize(self, request: web.Request) -> None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or header[7:] not in self.state.tokens:
            raise FeishuError(
                99991663, "Invalid access token for authorization. Please make a request with token attached."
            )

    @staticmethod
    def ok(data: Json | None = None, **extra: Any) -> web.Response:
        return web.json_response(
            {"code": 0, "msg": "success", **({"data": data} if data is not None else {}), **extra}
        )

    async def _json(self, request: web.Request) -> Json:
        try:
            body = await request.json()
        except ValueError:
            raise FeishuError(230001, "request body is not JSON") from None
        if not isinstance(body, dict):
            raise FeishuError(230001, "request body is not an object")
        return body

    # -- auth and identity --------------------------------------------------------------------------

    async def token(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if body.get("app_id") != self.app_id or body.get("app_secret") != self.app_secret:
            return web.json_response({"code": 10014, "msg": "app secret invalid"})
        token = new_id("t-")
        self.state.tokens.add(token)
        return web.json_response({"code": 0, "msg": "ok", "tenant_access_token": token, "expire": 7200})

    async def bot_info(self, request: web.Request) -> web.Response:
        bot = {"activate_status": 2, "app_name": "videobot", "avatar_url": "", "open_id": self.bot_open_id}
        return web.json_response({"code": 0, "msg": "ok", "bot": bot})

    # -- messages -----------------------------------------------------------------------------------

    async def create(self, request: web.Request) -> web.Response:
        if request.query.get("receive_id_type") not in ("chat_id", "open_id", "union_id", "user_id", "email"):
            raise FeishuError(230001, "invalid receive_id_type")
        body = await self._json(request)
        if not isinstance(body.get("receive_id"), str) or not body["receive_id"]:
            raise FeishuError(230001, "receive_id is required")
        return self._send(body, chat_id=body["receive_id"], parent_id=None)

    async def reply(self, request: web.Request) -> web.Response:
        parent = self._message(request.match_info["message_id"])
        if parent.recalled:
            raise FeishuError(230011, "The message was withdrawn.")
        body = await self._json(request)
        return self._send(body, chat_id=parent.chat_id, parent_id=parent.message_id)

    def _send(self, body: Json, *, chat_id: str, parent_id: str | None) -> web.Response:
        uuid = body.get("uuid")
        if uuid is not None and (not isinstance(uuid, str) or len(uuid) > 50):
            raise FeishuError(230001, "uuid must be a string of at most 50 characters")
        if uuid and uuid in self.state.uuids and time.time() - self.state.uuids[uuid][1] < UUID_WINDOW_S:
            return self.ok(self.state.messages[self.state.uuids[uuid][0]].as_item())
        msg_type, content = str(body.get("msg_type", "")), body.get("content")
        problem = check_content(self.state, msg_type, content)
        if problem:
            raise FeishuError(*problem)
        message = Message(new_id("om_"), chat_id, msg_type, str(content), "bot", parent_id)
        self.state.messages[message.message_id] = message
        self.state.sends.append(message)
        if uuid:
            self.state.uuids[uuid] = (message.message_id, time.time())
        return self.ok(message.as_item())

    async def patch(self, request: web.Request) -> web.Response:
        message = self._message(request.match_info["message_id"])
        if message.sender != "bot" or message.msg_type != "interactive":
            raise FeishuError(230001, "only cards sent by this app can be updated")
        if message.recalled:
            raise FeishuError(230011, "The message was withdrawn.")
        if time.time() - message.created > FOURTEEN_DAYS_S:
            raise FeishuError(230031, "Message can only be updated within fourteen days.")
        now = time.monotonic()
        recent = [t for t in self.state.patch_times.get(message.message_id, []) if now - t < 1.0]
        if len(recent) >= PATCHES_PER_SECOND:
            headers = {"x-ogw-ratelimit-limit": str(PATCHES_PER_SECOND), "x-ogw-ratelimit-reset": "1"}
            raise FeishuError(99991400, "request trigger frequency limit", 429, headers)
        body = await self._json(request)
        content = body.get("content")
        try:
            card = json.loads(content) if isinstance(content, str) else None
        except ValueError:
            card = None
        if not isinstance(card, dict):
            raise FeishuError(230001, "content must be a card as a JSON string")
        problem = check_card(self.state, card, len(str(content).encode()))
        if problem:
            raise FeishuError(*problem)
        if not update_multi(card) or not update_multi(message.body):
            raise FeishuError(230001, "update_multi must be true before and after the update")
        self.state.patch_times[message.message_id] = [*recent, now]
        message.patches.append(str(content))
        return self.ok({})

    async def get(self, request: web.Request) -> web.Response:
        message = self._message(request.match_info["message_id"])
        return self.ok({"items": [message.as_item()]})

    def _message(self, message_id: str) -> Message:
        message = self.state.messages.get(message_id)
        if message is None:
            raise FeishuError(230001, f"invalid message_id {message_id!r}")
        return message

    # -- uploads and downloads ----------------------------------------------------------------------

    async def image(self, request: web.Request) -> web.Response:
        form = await request.post()
        image = form.get("image")
        if form.get("image_type") not in ("message", "avatar") or not isinstance(image, web.FileField):
            raise FeishuError(234001, "Invalid request param.")
        data = image.file.read()
        if not data:
            raise FeishuError(234001, "Invalid request param: empty image.")
        if len(data) > MAX_IMAGE_BYTES:
            raise FeishuError(234006, "The file size exceeds the limit.")
        try:
            Image.open(io.BytesIO(data)).verify()
        except (UnidentifiedImageError, OSError, SyntaxError):
            raise FeishuError(234011, "Can't recognize image format.") from None
        upload = Upload(new_id("img_v3_"), data, "image", image.filename or "")
        self.state.uploads[upload.key] = upload
        return self.ok({"image_key": upload.key})

    async def file(self, request: web.Request) -> web.Response:
        form = await request.post()
        file, file_type = form.get("file"), form.get("file_type")
        if file_type not in FILE_TYPES or not isinstance(file, web.FileField) or not form.get("file_name"):
            raise FeishuError(234001, "Invalid request param.")
        data = file.file.read()
        if not data:
            raise FeishuError(234001, "Invalid request param: empty file.")
        if len(data) > MAX_FILE_BYTES:
            raise FeishuError(234006, "The file size exceeds the limit.")
        duration = form.get("duration")
        duration_ms = int(duration) if isinstance(duration, str) and duration.isdigit() else None
        upload = Upload(new_id("file_v3_"), data, str(file_type), str(form["file_name"]), duration_ms)
        self.state.uploads[upload.key] = upload
        return self.ok({"file_key": upload.key})

    async def resource(self, request: web.Request) -> web.Response:
        message_id, key = request.match_info["message_id"], request.match_info["key"]
        if request.query.get("type") not in ("image", "file"):
            raise FeishuError(234001, "Invalid request param: type.")
        data = self.state.resources.get((message_id, key))
        if data is None:
            raise FeishuError(234003, "File not in msg.")
        disposition = f'attachment; filename="{key}"'
        return web.Response(
            body=data, headers={"Content-Disposition": disposition, "Content-Type": "image/png"}
        )
