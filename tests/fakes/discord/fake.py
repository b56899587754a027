"""A fake Discord on 127.0.0.1 that real discord.py 2.7 talks to: REST, interaction webhooks, gateway.

Faithful where discord.py and our adapter care (``im-platforms.md`` §3.2): ``Content-Type:
application/json`` exactly; the callback answers 200 JSON; the first followup after a "thinking" defer
fills the placeholder; 10062 after the 3-second deadline, 40060 on a second answer, 401/50027 once a
token's life is over, 413/40005 for an upload over the limit, 403/50013 in a forbidden channel; 429s
with ``Via`` and ``retry_after`` on demand; ``allowed_mentions`` decides who a message pings.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.discord.gateway import Gateway
from tests.fakes.discord.model import Body, Call, FakeInteraction, FakeMessage, Upload, attachment_payload
from tests.fakes.discord.payloads import (
    Json,
    dm_channel,
    error,
    guild,
    member,
    respond,
    snowflake,
    text_channel,
    user,
)
from tests.fakes.discord.rest import add_rest_routes
from tests.fakes.discord.webhooks import add_webhook_routes
from tests.fakes.server import serve

MIB = 1024 * 1024
UNAUTHENTICATED = frozenset({"callback", "webhook_post", "webhook_edit", "webhook_get", "cdn", "gateway_ws"})
OPTION_TYPES = {str: 3, int: 4, bool: 5}
BODY = web.RequestKey("body", Body)


@dataclass
class RateLimit:
    times: int
    retry_after: float
    via: bool


class FakeDiscord:
    def __init__(
        self,
        *,
        token: str = "fake-bot-token.secret",
        attachment_size_limit: int = 10 * MIB,
        upload_limit: int = 10 * MIB,
        token_life_s: float = 15 * 60,
        callback_deadline_s: float = 3.0,
    ) -> None:
        self.token = token
        self.attachment_size_limit = attachment_size_limit  # what interactions announce
        self.upload_limit = upload_limit  # what uploads are held to
        self.token_life_s = token_life_s
        self.callback_deadline_s = callback_deadline_s
        self.bot = user(snowflake(), "videobot", bot=True)
        self.owner = user(snowflake(), "owner")
        self.application_id = snowflake()
        self.guild_id = snowflake()
        self.channel_id = snowflake()
        self.users: dict[int, Json] = {int(self.bot["id"]): self.bot, int(self.owner["id"]): self.owner}
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self.messages: dict[int, FakeMessage] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.uploads: dict[str, Upload] = {}
        self.commands: dict[str, list[Json]] = {}
        self.calls: list[Call] = []
        self.forbidden_channels: set[int] = set()
        self.closed_dms: set[int] = set()  # users who take no direct messages from the bot (50007)
        self.nonces: dict[tuple[int, str], int] = {}  # (channel, nonce) -> message id, for enforce_nonce
        self.rate_limits: dict[str, RateLimit] = {}
        self.ready = asyncio.Event()
        self.gateway = Gateway(self)
        self.base_url = ""

    # -- serving -----------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        add_rest_routes(app, self)
        add_webhook_routes(app, self)
        app.router.add_get("/gateway", self.gateway.handle, name="gateway_ws")
        app.on_shutdown.append(self.gateway.close_all)
        return app

    @asynccontextmanager
    async def running(self) -> AsyncIterator[str]:
        async with serve(self.app()) as url:
            self.base_url = url
            yield url

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return self.base_url.replace("http://", "ws://", 1) + "/gateway"

    @property
    def cdn_base(self) -> str:
        return f"{self.base_url}/cdn"

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        route = request.match_info.route.name or "unknown"
        bot_auth = request.headers.get("Authorization") == f"Bot {self.token}"
        limit = self.rate_limits.get(route)
        if limit is not None and limit.times > 0:
            limit.times -= 1
            response: web.StreamResponse = self._too_many(limit)
        elif route not in UNAUTHENTICATED and route != "unknown" and not bot_auth:
            response = error(401, 0, "401: Unauthorized")
        elif route == "unknown":
            response = error(404, 0, "404: Not Found")
        else:
            response = await handler(request)
        body = request.get(BODY)
        self.calls.append(
            Call(
                route=route,
                method=request.method,
                path=request.path,
                status=response.status,
                bot_auth=bot_auth,
                body=body.json if body else None,
                files=tuple((name, len(data)) for name, data in body.files) if body else (),
                at=time.monotonic(),
            )
        )
        return response

    def _too_many(self, limit: RateLimit) -> web.Response:
        headers = {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": str(limit.retry_after),
            "X-RateLimit-Bucket": "fake-bucket",
            "X-RateLimit-Scope": "user",
        }
        if limit.via:
            headers["Via"] = "1.1 google"
        payload = {
            "message": "You are being rate limited.",
            "retry_after": limit.retry_after,
            "global": False,
        }
        return respond(payload, 429, headers)

    # -- helpers for the routes --------------------------------------------------------------------

    async def body(self, request: web.Request) -> Body:
        body = await Body.read(request)
        request[BODY] = body
        return body

    def refuse_upload(self, body: Body) -> web.Response | None:
        if any(len(data) > self.upload_limit for _, data in body.files):
            return error(413, 40005, "Request entity too large")
        return None

    def channel_exists(self, channel_id: int) -> bool:
        return channel_id == self.channel_id or channel_id in self.dm_channels.values()

    def dm_channel_of(self, user_id: int) -> int:
        return self.dm_channels.setdefault(user_id, snowflake())

    def by_token(self, token: str) -> FakeInteraction | None:
        return next((i for i in self.interactions.values() if i.token == token), None)

    def cdn_file(self, attachment_id: str) -> tuple[bytes | None, str]:
        upload = self.uploads.get(attachment_id)
        if upload is not None:
            if upload.expired:
                return None, "text/plain"
            return upload.data, upload.content_type or "application/octet-stream"
        for message in self.messages.values():
            if attachment_id in message.files:
                return message.files[attachment_id], "video/mp4"
        return None, "text/plain"

    def guild_payload(self) -> Json:
        return guild(self.guild_id, text_channel(self.channel_id, self.guild_id), self.bot)

    # -- what tests do -----------------------------------------------------------------------------

    def rate_limit(self, route: str, *, times: int = 1, retry_after: float = 0.05, via: bool = True) -> None:
        """Answer the next ``times`` requests of ``route`` with 429."""
        self.rate_limits[route] = RateLimit(times, retry_after, via)

    def person(self, name: str) -> Json:
        found = user(snowflake(), name)
        self.users[int(found["id"])] = found
        return found

    async def slash(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        by: Json,
        in_dm: bool = False,
        locale: str = "en-US",
        size_limit: int | None = None,
    ) -> FakeInteraction:
        """A user runs ``/command`` (``"prefs set"`` for a subcommand); ``Upload`` values are attachments."""
        data = self._command_data(command, options or {}, focused=None)
        return await self._interact(2, data, by=by, in_dm=in_dm, locale=locale, size_limit=size_limit)

    async def autocomplete(
        self, command: str, options: dict[str, Any], focused: str, *, by: Json, locale: str = "en-US"
    ) -> list[Json]:
        data = self._command_data(command, options, focused=focused)
        interaction = await self._interact(4, data, by=by, in_dm=False, locale=locale, size_limit=None)
        await asyncio.wait_for(interaction.answered.wait(), 3)
        return interaction.choices

    async def select(
        self, message_id: int, custom_id: str, value: str, *, by: Json, locale: str = "en-US"
    ) -> FakeInteraction:
        """A user picks ``value`` in the string select ``custom_id`` of a message."""
        message = self.messages[message_id]
        menu = next(
            c
            for row in message.components
            for c in row.get("components", [])
            if c.get("custom_id") == custom_id
        )
        assert value in [option["value"] for option in menu["options"]], f"{value} is not in {custom_id}"
        data = {"custom_id": custom_id, "component_type": 3, "values": [value]}
        return await self._component(message, data, by=by, locale=locale)

    async def click(
        self, message_id: int, custom_id: str, *, by: Json, locale: str = "en-US"
    ) -> FakeInteraction:
        message = self.messages[message_id]
        assert custom_id in message.custom_ids, f"{custom_id} is not on message {message_id}"
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._component(message, data, by=by, locale=locale)

    async def _component(self, message: FakeMessage, data: Json, *, by: Json, locale: str) -> FakeInteraction:
        """A component interaction (type 3) on ``message``: a button or a menu."""
        return await self._interact(
            3,
            data,
            by=by,
            in_dm=message.channel_id != self.channel_id,
            locale=locale,
            size_limit=None,
            message=message.payload(self.application_id),
        )

    async def dm(self, by: Json, content: str, uploads: tuple[Upload, ...] = ()) -> FakeMessage:
        """A user writes to the bot in a direct message."""
        channel_id = self.dm_channel_of(int(by["id"]))
        message = FakeMessage(id=snowflake(), channel_id=channel_id, author=by, content=content)
        message.attachments = [self._register(upload) for upload in uploads]
        self.messages[message.id] = message
        await self.gateway.dispatch("MESSAGE_CREATE", message.payload(self.application_id))
        return message

    async def wait_for(self, check: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Poll ``check`` until it returns something truthy; that value."""
        async with asyncio.timeout(timeout):
            while not (found := check()):
                await asyncio.sleep(0.01)
        return found

    def in_channel(self, channel_id: int) -> list[FakeMessage]:
        return sorted((m for m in self.messages.values() if m.channel_id == channel_id), key=lambda m: m.id)

    def bot_messages(self) -> list[FakeMessage]:
        return sorted((m for m in self.messages.values() if m.author is self.bot), key=lambda m: m.id)

    def calls_to(self, *routes: str) -> list[Call]:
        return [call for call in self.calls if call.route in routes]

    # -- plumbing ----------------------------------------------------------------------------------

    async def _interact(
        self,
        kind: int,
        data: Json,
        *,
        by: Json,
        in_dm: bool,
        locale: str,
        size_limit: int | None,
        message: Json | None = None,
    ) -> FakeInteraction:
        interaction_id = snowflake()
        if in_dm:
            channel_id = self.dm_channel_of(int(by["id"]))
            channel = dm_channel(channel_id, by)
        else:
            channel_id, channel = self.channel_id, text_channel(self.channel_id, self.guild_id)
        payload: Json = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "token": f"interaction-token-{secrets.token_hex(8)}",
            "version": 1,
            "channel_id": str(channel_id),
            "channel": channel,
            "locale": locale,
            "app_permissions": "2251799813685247",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)},
            "context": 1 if in_dm else 0,
            "attachment_size_limit": size_limit or self.attachment_size_limit,
            "data": data,
        }
        if in_dm:
            payload["user"] = by
        else:
            payload.update(guild_id=str(self.guild_id), member=member(by), guild_locale="en-US")
        if message is not None:
            payload["message"] = message
        interaction = FakeInteraction(
            id=interaction_id,
            token=payload["token"],
            type=kind,
            channel_id=channel_id,
            user=by,
            guild_id=None if in_dm else self.guild_id,
            payload=payload,
        )
        self.interactions[interaction_id] = interaction
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return interaction

    def _command_data(self, command: str, options: dict[str, Any], focused: str | None) -> Json:
        name, _, sub = command.partition(" ")
        resolved: dict[str, Json] = {}
        built: list[Json] = []
        for option, value in options.items():
            if isinstance(value, Upload):
                attachment = self._register(value)
                resolved[attachment["id"]] = attachment
                entry: Json = {"name": option, "type": 11, "value": attachment["id"]}
            else:
                entry = {"name": option, "type": OPTION_TYPES[type(value)], "value": value}
            if option == focused:
                entry["focused"] = True
            built.append(entry)
        if sub:
            built = [{"name": sub, "type": 1, "options": built}]
        known = next((c for c in self.commands.get("global", []) if c["name"] == name), None)
        data: Json = {
            "id": known["id"] if known else str(snowflake()),
            "name": name,
            "type": 1,
            "options": built,
        }
        if resolved:
            data["resolved"] = {"attachments": resolved}
        return data

    def _register(self, upload: Upload) -> Json:
        attachment_id = snowflake()
        size = upload.size if upload.size is not None else len(upload.data)
        attachment = attachment_payload(
            attachment_id, upload.filename, size, self.cdn_base, upload.content_type
        )
        if upload.content_type is None:
            attachment.pop("content_type")
        self.uploads[attachment["id"]] = upload
        return attachment
