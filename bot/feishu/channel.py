"""How replies look in Feishu: threaded replies, one status card patched in place, the video as a player.

``notice`` creates the job's status card (a reply to the user's message); ``progress`` patches it;
``video`` finalises it (done, "open video") and then sends the playable video (``msg_type="media"``
with a cover and the duration), or a card with the cover and an "open video" button when that cannot
work; ``link`` is text; ``failure`` turns the card red with "retry with" buttons. Every send carries a
``uuid`` made of the job id and the step, so a retried send never shows twice. A chat that refuses us
for good (230002 bot removed, 230006, 230013, 230027, 230035) raises :class:`ChatUnreachable`.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import httpx

from bot.feishu.api import FeishuApi
from bot.feishu.cards import (
    TAPPABLE,
    cancelled_card,
    done_card,
    failed_card,
    note_card,
    question_card,
    video_card,
    working_card,
)
from bot.feishu.errors import FeishuError
from bot.feishu.patcher import CardPatcher
from bot.feishu.settings import FeishuTuning
from bot.feishu.video import ReadyVideo, VideoError, fetch_video, make_playable
from bot.inert import inert
from bot.videofiles import VideoSources
from handlers.channel import ChatUnreachable, DeliveryError
from handlers.inbound import ChatRef
from messages import delivery_fallback, offline_video_note
from messages.platform_feishu import video_not_playable
from messages.progress import running_status
from messages.reply import Lang, Reply, ReplyKind

log = logging.getLogger(__name__)

Json = dict[str, Any]
MAX_UUID = 50  # Feishu's limit for the idempotency key


def send_key(chat: ChatRef, reply: Reply, step: str) -> str:
    """The ``uuid`` of a send: ``<job id>:<step>`` (plain text adds its digest: a job may send several);
    for other replies, the message answered and the text."""
    if reply.job_id and reply.kind is not ReplyKind.TEXT:
        key = f"{reply.job_id}:{step}"
    elif reply.job_id:
        key = f"{reply.job_id}:{step}:{hashlib.sha256(reply.text.encode()).hexdigest()[:10]}"
    else:
        digest = hashlib.sha256(reply.text.encode()).hexdigest()[:10]
        key = f"{chat.reply_to or chat.chat_id}:{step}:{digest}"
    return key if len(key) <= MAX_UUID else hashlib.sha256(key.encode()).hexdigest()[:40]


class FeishuChannel:
    """The Feishu adapter's :class:`handlers.channel.Channel`."""

    def __init__(
        self,
        api: FeishuApi,
        patcher: CardPatcher,
        http: httpx.AsyncClient,
        tuning: FeishuTuning,
        *,
        sources: VideoSources,
    ) -> None:
        self._api = api
        self._patcher = patcher
        self._http = http
        self._tuning = tuning
        self._sources = sources
        self._notices: dict[str, str] = {}  # status card id -> its pre-notification text

    async def send(self, chat: ChatRef, reply: Reply, *, replace: str | None = None) -> str | None:
        try:
            match reply.kind:
                case ReplyKind.NOTICE:
                    return await self._notice(chat, reply)
                case ReplyKind.PROGRESS:
                    return await self._progress(chat, reply, replace)
                case ReplyKind.VIDEO:
                    return await self._video(chat, reply, replace)
                case ReplyKind.FAILURE:
                    return await self._failure(chat, reply, replace)
                case ReplyKind.CANCELLED:
                    return await self._last_state(
                        chat, reply, replace, cancelled_card(_lang(chat), reply.text)
                    )
                case ReplyKind.QUESTION:
                    card = question_card(_lang(chat), reply.text, reply.buttons, _asker(chat))
                    return await self._post(chat, "interactive", card, send_key(chat, reply, "question"))
                case ReplyKind.LINK:
                    text = offline_video_note(_lang(chat)) if "file://" in reply.text else reply.text
                    return await self._post(chat, "text", {"text": text}, send_key(chat, reply, "link"))
                case _ if any(b.action in TAPPABLE for b in reply.buttons):  # a queue notice, a pick
                    card = note_card(reply.text, reply.buttons, _asker(chat))
                    return await self._post(chat, "interactive", card, send_key(chat, reply, "note"))
                case _:
                    return await self._post(chat, "text", {"text": reply.text}, send_key(chat, reply, "text"))
        except FeishuError as error:
            if error.unreachable:
                raise ChatUnreachable(f"feishu chat {chat.chat_id} refuses us: {error.code}") from None
            raise DeliveryError(f"feishu could not show a {reply.kind.value}: {error}") from None

    # -- the status card ----------------------------------------------------------------------------

    async def _notice(self, chat: ChatRef, reply: Reply) -> str:
        card = working_card(_lang(chat), reply.text, reply.buttons, _asker(chat))
        message_id = await self._post(chat, "interactive", card, send_key(chat, reply, "notice"))
        self._notices[message_id] = reply.text
        return message_id

    async def _progress(self, chat: ChatRef, reply: Reply, replace: str | None) -> str | None:
        if replace is None:  # the notice never arrived: this card becomes the status card
            return await self._notice(chat, reply)
        text = running_status(self._notices.get(replace), reply.text, reply.percent)
        card = working_card(_lang(chat), text, reply.buttons, _asker(chat))
        self._patcher.update(replace, card)  # paced; a dead card stays quiet
        return replace

    async def _failure(self, chat: ChatRef, reply: Reply, replace: str | None) -> str:
        lang = _lang(chat)
        card = failed_card(lang, reply.text, reply.buttons, {"lang": lang, "reply_to": chat.reply_to or ""})
        return await self._last_state(chat, reply, replace, card)

    async def _last_state(self, chat: ChatRef, reply: Reply, replace: str | None, card: Json) -> str:
        """The status card's last state (failed, cancelled); a new card when it cannot be patched."""
        if replace is not None:
            self._notices.pop(replace, None)
            if await self._patcher.finish(replace, card):
                return replace
        return await self._post(chat, "interactive", card, send_key(chat, reply, reply.kind.value))

    # -- the video ----------------------------------------------------------------------------------

    async def _video(self, chat: ChatRef, reply: Reply, replace: str | None) -> str:
        lang = _lang(chat)
        web_url = reply.video_url if self._sources.web(reply.video_url) else None
        ready, cover_key = await self._prepare(reply)
        done = done_card(lang, reply.text, web_url, reply.buttons, _asker(chat), cover_key=cover_key)
        if replace is not None:
            self._notices.pop(replace, None)
        if replace is None or not await self._patcher.finish(replace, done):
            await self._post(chat, "interactive", done, send_key(chat, reply, "done"))
        if ready is not None:
            try:
                name = f"{reply.job_id or 'video'}.mp4"
                file_key = await self._api.upload_video(ready.data, name, ready.duration_ms)
                content = {"file_key": file_key, **({"image_key": cover_key} if cover_key else {})}
                return await self._post(chat, "media", content, send_key(chat, reply, "video"))
            except FeishuError as exc:
                log.warning("job %s: the video cannot play inline (%s); sending a card", reply.job_id, exc)
        words = delivery_fallback(lang) if web_url else video_not_playable(lang)
        card = video_card(lang, words, cover_key, web_url)
        return await self._post(chat, "interactive", card, send_key(chat, reply, "video-card"))

    async def _prepare(self, reply: Reply) -> tuple[ReadyVideo | None, str | None]:
        """The video made playable here and its cover uploaded (for the done card and the player), or
        what of it could be done."""
        try:
            if not reply.video_url:
                raise VideoError("no video link")
            data = await fetch_video(
                reply.video_url, self._http, max_bytes=self._tuning.max_download_bytes, sources=self._sources
            )
            ready = await make_playable(
                data, max_bytes=self._tuning.max_upload_bytes, timeout_s=self._tuning.encode_timeout_s
            )
        except (VideoError, FeishuError) as exc:
            log.warning("job %s: the video cannot play inline (%s); sending a card", reply.job_id, exc)
            return None, None
        except Exception:  # never silence: whatever broke, a card still shows the video's way
            log.exception("job %s: unexpected trouble with the video; sending a card", reply.job_id)
            return None, None
        return ready, await self._upload_cover(ready.cover, f"{reply.job_id or 'video'}.mp4")

    async def _upload_cover(self, cover: bytes | None, name: str) -> str | None:
        if cover is None:
            return None
        try:
            return await self._api.upload_image(cover, name.replace(".mp4", ".jpg"))
        except FeishuError as exc:
            log.warning("cover upload failed: %s", exc)
            return None

    # -- sending ------------------------------------------------------------------------------------

    async def _post(self, chat: ChatRef, msg_type: str, content: Json, uuid: str) -> str:
        """Reply under the user's message; a new message in the chat when that message is gone. Text is
        made inert (no ``<at>`` mention, no disguised link from echoed words); cards are plain text."""
        if msg_type == "text":
            content = {**content, "text": inert(str(content.get("text", "")))}
        if chat.reply_to:
            try:
                return await self._api.reply(chat.reply_to, msg_type, content, uuid)
            except FeishuError as error:
                if error.transient:
                    raise
                log.info("reply to %s refused (%s); posting in the chat", chat.reply_to, error.code)
        return await self._api.send(chat.chat_id, msg_type, content, send_key_in_chat(uuid))

    async def aclose(self) -> None:
        await self._patcher.aclose()


def send_key_in_chat(uuid: str) -> str:
    """A distinct key for the same step sent as a new message instead of a reply."""
    return hashlib.sha256(f"{uuid}:chat".encode()).hexdigest()[:40]


def _asker(chat: ChatRef) -> dict[str, str]:
    """Where a tap on a job's card answers, and whose tap counts."""
    return {"lang": _lang(chat), "reply_to": chat.reply_to or "", "user": chat.user_id}


def _lang(chat: ChatRef) -> Lang:
    return chat.lang or "zh"
