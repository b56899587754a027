"""The web chat's channel: every reply is kept in the person's transcript and pushed to each of their
open pages (tabs) over their WebSockets; a page that is closed finds it there when it comes back."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from aiohttp import web

from bot.web.render import MediaLinks, bot_entry, new_message_id
from bot.web.transcript import Entry, Transcripts
from handlers.inbound import ChatRef
from messages.reply import Lang, Reply

log = logging.getLogger(__name__)
PLATFORM = "web"


class WebChannel:
    """Shows replies to browsers; a status message is edited in place (same id, new content)."""

    def __init__(self, transcripts: Transcripts, links: MediaLinks, default_lang: Lang) -> None:
        self.transcripts = transcripts
        self._links = links
        self._default_lang = default_lang
        self._pages: dict[str, set[web.WebSocketResponse]] = defaultdict(set)

    def attach(self, user_id: str, page: web.WebSocketResponse) -> None:
        self._pages[user_id].add(page)

    def detach(self, user_id: str, page: web.WebSocketResponse) -> None:
        self._pages[user_id].discard(page)
        if not self._pages[user_id]:
            del self._pages[user_id]

    async def send(self, chat: ChatRef, reply: Reply, *, replace: str | None = None) -> str | None:
        user_id = chat.user_id
        edits = replace is not None and self.transcripts.find(user_id, replace) is not None
        message_id = replace if edits and replace else new_message_id()
        entry = bot_entry(reply, chat.lang or self._default_lang, self._links, message_id)
        await self.show(user_id, entry)
        return message_id

    async def show(self, user_id: str, entry: Entry) -> None:
        """Keep ``entry`` and draw it on every open page of the person."""
        self.transcripts.record(user_id, entry)
        await self.push(user_id, {"type": "message", "entry": entry})

    async def push(self, user_id: str, data: dict[str, Any]) -> None:
        for page in list(self._pages.get(user_id, ())):
            try:
                await page.send_json(data)
            except (ConnectionError, RuntimeError):  # the page went away meanwhile: it reloads from the file
                log.debug("a web page closed before a message reached it")
