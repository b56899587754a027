"""Interaction routes: the callback (200 JSON, as discord.py 2.7 expects) and the token's webhook."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from aiohttp import web

from tests.fakes.discord.model import EPHEMERAL, LOADING, Body, FakeInteraction, FakeMessage
from tests.fakes.discord.payloads import Json, error, respond, snowflake

if TYPE_CHECKING:
    from tests.fakes.discord.fake import FakeDiscord

API = "/api/v10"
CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE = 4, 5, 6, 7, 8


def add_webhook_routes(app: web.Application, fake: FakeDiscord) -> None:
    routes = WebhookRoutes(fake)
    app.router.add_post(
        f"{API}/interactions/{{interaction_id}}/{{token}}/callback", routes.callback, name="callback"
    )
    app.router.add_post(f"{API}/webhooks/{{app_id}}/{{token}}", routes.followup, name="webhook_post")
    app.router.add_patch(
        f"{API}/webhooks/{{app_id}}/{{token}}/messages/{{message_id}}", routes.edit, name="webhook_edit"
    )
    app.router.add_get(
        f"{API}/webhooks/{{app_id}}/{{token}}/messages/{{message_id}}", routes.get, name="webhook_get"
    )


class WebhookRoutes:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    async def callback(self, request: web.Request) -> web.Response:
        interaction = self.fake.interactions.get(int(request.match_info["interaction_id"]))
        if interaction is None or interaction.token != request.match_info["token"]:
            return error(404, 10062, "Unknown interaction")
        if time.monotonic() - interaction.created > self.fake.callback_deadline_s:
            return error(404, 10062, "Unknown interaction")
        if interaction.response_type is not None:
            return error(400, 40060, "Interaction has already been acknowledged.")
        body = await self.fake.body(request)
        kind = int(body.json.get("type", 0))
        data: Json = body.json.get("data") or {}
        message: FakeMessage | None = None
        if kind in (CHANNEL_MESSAGE, DEFERRED_MESSAGE):
            if refused := self.fake.refuse_upload(body):
                return refused
            flags = int(data.get("flags") or 0) & EPHEMERAL
            message = self._new_message(interaction, flags | (LOADING if kind == DEFERRED_MESSAGE else 0))
            message.write(
                Body(data, body.files) if kind == CHANNEL_MESSAGE else Body({}, []),
                self.fake.cdn_base,
                editing=False,
            )
            interaction.original_id = message.id
        elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE) and "message" in interaction.payload:
            interaction.original_id = int(interaction.payload["message"]["id"])
            if kind == UPDATE_MESSAGE:
                self.fake.messages[interaction.original_id].write(
                    Body(data, body.files), self.fake.cdn_base, editing=True
                )
        elif kind != AUTOCOMPLETE:
            return error(400, 50035, "Invalid Form Body")
        interaction.response_type = kind
        interaction.response = body.json
        interaction.answered.set()
        resource: Json = {"type": kind}
        if message is not None and kind == CHANNEL_MESSAGE:
            resource["message"] = message.payload(self.fake.application_id)
        return respond(
            {
                "interaction": {
                    "id": str(interaction.id),
                    "type": interaction.type,
                    "response_message_id": str(interaction.original_id) if interaction.original_id else None,
                    "response_message_loading": kind == DEFERRED_MESSAGE,
                    "response_message_ephemeral": bool(message and message.ephemeral),
                },
                "resource": resource,
            }
        )

    async def followup(self, request: web.Request) -> web.Response:
        interaction = self._interaction(request)
        if isinstance(interaction, web.Response):
            return interaction
        body = await self.fake.body(request)
        if refused := self.fake.refuse_upload(body):
            return refused
        original = self.fake.messages.get(interaction.original_id or 0)
        if original is not None and original.loading:
            message = original  # the first followup after a "thinking" defer fills the placeholder
            message.write(body, self.fake.cdn_base, editing=True)
        else:
            message = self._new_message(interaction, int(body.json.get("flags") or 0) & EPHEMERAL)
            message.write(body, self.fake.cdn_base, editing=False)
            interaction.followup_ids.append(message.id)
        return respond(message.payload(self.fake.application_id))

    async def edit(self, request: web.Request) -> web.Response:
        found = self._message(request)
        if isinstance(found, web.Response):
            return found
        body = await self.fake.body(request)
        if refused := self.fake.refuse_upload(body):
            return refused
        found.write(body, self.fake.cdn_base, editing=True)
        return respond(found.payload(self.fake.application_id))

    async def get(self, request: web.Request) -> web.Response:
        found = self._message(request)
        if isinstance(found, web.Response):
            return found
        return respond(found.payload(self.fake.application_id))

    def _interaction(self, request: web.Request) -> FakeInteraction | web.Response:
        interaction = self.fake.by_token(request.match_info["token"])
        if interaction is None or int(request.match_info["app_id"]) != self.fake.application_id:
            return error(404, 10015, "Unknown Webhook")
        if time.monotonic() - interaction.created > self.fake.token_life_s:
            return error(401, 50027, "Invalid Webhook Token")
        if interaction.response_type is None:
            return error(404, 10015, "Unknown Webhook")
        return interaction

    def _message(self, request: web.Request) -> FakeMessage | web.Response:
        interaction = self._interaction(request)
        if isinstance(interaction, web.Response):
            return interaction
        wanted = request.match_info["message_id"]
        message_id = interaction.original_id if wanted == "@original" else int(wanted)
        allowed = {interaction.original_id, *interaction.followup_ids}
        message = self.fake.messages.get(message_id or 0)
        if message is None or message_id not in allowed:
            return error(404, 10008, "Unknown Message")
        return message

    def _new_message(self, interaction: FakeInteraction, flags: int) -> FakeMessage:
        message = FakeMessage(
            id=snowflake(),
            channel_id=interaction.channel_id,
            author=self.fake.bot,
            guild_id=interaction.guild_id,
            flags=flags,
            interaction_id=interaction.id,
        )
        self.fake.messages[message.id] = message
        return message
