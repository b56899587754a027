"""The Feishu open API calls the adapter makes: lark-oapi's typed requests with our injected token, sent
on our pooled client (:mod:`bot.feishu.sdkcall`: the SDK's own async methods open a client per call).

Every call gets the tenant token from :class:`TenantTokens` (never the SDK's blocking fetch), retries
once with a fresh token on 99991663, waits out rate limits (``x-ogw-ratelimit-reset``) and network
trouble a few times, and ends in a :class:`FeishuError` otherwise. Two plain GETs (the bot's own
identity, a message's picture) go through httpx directly: the SDK has no call for the first and reads
the whole body of the second with no size cap.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import lark_oapi as lark
from lark_oapi.api.im.v1 import (
    CreateFileRequest,
    CreateFileRequestBody,
    CreateFileResponse,
    CreateImageRequest,
    CreateImageRequestBody,
    CreateImageResponse,
    CreateMessageRequest,
    CreateMessageRequestBody,
    CreateMessageResponse,
    GetMessageRequest,
    GetMessageResponse,
    PatchMessageRequest,
    PatchMessageRequestBody,
    PatchMessageResponse,
    ReplyMessageRequest,
    ReplyMessageRequestBody,
    ReplyMessageResponse,
)

from bot.feishu.errors import NETWORK, FeishuError, reset_seconds
from bot.feishu.sdkcall import execute
from bot.feishu.settings import FeishuTuning
from bot.feishu.tokens import TenantTokens

log = logging.getLogger(__name__)

Json = dict[str, Any]
BOT_INFO_PATH = "/open-apis/bot/v3/info"
RESOURCE_PATH = "/open-apis/im/v1/messages/{message_id}/resources/{key}"


class TooLarge(Exception):
    """A download went past its size cap."""


class FeishuApi:
    """The calls we make, each ending in its result or a :class:`FeishuError`."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        tokens: TenantTokens,
        *,
        domain: str,
        app_id: str,
        tuning: FeishuTuning,
        timeout_s: float = 60.0,
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._domain = domain
        self._tuning = tuning
        # No app secret: should anything ever miss our token, the SDK fails instead of blocking the loop.
        self._lark: Any = (
            lark.Client.builder()
            .app_id(app_id)
            .domain(domain)
            .enable_set_token(True)
            .timeout(timeout_s)
            .log_level(lark.LogLevel.WARNING)
            .build()
        )

    # -- messages -----------------------------------------------------------------------------------

    async def reply(self, message_id: str, msg_type: str, content: Json, uuid: str) -> str:
        """Reply under ``message_id`` (threads the answer to the user's message); the new message id."""

        def request() -> Any:
            body = (
                ReplyMessageRequestBody.builder()
                .msg_type(msg_type)
                .content(json.dumps(content, ensure_ascii=False))
                .reply_in_thread(False)
                .uuid(uuid)
                .build()
            )
            return ReplyMessageRequest.builder().message_id(message_id).request_body(body).build()

        response = await self._call(request, ReplyMessageResponse)
        return str(response.data.message_id)

    async def send(self, chat_id: str, msg_type: str, content: Json, uuid: str) -> str:
        """A new message in ``chat_id`` (when there is no message to reply to); its id."""

        def request() -> Any:
            body = (
                CreateMessageRequestBody.builder()
                .receive_id(chat_id)
                .msg_type(msg_type)
                .content(json.dumps(content, ensure_ascii=False))
                .uuid(uuid)
                .build()
            )
            return CreateMessageRequest.builder().receive_id_type("chat_id").request_body(body).build()

        response = await self._call(request, CreateMessageResponse)
        return str(response.data.message_id)

    async def patch(self, message_id: str, card: Json) -> None:
        """Replace an interactive card's content. One attempt: the card patcher owns the pacing."""

        def request() -> Any:
            body = PatchMessageRequestBody.builder().content(json.dumps(card, ensure_ascii=False)).build()
            return PatchMessageRequest.builder().message_id(message_id).request_body(body).build()

        await self._call(request, PatchMessageResponse, attempts=1)

    async def message(self, message_id: str) -> tuple[str, str]:
        """``(msg_type, content JSON)`` of a message, e.g. the picture a user replied to."""
        request = GetMessageRequest.builder().message_id(message_id).build()
        response = await self._call(lambda: request, GetMessageResponse)
        items = response.data.items if response.data is not None else None
        if not items or items[0].body is None:
            raise FeishuError(NETWORK, "message answer without items")
        return str(items[0].msg_type or ""), str(items[0].body.content or "")

    # -- uploads ------------------------------------------------------------------------------------

    async def upload_image(self, data: bytes, filename: str) -> str:
        """Upload a picture for messages and cards; its ``image_key``."""

        def request() -> Any:
            body = (
                CreateImageRequestBody.builder().image_type("message").image(_named(data, filename)).build()
            )
            return CreateImageRequest.builder().request_body(body).build()

        response = await self._call(request, CreateImageResponse, uploads=True)
        return str(response.data.image_key)

    async def upload_video(self, data: bytes, filename: str, duration_ms: int) -> str:
        """Upload an mp4 (``file_type="mp4"``, to be sent as ``msg_type="media"``); its ``file_key``."""

        def request() -> Any:
            body = (
                CreateFileRequestBody.builder()
                .file_type("mp4")
                .file_name(filename)
                .duration(duration_ms)
                .file(_named(data, filename))
                .build()
            )
            return CreateFileRequest.builder().request_body(body).build()

        response = await self._call(request, CreateFileResponse, uploads=True)
        return str(response.data.file_key)

    # -- plain GETs ---------------------------------------------------------------------------------

    async def bot_open_id(self) -> str:
        """The bot's own ``open_id`` (how a mention of the bot is recognised)."""
        for attempt in (1, 2):
            token = await self._tokens.get()
            try:
                response = await self._http.get(self._domain + BOT_INFO_PATH, headers=_bearer(token))
            except httpx.HTTPError as exc:
                raise FeishuError(NETWORK, f"bot info failed: {type(exc).__name__}") from None
            error = _error_of(response.status_code, response.content, response.headers)
            if error.code == 0:
                bot = response.json().get("bot")
                open_id = bot.get("open_id") if isinstance(bot, dict) else None
                if isinstance(open_id, str) and open_id:
                    return open_id
                raise FeishuError(NETWORK, "bot info without open_id")
            if error.bad_token and attempt == 1:
                self._tokens.invalidate(token)
                continue
            raise error
        raise AssertionError("unreachable")

    async def download(self, message_id: str, key: str, kind: str, max_bytes: int) -> tuple[bytes, str]:
        """A resource of a user's message (``kind`` image or file), streamed into memory up to ``max_bytes``.

        Returns ``(bytes, content type)``; raises :class:`TooLarge` or :class:`FeishuError`.
        """
        url = self._domain + RESOURCE_PATH.format(
            message_id=quote(message_id, safe=""), key=quote(key, safe="")
        )
        for attempt in (1, 2):
            token = await self._tokens.get()
            try:
                async with self._http.stream(
                    "GET", url, params={"type": kind}, headers=_bearer(token)
                ) as response:
                    if response.is_success:
                        return await _read_capped(response, max_bytes), response.headers.get(
                            "content-type", ""
                        )
                    error = _error_of(response.status_code, await response.aread(), response.headers)
            except httpx.HTTPError as exc:
                raise FeishuError(NETWORK, f"download failed: {type(exc).__name__}") from None
            if error.bad_token and attempt == 1:
                self._tokens.invalidate(token)
                continue
            raise error
        raise AssertionError("unreachable")

    # -- plumbing -----------------------------------------------------------------------------------

    async def _call(
        self,
        request: Callable[[], Any],
        answer: type[Any],
        *,
        uploads: bool = False,
        attempts: int | None = None,
    ) -> Any:
        """Send one SDK request (made anew for each try) with our token, on our pooled client
        (:mod:`bot.feishu.sdkcall`); a bad token is refreshed once, transient errors retried."""
        attempts = attempts or self._tuning.send_attempts
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            token = await self._tokens.get()
            option = lark.RequestOption.builder().tenant_access_token(token).build()
            try:
                response = await execute(
                    self._http, self._lark.config, request(), option, answer, uploads=uploads
                )
            except httpx.HTTPError as exc:
                error = FeishuError(NETWORK, f"no answer: {type(exc).__name__}")
            except (ValueError, TypeError, AttributeError) as exc:  # the SDK could not read the answer
                error = FeishuError(NETWORK, f"unreadable answer: {type(exc).__name__}")
            else:
                if response.success():
                    return response
                error = _error_of_response(response)
            if error.bad_token and not refreshed:
                self._tokens.invalidate(token)
                refreshed = True
                continue
            if error.transient and attempt < attempts:
                await asyncio.sleep(self.backoff(error, attempt))
                continue
            raise error

    def backoff(self, error: FeishuError, attempt: int) -> float:
        """How long to wait before trying again after ``error`` (the ``attempt``-th failure)."""
        if error.retry_after_s is not None:
            wait = error.retry_after_s
        else:
            wait = self._tuning.default_backoff_s * 2 ** (attempt - 1)
        return min(wait, self._tuning.max_backoff_s)


def _named(data: bytes, filename: str) -> io.BytesIO:
    """Uploads must be file objects with a name: raw bytes are silently dropped by the SDK (234001)."""
    stream = io.BytesIO(data)
    stream.name = filename
    return stream


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"{declared} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(f"more than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _error_of_response(response: Any) -> FeishuError:
    raw = getattr(response, "raw", None)
    headers = getattr(raw, "headers", None)
    status = int(getattr(raw, "status_code", 0) or 0)
    code = response.code if isinstance(response.code, int) else NETWORK
    if code == NETWORK and status == 429:
        code = 99991400
    message = str(response.msg or f"HTTP {status}")
    return FeishuError(code, message, retry_after_s=reset_seconds(headers), status=status)


def _error_of(status: int, body: bytes, headers: httpx.Headers) -> FeishuError:
    """Feishu's answer as an error (``code`` 0 when it is none), from its JSON body or its status."""
    try:
        answer = json.loads(body)
    except ValueError:
        answer = {}
    code = answer.get("code") if isinstance(answer, dict) else None
    if not isinstance(code, int) or isinstance(code, bool):
        code = 99991400 if status == 429 else NETWORK
    message = str(answer.get("msg", "")) if isinstance(answer, dict) else ""
    return FeishuError(
        code, message or f"HTTP {status}", retry_after_s=reset_seconds(dict(headers)), status=status
    )
