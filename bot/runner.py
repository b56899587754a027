"""``videobot run``: every adapter whose settings are present, side by side on one event loop.

With no chat platform configured it serves the web chat (the embedded default) and prints its address;
the HTTP server also carries ``/healthz``, ``/metrics`` and the operator console.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from functools import partial

from bot.discord_bot import DiscordSettings, is_permanent, load_discord_settings, run_discord
from bot.feishu import FeishuSettings, load_feishu_settings, run_feishu
from bot.lifecycle import AdapterError, hold_data_dir, or_stop, stop_signals
from bot.operations import start_operations
from bot.settings import Settings, read_settings
from bot.web import WebSettings, start_web_chat
from bot.webserver import HttpSettings, WebServer
from bot.wiring import App, build_app
from handlers.background import Background
from messages.web import console_at, web_started

log = logging.getLogger(__name__)

FIRST_RETRY_S, MAX_RETRY_S = 1.0, 60.0
STEADY_AFTER_S = 120.0  # an adapter that ran this long before failing starts again at once


def _never(_: BaseException) -> bool:
    return False


async def run_bot(settings: Settings) -> int:
    feishu = load_feishu_settings()
    discord = load_discord_settings()
    http = read_settings(HttpSettings)
    web_chat = read_settings(WebSettings)
    with hold_data_dir(settings.data_dir), stop_signals() as stopped:
        app = build_app(settings)
        try:
            await app.prepare()
            app.start()
            await _serve(app, feishu, discord, http, web_chat, stopped)
            return 0
        finally:
            await app.aclose()


async def _serve(
    app: App,
    feishu: FeishuSettings,
    discord: DiscordSettings,
    http: HttpSettings,
    web_chat: WebSettings,
    stopped: asyncio.Event,
) -> None:
    """Run each adapter on its own until a stop signal: one that fails is started again with backoff
    while the others keep serving (a wrong token still stops the process, with one line). On a stop
    the flow drains while the adapters can still send, and only then are they closed."""
    async with contextlib.AsyncExitStack() as stack:
        web = WebServer.from_settings(http)
        await web.start()
        stack.push_async_callback(web.aclose)
        operations = await start_operations(app, web)
        stack.push_async_callback(operations.metrics.aclose)
        chat = None
        if web_chat.wanted(platforms=feishu.configured or discord.configured):
            chat = await start_web_chat(app, web, web_chat)
            print(web_started(app.settings.lang, web.url + "/"), flush=True)
        print(console_at(app.settings.lang, operations.console_url), flush=True)
        await _adapters(app, feishu, discord, web, stopped, chat.work if chat else None)


async def _adapters(
    app: App,
    feishu: FeishuSettings,
    discord: DiscordSettings,
    web: WebServer,
    stopped: asyncio.Event,
    web_work: Background | None,
) -> None:
    # The HTTP server (web chat, console, metrics) serves until the stop: the wait below never ends empty.
    adapters: list[asyncio.Task[None]] = [asyncio.create_task(_forever(), name="http")]
    if feishu.configured:
        start_feishu = partial(run_feishu, app, feishu, web)
        adapters.append(asyncio.create_task(supervised("feishu", start_feishu), name="feishu"))
    if discord.configured:
        start_discord = partial(run_discord, app, discord, web)
        adapters.append(
            asyncio.create_task(supervised("discord", start_discord, is_permanent), name="discord")
        )
    try:
        failed = await or_stop(asyncio.wait(adapters, return_when=asyncio.FIRST_EXCEPTION), stopped)
        if failed is None:
            log.info("stopping")
            if web_work is not None:
                await web_work.drain(app.settings.shutdown_grace_s)
            await app.flow.drain(app.settings.shutdown_grace_s)
            return
        for task in failed[0]:
            if task.exception() is not None:
                raise AdapterError(f"{task.get_name()} stopped: {_one_line(task.exception())}")
    finally:
        for task in adapters:
            task.cancel()
        for task in adapters:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def supervised(
    name: str, start: Callable[[], Awaitable[None]], permanent: Callable[[BaseException], bool] = _never
) -> None:
    """Keep one adapter running: after a failure it starts again in 1, 2, 4 … 60 s (back to 1 s once
    it ran a while). ``permanent`` failures (a refused token) are raised: no retry can fix them."""
    delay = FIRST_RETRY_S
    while True:
        began = time.monotonic()
        try:
            await start()
            raise RuntimeError("the adapter returned")  # adapters serve until cancelled
        except Exception as exc:
            if permanent(exc):
                raise
            if time.monotonic() - began > STEADY_AFTER_S:
                delay = FIRST_RETRY_S
            log.error("%s stopped (%s); starting it again in %.0f s", name, _one_line(exc), delay)
        await asyncio.sleep(delay)
        delay = min(delay * 2, MAX_RETRY_S)


async def _forever() -> None:
    await asyncio.Event().wait()


def _one_line(error: BaseException | None) -> str:
    text = str(error).strip().splitlines()[0] if error is not None and str(error).strip() else ""
    return f"{type(error).__name__}{': ' + text if text else ''}"
