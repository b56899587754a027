"""From Feishu events to the conversation: who may talk to us, which deliveries are new, what is asked.

Runs on our event loop; the SDK's callbacks (another thread in long-connection mode) only hand events
over with :meth:`Receiver.take_message` / :meth:`Receiver.take_click` and return.

Policies (docs/feishu.md):
- the access policy (``FEISHU_DM_ACCESS``, ``FEISHU_GROUP_ACCESS`` and the allowed lists): someone
  outside it hears so once a day in a DM, nothing in a group;
- groups need an @ of the bot (``FEISHU_REQUIRE_MENTION``), recognised by its ``open_id``; DMs don't;
- a message id is handled once: a 12-hour in-memory set drops repeats at once (before any picture is
  downloaded), and the conversation's claim in the job ledger drops them across restarts;
- a message that reaches us more than 30 minutes after it was sent (Feishu's retries come after 15 s,
  5 min, 1 h and 6 h) starts nothing: if the ledger never saw it, the user is told to send it again;
- stickers, files, voice and other messages get a friendly "text and pictures only"; unreadable events
  are logged and dropped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from bot.feishu.api import FeishuApi
from bot.feishu.cards import FOLLOW_UPS
from bot.feishu.clicks import CardClick
from bot.feishu.errors import FeishuError
from bot.feishu.inbound import FeishuMessage, MalformedEvent, read_message
from bot.feishu.pictures import PictureTrouble, Trouble, pictures_of
from bot.feishu.seen import SeenIds
from bot.feishu.settings import FeishuSettings, FeishuTuning
from bot.wiring import App
from handlers.access import Refusals, Who
from handlers.inbound import ChatRef, InboundMessage
from messages import attachment_not_image, attachment_too_large, not_allowed, unsupported_message
from messages.platform_feishu import image_unavailable, stale_request
from messages.reply import Lang, Reply, ReplyKind

log = logging.getLogger(__name__)

PLATFORM = "feishu"
BOT_ID_RETRY_S = 60.0


class Receiver:
    """Handles received messages and card clicks."""

    def __init__(
        self,
        app: App,
        api: FeishuApi,
        settings: FeishuSettings,
        tuning: FeishuTuning,
        bot_open_id: str | None,
    ) -> None:
        self._app = app
        self._api = api
        self._settings = settings
        self._tuning = tuning
        self._bot_open_id = bot_open_id
        app.access.register(PLATFORM, settings.access)  # admins change it at run time (handlers.access)
        self._refusals = Refusals()
        self._seen = SeenIds(tuning.seen_ttl_s)
        self._tasks: set[asyncio.Task[None]] = set()
        self._chats: dict[str, tuple[asyncio.Lock, int]] = {}  # per chat and sender: lock, users
        if bot_open_id is None:
            self._spawn(self._ask_bot_id(), "feishu-bot-info")

    # -- hand-over from the SDK's callbacks (on our loop) --------------------------------------------

    def take_message(self, event: Any) -> None:
        self._spawn(self.on_message(event), "feishu-message")

    def take_click(self, click: CardClick) -> None:
        self._spawn(self.on_click(click), "feishu-click")

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- messages -----------------------------------------------------------------------------------

    async def on_message(self, event: Any) -> None:
        try:
            message = read_message(event, self._bot_open_id)
        except MalformedEvent as exc:
            log.warning("unreadable message event dropped: %s", exc)
            return
        if message.sender_type != "user" or not self._seen.first_time(message.message_id):
            return
        if not message.is_dm and self._settings.require_mention and not self._mentioned(message):
            return
        if not await self._allowed(message):
            return
        # One sender's messages in one chat are handled in arrival order (a photo, then its words).
        async with self._in_order(f"{message.chat_id}/{message.sender_id}"):
            await self._handle(message)

    async def _handle(self, message: FeishuMessage) -> None:
        chat = ChatRef(
            platform=PLATFORM,
            chat_id=message.chat_id,
            user_id=message.sender_id,
            reply_to=message.message_id,
            space=None if message.is_dm else message.chat_id,  # a group spends from its own budget
        )
        lang = self._app.conversation.lang_for(chat, message.text)
        inbound = InboundMessage(chat=chat, message_id=message.message_id, text=message.text)
        if self._stale(message):
            if await self._app.jobs.claim_inbound(inbound.inbound_key, self._app.timescale.now()):
                log.info("stale message %s not started", message.message_id)
                await self._say(chat, lang, stale_request(lang))
            return
        if not message.supported:
            await self._say(chat, lang, unsupported_message(lang))
            return
        try:
            images = await pictures_of(self._api, message, self._tuning.max_image_bytes)
        except PictureTrouble as trouble:
            await self._say(chat, lang, self._picture_words(trouble.trouble, lang))
            return
        await self._app.conversation.handle(inbound.model_copy(update={"images": images}))

    async def _allowed(self, message: FeishuMessage) -> bool:
        """The access policy; someone outside it hears so once a day in a DM, nothing in a group."""
        who = Who(
            private=message.is_dm,
            chat_id=message.chat_id,
            user_id=message.sender_id,
            org_id=message.tenant_key or None,
        )
        if self._app.access.allows(PLATFORM, who):
            return True
        log.info(
            "feishu %s in %s (tenant %s) is outside the access policy",
            message.sender_id,
            message.chat_id,
            message.tenant_key,
        )
        if message.is_dm and self._refusals.first_today(message.sender_id, self._app.timescale.now()):
            chat = ChatRef(platform=PLATFORM, chat_id=message.chat_id, user_id=message.sender_id)
            lang = self._app.conversation.lang_for(chat, message.text)
            await self._say(chat.model_copy(update={"reply_to": message.message_id}), lang, not_allowed(lang))
        return False

    def _mentioned(self, message: FeishuMessage) -> bool:
        # Without the bot's open_id (bot info unavailable) any mention counts: with the usual
        # group_at_msg scope Feishu only delivers group messages that @ the bot anyway.
        return message.mentions_bot if self._bot_open_id else message.mentions_anyone

    def _stale(self, message: FeishuMessage) -> bool:
        age_s = time.time() - message.sent_at_ms / 1000
        return message.sent_at_ms > 0 and age_s > self._tuning.stale_after_s

    def _picture_words(self, trouble: Trouble, lang: Lang) -> str:
        if trouble is Trouble.TOO_LARGE:
            return attachment_too_large(lang, self._tuning.max_image_bytes // (1024 * 1024))
        if trouble is Trouble.NOT_AN_IMAGE:
            return attachment_not_image(lang)
        return image_unavailable(lang)

    @asynccontextmanager
    async def _in_order(self, key: str) -> AsyncIterator[None]:
        lock, users = self._chats.get(key, (asyncio.Lock(), 0))
        self._chats[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._chats[key]
            if users == 1:
                del self._chats[key]
            else:
                self._chats[key] = (lock, users - 1)

    async def _ask_bot_id(self) -> None:
        """The bot's open_id was unavailable at start: ask again every minute until Feishu answers."""
        while self._bot_open_id is None:
            await asyncio.sleep(BOT_ID_RETRY_S)
            try:
                self._bot_open_id = await self._api.bot_open_id()
            except FeishuError as exc:
                log.warning("bot info still unavailable: %s", exc)

    # -- clicks -------------------------------------------------------------------------------------

    async def on_click(self, click: CardClick) -> None:
        """A tap: "retry with" makes a new job, "make it" / "cancel" answers a question, "Cancel" calls a
        running job off; once per tap
        (resent callbacks keep their token)."""
        inbound_key = f"{PLATFORM}:{click.click_id}"
        new_token = self._seen.first_time(f"click:{click.click_id}")
        new_event = self._seen.first_time(f"click:{click.event_id}")
        if not (new_token and new_event):
            return  # the conversation's ledger claim guards it across restarts too
        who = Who(
            private=False, chat_id=click.chat_id, user_id=click.user_id, org_id=click.tenant_key or None
        )
        if not self._app.access.allows(
            PLATFORM, who
        ):  # judged by the group gate: a click says not where it came from
            log.info("feishu click by %s is outside the access policy", click.user_id)
            return
        chat = ChatRef(
            platform=PLATFORM,
            chat_id=click.chat_id,
            user_id=click.user_id,
            reply_to=click.reply_to or None,
            lang=click.lang,
        )
        conversation = self._app.conversation
        if click.action == "cancel":
            await conversation.cancel(chat, click.job_id, inbound_key=inbound_key)
        elif click.action in FOLLOW_UPS:
            await conversation.follow_up(chat, click.job_id, click.action, inbound_key=inbound_key)
        elif click.answer is not None:
            await conversation.go_ahead(chat, click.job_id, yes=click.answer, inbound_key=inbound_key)
        else:
            await conversation.retry(chat, click.job_id, click.model_key, inbound_key)

    # -- plumbing -----------------------------------------------------------------------------------

    async def _say(self, chat: ChatRef, lang: Lang, text: str) -> None:
        try:
            await self._app.outbox.send(
                chat.model_copy(update={"lang": lang}), Reply(kind=ReplyKind.TEXT, text=text)
            )
        except Exception:
            log.exception("could not answer in feishu chat %s", chat.chat_id)

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(self._guarded(work), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _guarded(work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception:
            log.exception("a feishu event could not be handled")
