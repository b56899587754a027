"""``videobot run``: every adapter whose settings are present, side by side on one event loop.

With no chat platform configured it opens the terminal chat (the embedded default).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.discord_bot import DiscordSettings, load_discord_settings, run_discord
from bot.feishu import FeishuSettings, load_feishu_settings, run_feishu
from bot.lifecycle import AdapterError, hold_data_dir, or_stop, stop_signals
from bot.settings import Settings, read_settings
from bot.terminal import run_chat
from bot.webserver import HttpSettings, WebServer
from bot.wiring import App, build_app

log = logging.getLogger(__name__)


async def run_bot(settings: Settings) -> int:
    feishu = load_feishu_settings()
    discord = load_discord_settings()
    http = read_settings(HttpSettings)
    with hold_data_dir(settings.data_dir), stop_signals() as stopped:
        app = build_app(settings)
        try:
            await app.prepare()
            app.start()
            if not feishu.configured and not discord.configured:
                return await run_chat(app, stopped=stopped)
            await _serve(app, feishu, discord, http, stopped)
            return 0
        finally:
            await app.aclose()


async def _serve(
    app: App, feishu: FeishuSettings, discord: DiscordSettings, http: HttpSettings, stopped: asyncio.Event
) -> None:
    """Run the adapters until one fails or a stop signal: then the flow drains while they still can
    send, and only then are they closed."""
    web = WebServer.from_settings(http)
    await web.start()
    adapters: list[asyncio.Task[None]] = []
    if feishu.configured:
        adapters.append(asyncio.create_task(run_feishu(app, feishu, web), name="feishu"))
    if discord.configured:
        adapters.append(asyncio.create_task(run_discord(app, discord), name="discord"))
    try:
        failed = await or_stop(asyncio.wait(adapters, return_when=asyncio.FIRST_EXCEPTION), stopped)
        if failed is None:
            log.info("stopping")
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
        await web.aclose()


def _one_line(error: BaseException | None) -> str:
    text = str(error).strip().splitlines()[0] if error is not None and str(error).strip() else ""
    return f"{type(error).__name__}{': ' + text if text else ''}"
