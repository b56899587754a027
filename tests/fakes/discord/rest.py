"""Bot-token REST routes: login, application, command sync, channel messages, DMs, users, the CDN."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from tests.fakes.discord.model import FakeMessage
from tests.fakes.discord.payloads import Json, application, dm_channel, error, respond, snowflake

if TYPE_CHECKING:
    from tests.fakes.discord.fake import FakeDiscord

API = "/api/v10"


def add_rest_routes(app: web.Application, fake: FakeDiscord) -> None:
    routes = RestRoutes(fake)
    app.router.add_get(f"{API}/users/@me", routes.me, name="me")
    app.router.add_post(f"{API}/users/@me/channels", routes.open_dm, name="dm_open")
    app.router.add_get(f"{API}/users/{{user_id}}", routes.get_user, name="user_get")
    app.router.add_get(f"{API}/oauth2/applications/@me", routes.app_info, name="app_info")
    app.router.add_get(f"{API}/gateway", routes.gateway_url, name="gateway")
    app.router.add_put(f"{API}/applications/{{app_id}}/commands", routes.put_commands, name="commands_put")
    app.router.add_put(
        f"{API}/applications/{{app_id}}/guilds/{{guild_id}}/commands",
        routes.put_commands,
        name="commands_put_guild",
    )
    app.router.add_post(f"{API}/channels/{{channel_id}}/messages", routes.post_message, name="channel_post")
    app.router.add_patch(
        f"{API}/channels/{{channel_id}}/messages/{{message_id}}", routes.edit_message, name="channel_edit"
    )
    app.router.add_get(
        f"{API}/channels/{{channel_id}}/messages/{{message_id}}", routes.get_message, name="channel_get"
    )
    app.router.add_get("/cdn/attachments/{attachment_id}/{filename}", routes.cdn, name="cdn")


class RestRoutes:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    async def me(self, request: web.Request) -> web.Response:
        return respond(self.fake.bot)

    async def app_info(self, request: web.Request) -> web.Response:
        return respond(application(self.fake.application_id, self.fake.owner))

    async def gateway_url(self, request: web.Request) -> web.Response:
        return respond({"url": self.fake.gateway_url})

    async def get_user(self, request: web.Request) -> web.Response:
        found = self.fake.users.get(int(request.match_info["user_id"]))
        return respond(found) if found else error(404, 10013, "Unknown User")

    async def open_dm(self, request: web.Request) -> web.Response:
        body = await self.fake.body(request)
        recipient = self.fake.users.get(int(body.json.get("recipient_id", 0)))
        if recipient is None:
            return error(400, 50007, "Cannot send messages to this user")
        return respond(dm_channel(self.fake.dm_channel_of(int(recipient["id"])), recipient))

    async def put_commands(self, request: web.Request) -> web.Response:
        if int(request.match_info["app_id"]) != self.fake.application_id:
            return error(403, 50001, "Missing Access")
        body = await self.fake.body(request)
        commands: list[Json] = body.json if isinstance(body.json, list) else []
        guild_id = request.match_info.get("guild_id")
        echoed = [
            {
                **command,
                "id": str(snowflake()),
                "application_id": str(self.fake.application_id),
                "version": str(snowflake()),
                **({"guild_id": guild_id} if guild_id else {}),
            }
            for command in commands
        ]
        self.fake.commands[guild_id or "global"] = echoed
        return respond(echoed)

    async def post_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        if not self.fake.channel_exists(channel_id):
            return error(404, 10003, "Unknown Channel")
        if channel_id in self.fake.forbidden_channels:
            return error(403, 50013, "Missing Permissions")
        if any(channel_id == self.fake.dm_channels.get(user) for user in self.fake.closed_dms):
            return error(403, 50007, "Cannot send messages to this user")
        body = await self.fake.body(request)
        nonce = body.json.get("nonce")
        if nonce is not None and body.json.get("enforce_nonce"):  # the same nonce again: the same message
            earlier = self.fake.messages.get(self.fake.nonces.get((channel_id, str(nonce)), 0))
            if earlier is not None:
                return respond(earlier.payload(self.fake.application_id))
        if refused := self.fake.refuse_upload(body):
            return refused
        reference = body.json.get("message_reference")
        referenced: int | None = None
        if reference:
            target = self.fake.messages.get(int(reference.get("message_id", 0)))
            if target is not None and target.channel_id == channel_id:
                referenced = target.id
            elif reference.get("fail_if_not_exists", True):
                return error(400, 50035, "Invalid Form Body")
        message = FakeMessage(
            id=snowflake(),
            channel_id=channel_id,
            author=self.fake.bot,
            guild_id=self.fake.guild_id if channel_id == self.fake.channel_id else None,
            reference=referenced,
        )
        message.write(body, self.fake.cdn_base, editing=False)
        self.fake.messages[message.id] = message
        if nonce is not None:
            self.fake.nonces[(channel_id, str(nonce))] = message.id
        return respond(message.payload(self.fake.application_id))

    async def edit_message(self, request: web.Request) -> web.Response:
        if int(request.match_info["channel_id"]) in self.fake.forbidden_channels:
            return error(403, 50001, "Missing Access")
        message = self._message(request)
        if message is None or message.ephemeral:
            return error(404, 10008, "Unknown Message")
        if message.author["id"] != self.fake.bot["id"]:
            return error(403, 50005, "Cannot edit a message authored by another user")
        body = await self.fake.body(request)
        if refused := self.fake.refuse_upload(body):
            return refused
        message.write(body, self.fake.cdn_base, editing=True)
        return respond(message.payload(self.fake.application_id))

    async def get_message(self, request: web.Request) -> web.Response:
        message = self._message(request)
        if message is None or message.ephemeral:
            return error(404, 10008, "Unknown Message")
        return respond(message.payload(self.fake.application_id))

    async def cdn(self, request: web.Request) -> web.Response:
        data, kind = self.fake.cdn_file(request.match_info["attachment_id"])
        if data is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=data, headers={"Content-Type": kind})

    def _message(self, request: web.Request) -> FakeMessage | None:
        message = self.fake.messages.get(int(request.match_info["message_id"]))
        if message is None or message.channel_id != int(request.match_info["channel_id"]):
            return None
        return message
