"""The Feishu (Lark) adapter. Importing this package is cheap: lark-oapi (seconds to import) loads on a
worker thread when :func:`run_feishu` runs, so the event loop (and ``/healthz``) keeps serving meanwhile."""

from __future__ import annotations

import asyncio
import importlib
from typing import TYPE_CHECKING

from bot.feishu.settings import FeishuSettings, FeishuTuning, load_feishu_settings

if TYPE_CHECKING:
    from bot.webserver import WebServer
    from bot.wiring import App

__all__ = ["FeishuSettings", "FeishuTuning", "load_feishu_settings", "run_feishu"]


async def run_feishu(
    app: App, settings: FeishuSettings, web: WebServer, *, tuning: FeishuTuning | None = None
) -> None:
    """Serve Feishu (long connection, or webhook at ``/feishu/events`` on ``web``) until cancelled."""
    runner = await asyncio.to_thread(importlib.import_module, "bot.feishu.runner")
    await runner.run(app, settings, web, tuning or FeishuTuning())
