"""The Discord channel: shows the conversation's replies, by interaction token while fresh, else bot token.

Routing of one reply (``live`` = the job's interaction, while its token may be used; see ``live.py``):

- edit (``replace`` given): with the token when that message was shown with it (original response or
  followup), else with the bot token; if neither works, the reply is posted as a new message;
- post: the first reply of a slash command fills its "thinking…" original response, later ones are
  followups; without a live token the bot posts in the channel (a reply to the user's message), and
  when the channel refuses, in a direct message to the user.

A token error (10015/10062/50027 or 401) retires the token at once: never retried. A video too large
for one upload, or any failed upload, is shown as its caption with the fallback note and its URL.
An answer to an ephemeral interaction never falls back to the channel: a direct message, or nothing.
Bot-token sends carry a ``nonce`` with ``enforce_nonce`` (one per job step), so a retried send shows
once. When the channel and the user's DMs both refuse for good (unknown channel, no access, DMs
closed), :class:`ChatUnreachable` tells the flow, which then orders nothing for that chat.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import aiohttp
import discord
import discord.utils

from bot.discord_bot.host import Host
from bot.discord_bot.live import LiveInteraction
from bot.discord_bot.rendering import Draft, draft_of, upload_failed_draft, video_draft
from bot.discord_bot.videos import fetch_video
from handlers.channel import ChatUnreachable, DeliveryError
from handlers.inbound import ChatRef
from messages.progress import running_status
from messages.reply import Reply, ReplyKind

log = logging.getLogger(__name__)

TOKEN_GONE = frozenset({10015, 10062, 50027})  # unknown webhook, unknown interaction, invalid token
TOO_LARGE = 40005
# Unknown channel, unknown user, missing access, cannot message this user, missing permissions.
UNREACHABLE = frozenset({10003, 10013, 50001, 50007, 50013})

Call = Callable[[], Awaitable[discord.Message | None]]


class UploadRefused(Exception):
    """Discord refused the video upload (413 / 40005)."""


class DiscordChannel:
    """The :class:`handlers.channel.Channel` of the ``discord`` platform."""

    def __init__(self, client: Host) -> None:
        self._client = client
        self._dms: dict[int, int] = {}  # user id -> their DM channel id
        self._elsewhere: dict[str, int] = {}  # message id -> DM channel, for replies moved to a DM
        self._notices: dict[str, str] = {}  # status message id -> its pre-notification, while it runs

    async def send(self, chat: ChatRef, reply: Reply, *, replace: str | None = None) -> str | None:
        live = self._client.live.get(chat.reply_to)
        if reply.kind is ReplyKind.VIDEO and reply.video_url:
            self._notices.pop(replace or "", None)
            return await self._send_video(chat, reply, live, replace)
        if reply.kind is ReplyKind.PROGRESS:  # model, time and cost stay above the bar and the seconds
            notice = self._notices.get(replace or "")
            reply = reply.model_copy(update={"text": running_status(notice, reply.text, reply.percent)})
        elif replace is not None:
            self._notices.pop(replace, None)  # its last state: failed, cancelled
        shown = await self._deliver(chat, live, draft_of(reply, chat.lang or "zh"), replace)
        if reply.kind is ReplyKind.NOTICE:
            self._notices[shown] = reply.text
        return shown

    async def _send_video(
        self, chat: ChatRef, reply: Reply, live: LiveInteraction | None, replace: str | None
    ) -> str:
        assert reply.video_url is not None
        lang = chat.lang or "zh"
        limit = live.filesize_limit if live is not None else self._bot_filesize_limit(chat)
        sources = self._client.app.settings.video_sources
        video = await fetch_video(reply.video_url, limit, sources)
        web = sources.web(reply.video_url)
        try:
            return await self._deliver(chat, live, video_draft(reply, video, lang, web=web), replace)
        except (UploadRefused, DeliveryError) as exc:
            if video is None:
                raise
            log.warning("video upload failed (%s); showing the link instead", type(exc).__name__)
        live = self._client.live.get(chat.reply_to)
        return await self._deliver(chat, live, upload_failed_draft(reply, lang, web=web), replace)

    async def _deliver(
        self, chat: ChatRef, live: LiveInteraction | None, draft: Draft, replace: str | None
    ) -> str:
        if replace is not None and replace.isdigit():
            if live is not None and replace in live.shown:
                edited = await self._try("token edit", self._token_edit(live, replace, draft), draft, live)
                if edited:
                    return edited
            edited = await self._try("edit", self._bot_edit(chat, replace, draft), draft)
            if edited:
                return edited
        return await self._post(chat, self._client.live.get(chat.reply_to), draft)

    async def _post(self, chat: ChatRef, live: LiveInteraction | None, draft: Draft) -> str:
        if live is not None:
            if live.original_pending:
                posted = await self._try("response", self._fill_original(live, draft), draft, live)
                if posted:
                    live.original_pending, live.original_id = False, posted
                    live.shown.add(posted)
                    return posted
            else:
                posted = await self._try("followup", self._followup(live, draft), draft, live)
                if posted:
                    live.shown.add(posted)
                    return posted
        refusals: list[int] = []
        direct = self._direct(chat, draft)
        if self._client.live.is_private(chat.reply_to):  # a private answer never becomes public
            posted = await self._try("direct message", direct, draft, refusals=refusals)
            if posted is None and str(self._dms.get(int(chat.user_id))) == chat.chat_id:  # the chat is the DM
                posted = await self._try("send", self._bot_send(chat, draft, reference=False), draft)
            if posted is None:
                raise DeliveryError(f"a private answer in discord channel {chat.chat_id} was dropped")
            return posted
        posted = await self._try(
            "send", self._bot_send(chat, draft, reference=live is None), draft, refusals=refusals
        )
        posted = posted or await self._try("direct message", direct, draft, refusals=refusals)
        if posted is None and refusals and all(code in UNREACHABLE for code in refusals):
            raise ChatUnreachable(f"discord channel {chat.chat_id} and the user's DMs refuse us: {refusals}")
        if posted is None:
            raise DeliveryError(f"no way to show a reply in discord channel {chat.chat_id}")
        return posted

    # -- the calls ---------------------------------------------------------------------------------

    def _token_edit(self, live: LiveInteraction, message_id: str, draft: Draft) -> Call:
        interaction = live.interaction
        if message_id == live.original_id:
            return lambda: interaction.edit_original_response(**draft.edit_kwargs())
        return lambda: interaction.followup.edit_message(int(message_id), **draft.edit_kwargs())

    def _fill_original(self, live: LiveInteraction, draft: Draft) -> Call:
        return lambda: live.interaction.edit_original_response(**draft.edit_kwargs())

    def _followup(self, live: LiveInteraction, draft: Draft) -> Call:
        return lambda: live.interaction.followup.send(
            wait=True, ephemeral=live.ephemeral, **draft.send_kwargs()
        )

    def _bot_edit(self, chat: ChatRef, message_id: str, draft: Draft) -> Call:
        channel_id = self._elsewhere.get(message_id, int(chat.chat_id))
        channel = self._client.get_partial_messageable(channel_id)
        return lambda: channel.get_partial_message(int(message_id)).edit(**draft.edit_kwargs())

    def _bot_send(self, chat: ChatRef, draft: Draft, *, reference: bool) -> Call:
        channel = self._client.get_partial_messageable(int(chat.chat_id))
        kwargs = draft.send_kwargs() | ({"nonce": draft.nonce} if draft.nonce else {})
        if reference and chat.reply_to and chat.reply_to.isdigit():
            kwargs["reference"] = discord.MessageReference(
                message_id=int(chat.reply_to), channel_id=int(chat.chat_id), fail_if_not_exists=False
            )
        return lambda: channel.send(**kwargs)

    def _direct(self, chat: ChatRef, draft: Draft) -> Call:
        async def call() -> discord.Message | None:
            user_id = int(chat.user_id)
            if user_id not in self._dms:
                user = self._client.get_user(user_id) or await self._client.fetch_user(user_id)
                self._dms[user_id] = (await user.create_dm()).id
            dm_id = self._dms[user_id]
            if str(dm_id) == chat.chat_id:
                return None  # already refused there
            kwargs = draft.send_kwargs() | ({"nonce": draft.nonce} if draft.nonce else {})
            message = await self._client.get_partial_messageable(dm_id).send(**kwargs)
            self._elsewhere[str(message.id)] = dm_id
            return message

        return call

    async def _try(
        self,
        what: str,
        call: Call,
        draft: Draft,
        live: LiveInteraction | None = None,
        *,
        refusals: list[int] | None = None,
    ) -> str | None:
        """Run one way of showing ``draft``; the message id, or ``None`` when that way failed (its
        Discord error code, or 0 for no answer, noted in ``refusals``)."""
        try:
            message = await call()
        except discord.HTTPException as exc:
            if refusals is not None:
                refusals.append(exc.code)
            if live is not None and (exc.code in TOKEN_GONE or exc.status == 401):
                live.dead = True
            if draft.video is not None and (exc.status == 413 or exc.code == TOO_LARGE):
                raise UploadRefused(f"{exc.status}/{exc.code}") from None
            log.warning("discord %s failed: %s/%s", what, exc.status, exc.code)
            return None
        except (aiohttp.ClientError, OSError) as exc:
            if refusals is not None:
                refusals.append(0)
            log.warning("discord %s failed: %s", what, type(exc).__name__)
            return None
        return str(message.id) if message is not None else None

    def _bot_filesize_limit(self, chat: ChatRef) -> int:
        channel = self._client.get_channel(int(chat.chat_id))
        guild = getattr(channel, "guild", None)
        if isinstance(guild, discord.Guild):
            return guild.filesize_limit
        return discord.utils.DEFAULT_FILE_SIZE_LIMIT_BYTES
