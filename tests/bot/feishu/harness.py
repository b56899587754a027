"""The Feishu adapter running for real: lark-oapi against the fake Feishu, the app on the offline sandbox.

The fake runs on the test's own loop on purpose: every blocking call the SDK makes (the long
connection's endpoint request) must happen on the adapter's own thread, and a blocking call on our
loop (a synchronous token fetch, say) would hang the test instead of passing unnoticed.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from bot.feishu import FeishuSettings, FeishuTuning, run_feishu
from bot.webserver import WebServer
from bot.wiring import App, build_app
from tests.fakes.feishu import FakeFeishu
from tests.fakes.feishu.state import Message
from tests.fakes.server import serve
from tests.support import settings_for

FAST = FeishuTuning(
    patch_interval_s=0.2,
    default_backoff_s=0.05,
    watchdog_every_s=0.1,
    reconnect_backoff_s=(0.05, 0.2),
)
ALICE = "ou_alice000000000000000000000001"
ENCRYPT_KEY = "fake-encrypt-key"


@dataclass
class Feishu:
    """A running adapter and everything around it."""

    fake: FakeFeishu
    app: App
    web: WebServer
    task: asyncio.Task[None]

    async def settle(self, user: str = ALICE, timeout_s: float = 20.0) -> None:
        """Wait until the user's jobs are finished and the fake has heard nothing for a moment."""
        async with asyncio.timeout(timeout_s):
            await asyncio.sleep(0.05)
            while any(j.working for j in await self.app.jobs.active(f"feishu:{user}")):
                await asyncio.sleep(0.02)
        await self.fake.wait_quiet(0.4)

    def status_card(self, message_id: str) -> Message:
        """The status card replying to the user's ``message_id``."""
        cards = self.fake.replies_to(message_id, "interactive")
        assert cards, f"no card answers {message_id}"
        return cards[0]


def feishu_settings(fake: FakeFeishu, url: str, **values: Any) -> FeishuSettings:
    fields: dict[str, Any] = {
        "FEISHU_APP_ID": fake.app_id,
        "FEISHU_APP_SECRET": fake.app_secret,
        "FEISHU_DOMAIN": url,
        "FEISHU_VERIFICATION_TOKEN": fake.verification_token,
        **values,
    }
    return FeishuSettings(_env_file=None, **fields)


@asynccontextmanager
async def running_feishu(
    tmp_path: Path,
    *,
    fake: FakeFeishu | None = None,
    tuning: FeishuTuning = FAST,
    feishu: dict[str, Any] | None = None,
    ready: bool = True,
    **env: Any,
) -> AsyncIterator[Feishu]:
    """Run the adapter; with ``ready``, wait until it is connected (ws) or has started (webhook)."""
    fake = fake or FakeFeishu()
    async with serve(fake.app()) as url:
        app = build_app(settings_for(tmp_path, **env))
        app.start()
        web = WebServer("127.0.0.1", 0)
        await web.start()
        settings = feishu_settings(fake, url, **(feishu or {}))
        task = asyncio.create_task(run_feishu(app, settings, web, tuning=tuning))
        try:
            async with asyncio.timeout(15):
                while ready and not (
                    fake.ws.open if settings.connection == "ws" else fake.state.calls_to("bot_info")
                ):
                    if task.done():
                        task.result()
                    await asyncio.sleep(0.02)
            yield Feishu(fake, app, web, task)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await web.aclose()
            await app.aclose()


def png(size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 120, 40)) -> bytes:
    """A small real picture."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()
