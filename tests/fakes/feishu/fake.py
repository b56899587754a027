"""The fake Feishu: its HTTP API, its long connection and what its users do (write, post, click).

Serve ``FakeFeishu().app()`` with ``tests.fakes.server.serve`` and point ``FEISHU_DOMAIN`` at it.
Users' messages are recorded like Feishu records them (so replies, ``GET`` of a parent and resource
downloads work) and come back as ``im.message.receive_v1`` events, to push over the long connection
(:meth:`deliver`) or post to a webhook. Faults: ``fake.api.fail(endpoint, ...)``, ``fake.ws.silent``,
``await fake.ws.drop()``, :meth:`recall`, :meth:`expire_tokens`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.fakes.feishu import events
from tests.fakes.feishu.api import FeishuApi
from tests.fakes.feishu.content import card_buttons
from tests.fakes.feishu.longconn import LongConnections
from tests.fakes.feishu.state import Ack, Message, State, new_id

Json = dict[str, Any]
GROUP, DM = "oc_group0000000000000000000000001", "oc_dm000000000000000000000000001"


class FakeFeishu:
    def __init__(
        self,
        *,
        app_secret: str = "fake-app-secret",
        bot_open_id: str = "ou_bot0000000000000000000000000001",
        verification_token: str = "fake-verification-token",
        ping_interval_s: float = 1,
    ) -> None:
        self.app_id = new_id("cli_")[:20]  # unique per fake: no process-wide SDK state is shared
        self.app_secret = app_secret
        self.bot_open_id = bot_open_id
        self.verification_token = verification_token
        self.state = State()
        self.api = FeishuApi(self.state, app_id=self.app_id, app_secret=app_secret, bot_open_id=bot_open_id)
        self.ws = LongConnections(
            self.state, app_id=self.app_id, app_secret=app_secret, ping_interval_s=ping_interval_s
        )

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        self.api.add_routes(app)
        self.ws.add_routes(app)
        return app

    # -- what users do ------------------------------------------------------------------------------

    def message(
        self,
        msg_type: str,
        content: Json | str,
        *,
        dm: bool = False,
        sender: str = "ou_alice000000000000000000000001",
        mention_bot: bool = True,
        parent_id: str | None = None,
        sent_at: float | None = None,
        images: dict[str, bytes] | None = None,
        message_id: str | None = None,
    ) -> Json:
        """A user's message, recorded; its ``im.message.receive_v1`` event (``images``: key -> bytes)."""
        chat_id = DM if dm else GROUP
        message = Message(
            message_id or new_id("om_"),
            chat_id,
            msg_type,
            content if isinstance(content, str) else json.dumps(content, ensure_ascii=False),
            sender,
            parent_id,
        )
        self.state.messages[message.message_id] = message
        for key, data in (images or {}).items():
            self.state.resources[(message.message_id, key)] = data
        mentions = (
            [events.mention("@_user_1", self.bot_open_id, "videobot")] if mention_bot and not dm else []
        )
        return events.message_event(
            app_id=self.app_id,
            token=self.verification_token,
            message_id=message.message_id,
            chat_id=chat_id,
            chat_type="p2p" if dm else "group",
            sender=sender,
            msg_type=msg_type,
            content=message.content,
            mentions=mentions,
            parent_id=parent_id,
            sent_at=sent_at,
        )

    def text(self, text: str, *, dm: bool = False, mention_bot: bool = True, **extra: Any) -> Json:
        """A text message; in a group with the bot's ``@_user_1`` placeholder in front."""
        at = "@_user_1 " if mention_bot and not dm else ""
        return self.message("text", {"text": at + text}, dm=dm, mention_bot=mention_bot, **extra)

    def image(self, data: bytes, *, dm: bool = True, **extra: Any) -> Json:
        key = new_id("img_v3_")
        return self.message(
            "image", {"image_key": key}, dm=dm, mention_bot=False, images={key: data}, **extra
        )

    def post(self, text: str, data: bytes, **extra: Any) -> Json:
        """A rich-text message: an @ of the bot, a picture and a caption (a group's "image + words")."""
        key = new_id("img_v3_")
        content = {
            "title": "",
            "content": [
                [
                    {"tag": "at", "user_id": "@_user_1", "user_name": "videobot"},
                    {"tag": "text", "text": " " + text},
                ],
                [{"tag": "img", "image_key": key, "width": 64, "height": 64}],
            ],
        }
        return self.message("post", content, images={key: data}, **extra)

    def redelivered(self, event: Json) -> Json:
        """The same message again with a new event id (reconnect backfill, a retry)."""
        again: Json = json.loads(json.dumps(event))
        again["header"]["event_id"] = new_id("")
        return again

    def click(
        self, message_id: str, label: str, *, operator: str = "ou_alice000000000000000000000001"
    ) -> Json:
        """A ``card.action.trigger`` for the callback button labelled with ``label`` on a card."""
        message = self.state.messages[message_id]
        for button in card_buttons(message.body):
            behavior = button["behaviors"][0]
            if label in button["text"]["content"] and behavior.get("type") == "callback":
                return events.card_action(
                    app_id=self.app_id,
                    token=self.verification_token,
                    operator=operator,
                    chat_id=message.chat_id,
                    message_id=message_id,
                    value=behavior["value"],
                )
        raise LookupError(f"no callback button with {label!r} on {message_id}")

    # -- delivery -----------------------------------------------------------------------------------

    async def deliver(self, event: Json) -> Ack:
        """Push ``event`` over the long connection and wait for the client's ack. A card click answered
        with ``card`` (``type: raw``) replaces the clicked card, as Feishu does."""
        ack = await self.ws.ack(await self.ws.push(event))
        card = ack.data.get("card") if isinstance(ack.data, dict) else None
        message_id = event.get("event", {}).get("context", {}).get("open_message_id")
        if isinstance(card, dict) and card.get("type") == "raw" and message_id in self.state.messages:
            self.state.messages[message_id].patches.append(json.dumps(card["data"]))
        return ack

    def recall(self, message_id: str) -> None:
        self.state.messages[message_id].recalled = True

    def expire_tokens(self) -> None:
        self.state.tokens.clear()

    # -- what the bot did ---------------------------------------------------------------------------

    def replies_to(self, message_id: str, msg_type: str | None = None) -> list[Message]:
        return [
            m
            for m in self.state.sends
            if m.parent_id == message_id and (msg_type is None or m.msg_type == msg_type)
        ]

    async def wait_for(self, condition: Callable[[], object], timeout_s: float = 15.0) -> None:
        async with asyncio.timeout(timeout_s):
            while not condition():
                await asyncio.sleep(0.02)

    async def wait_quiet(self, quiet_s: float = 0.5, timeout_s: float = 15.0) -> None:
        """Wait until no call has reached the fake for ``quiet_s`` (counted from now at the earliest)."""
        start = time.monotonic()
        async with asyncio.timeout(timeout_s):
            while True:
                last = max(self.state.calls[-1].at if self.state.calls else 0.0, start)
                if time.monotonic() - last >= quiet_s:
                    return
                await asyncio.sleep(0.05)
