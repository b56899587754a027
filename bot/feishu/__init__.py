"""The Feishu (Lark) adapter. Importing this package is cheap: lark-oapi (seconds to import) loads only
when :func:`run_feishu` runs."""

from __future__ import annotations

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
    from bot.feishu.runner import run

    await run(app, settings, web, tuning or FeishuTuning())
