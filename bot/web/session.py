"""One open page: its WebSocket, from the hello (the conversation so far) to the close.

Words and photos become an inbound message (the page's id for it makes a resent message one job),
and a tap becomes the conversation's retry, go-ahead, cancel, follow-up or model choice, exactly as a
Feishu card or a Discord button does.
"""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import Any

from aiohttp import WSMsgType, web

from bot.web.channel import PLATFORM, WebChannel
from bot.web.frames import (
    MAX_FRAME_BYTES,
    MAX_PHOTO_BYTES,
    BadPhoto,
    Click,
    Hello,
    Say,
    browser_lang,
    photos_of,
    read_frame,
)
from bot.web.render import own_entry
from bot.wiring import App
from handlers.access import Who
from handlers.background import Background
from handlers.inbound import ChatRef, InboundMessage
from messages import attachment_too_large, help_text, not_allowed
from messages.reply import Lang, Reply, ReplyKind
from messages.web import not_a_picture, web_welcome
from providers.types import TaskType

log = logging.getLogger(__name__)
FOLLOW_UPS = frozenset({"again", "another", "vertical", "landscape"})
HEARTBEAT_S = 20.0


class PageSession:
    """Serves one page of one person until it closes; the work a message starts outlives the page."""

    def __init__(self, app: App, channel: WebChannel, user_id: str, work: Background) -> None:
        self._app = app
        self._channel = channel
        self._user_id = user_id
        self._chat = ChatRef(platform=PLATFORM, chat_id=user_id, user_id=user_id)
        self._work = work  # the chat's, not the page's: a closed page leaves its work running

    async def serve(self, request: web.Request) -> web.WebSocketResponse:
        page = web.WebSocketResponse(max_msg_size=MAX_FRAME_BYTES, heartbeat=HEARTBEAT_S)
        await page.prepare(request)
        self._channel.attach(self._user_id, page)
        try:
            async for frame in page:
                if frame.type is WSMsgType.TEXT:
                    await self._take(frame.data, page)
                elif frame.type is WSMsgType.ERROR:
                    break
        finally:
            self._channel.detach(self._user_id, page)
        return page

    async def _take(self, raw: str, page: web.WebSocketResponse) -> None:
        frame = read_frame(raw)
        if isinstance(frame, Hello):
            await self._hello(frame, page)
        elif isinstance(frame, Say):
            await self._say(frame)
        elif isinstance(frame, Click):
            self._work.spawn(_logged(self._click(frame)), "web-click")
        else:
            log.info("a web page sent a frame we do not read")

    async def _hello(self, hello: Hello, page: web.WebSocketResponse) -> None:
        """The conversation so far; a person's very first page opens with the greeting."""
        if not self._channel.transcripts.entries(self._user_id):
            lang = browser_lang(hello.lang) or self._app.settings.lang
            welcome = web_welcome(lang, help_text(lang), offline=self._app.offline)
            await self._channel.send(
                self._chat.model_copy(update={"lang": lang}), Reply(kind=ReplyKind.TEXT, text=welcome)
            )
        await page.send_json({"type": "history", "entries": self._channel.transcripts.entries(self._user_id)})

    async def _say(self, say: Say) -> None:
        lang = self._app.conversation.lang_for(self._chat, say.text)
        try:
            images = photos_of(say)
        except BadPhoto as bad:
            too_large = attachment_too_large(lang, MAX_PHOTO_BYTES // 2**20)
            await self._tell(lang, too_large if bad.too_large else not_a_picture(lang))
            return
        if not say.text.strip() and not images:
            return
        await self._channel.show(self._user_id, own_entry(say.id, say.text, images, lang))
        if not self._allowed():
            await self._tell(lang, not_allowed(lang))
            return
        message = InboundMessage(chat=self._chat, message_id=say.id, text=say.text.strip(), images=images)
        self._work.spawn(_logged(self._app.conversation.handle(message)), "web-message")

    async def _click(self, click: Click) -> None:
        if not self._allowed():
            return
        chat = self._chat.model_copy(update={"lang": click.lang})
        key = f"{PLATFORM}:{click.id}"
        conversation = self._app.conversation
        if click.action == "cancel":
            await conversation.cancel(chat, click.job, inbound_key=key)
        elif click.action in FOLLOW_UPS:
            await conversation.follow_up(chat, click.job, click.action, inbound_key=key)
        elif click.action in ("go", "stop"):
            await conversation.go_ahead(chat, click.job, yes=click.action == "go", inbound_key=key)
        elif click.action == "retry":
            await conversation.retry(chat, click.job, click.model, key)
        elif click.action == "use" and click.model:
            task = TaskType(click.task) if click.task in TaskType.__members__.values() else None
            await conversation.set_model(chat, click.model, task)

    def _allowed(self) -> bool:
        who = Who(private=True, chat_id=self._user_id, user_id=self._user_id)
        return self._app.access.allows(PLATFORM, who)

    async def _tell(self, lang: Lang, text: str) -> None:
        reply = Reply(kind=ReplyKind.TEXT, text=text)
        await self._channel.send(self._chat.model_copy(update={"lang": lang}), reply)


async def _logged(work: Coroutine[Any, Any, None]) -> None:
    try:
        await work
    except Exception:
        log.exception("a web message was not handled")
