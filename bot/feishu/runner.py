"""Running the Feishu adapter: token, bot identity, channel, and events by long connection or webhook."""

from __future__ import annotations

import asyncio
import logging

import httpx

from bot.feishu.api import FeishuApi
from bot.feishu.channel import FeishuChannel
from bot.feishu.errors import FeishuError
from bot.feishu.events import EventBridge
from bot.feishu.longconn import LongConnection
from bot.feishu.patcher import CardPatcher
from bot.feishu.receiver import PLATFORM, Receiver
from bot.feishu.settings import FeishuSettings, FeishuTuning
from bot.feishu.tokens import TenantTokens
from bot.feishu.webhook import PATH, event_receiver
from bot.webserver import WebServer
from bot.wiring import App

log = logging.getLogger(__name__)

HTTP_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


async def run(app: App, settings: FeishuSettings, web: WebServer, tuning: FeishuTuning) -> None:
    """Serve Feishu until cancelled; everything started here is stopped on the way out."""
    if settings.app_id is None or settings.app_secret is None:
        raise ValueError("FEISHU_APP_ID and FEISHU_APP_SECRET are needed")
    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http:
        tokens = TenantTokens(http, settings.domain, settings.app_id, settings.secret("app_secret"))
        api = FeishuApi(http, tokens, domain=settings.domain, app_id=settings.app_id, tuning=tuning)
        bot_open_id = await _bot_open_id(api)
        channel = FeishuChannel(
            api, CardPatcher(api, tuning), http, tuning, sources=app.settings.video_sources
        )
        app.outbox.register(PLATFORM, channel)
        resumed = await app.resume({PLATFORM})  # jobs cut off by a restart finish in their chats
        if resumed:
            log.info("resumed %d unfinished feishu jobs", resumed)
        receiver = Receiver(app, api, settings, tuning, bot_open_id)
        bridge = EventBridge(asyncio.get_running_loop(), receiver)
        try:
            if settings.connection == "webhook":
                await _serve_webhook(bridge, settings, web)
            else:
                await _hold_long_connection(bridge, settings, web, tuning)
        finally:
            await receiver.aclose()
            await channel.aclose()


async def _bot_open_id(api: FeishuApi) -> str | None:
    """The bot's open_id; fetching it also warms the tenant token. Unavailable: asked again later."""
    try:
        open_id = await api.bot_open_id()
    except FeishuError as exc:
        log.error("feishu bot info unavailable (%s); any @ will count as a mention for now", exc)
        return None
    log.info("feishu bot %s ready", open_id)
    return open_id


async def _serve_webhook(bridge: EventBridge, settings: FeishuSettings, web: WebServer) -> None:
    dispatcher = bridge.dispatcher(settings.secret("encrypt_key"), settings.secret("verification_token"))
    web.add_route("POST", PATH, event_receiver(dispatcher))
    web.add_health_check(PLATFORM, lambda: True)  # events are taken from here on
    log.info("feishu events expected at %s%s", web.url, PATH)
    try:
        await asyncio.Event().wait()
    finally:
        web.remove_health_check(PLATFORM)
        web.remove_route("POST", PATH)


async def _hold_long_connection(
    bridge: EventBridge, settings: FeishuSettings, web: WebServer, tuning: FeishuTuning
) -> None:
    assert settings.app_id is not None
    connection = LongConnection(
        app_id=settings.app_id,
        app_secret=settings.secret("app_secret"),
        domain=settings.domain,
        dispatcher=bridge.dispatcher(),
        tuning=tuning,
    )
    connection.start()
    web.add_health_check(PLATFORM, lambda: connection.connected)
    try:
        await asyncio.Event().wait()
    finally:
        web.remove_health_check(PLATFORM)
        await connection.stop()
