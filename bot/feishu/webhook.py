"""Webhook mode: Feishu POSTs events to ``/feishu/events`` on our HTTP server.

The SDK's dispatcher does the checks (im-platforms.md §1.3): it answers ``url_verification``,
decrypts ``{"encrypt": ...}`` bodies with the encrypt key, verifies the signature and the verification
token. It reads the ``X-Lark-*`` headers with their exact case, so we hand it canonical names (aiohttp
keeps whatever case the sender used). Our handlers only hand events over, so the answer comes within
Feishu's 3 seconds.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from lark_oapi.core.model import RawRequest

from bot.webserver import Handler

log = logging.getLogger(__name__)

PATH = "/feishu/events"


def canonical(name: str) -> str:
    """``x-lark-signature`` -> ``X-Lark-Signature``."""
    return "-".join(part.capitalize() for part in name.split("-"))


def event_receiver(dispatcher: Any) -> Handler:
    """An aiohttp handler passing each request to the SDK's ``dispatcher`` and returning its answer."""

    async def receive(request: web.Request) -> web.StreamResponse:
        raw = RawRequest()
        raw.uri = request.path
        raw.headers = {canonical(name): value for name, value in request.headers.items()}
        raw.body = await request.read()
        answer = dispatcher.do(raw)
        status = int(answer.status_code or 500)
        if status != 200:
            log.warning("feishu webhook request refused with %d", status)
        content_type = str((answer.headers or {}).get("Content-Type", "application/json; charset=utf-8"))
        return web.Response(status=status, body=answer.content or b"", headers={"Content-Type": content_type})

    return receive
