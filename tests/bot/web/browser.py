"""A real headless Chromium (Debian's ``chromium``, driven by Playwright) on the web chat.

Playwright's own browser download cannot be fetched here, so the browser is the system's: without it
(or without Playwright) the tests are skipped with a line naming what to install; ``.ci/run`` installs it.
Screenshots go to ``.artifacts/browser/`` (``VIDEOBOT_TEST_ARTIFACTS`` to put them elsewhere).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.async_api import Browser

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = os.environ.get("VIDEOBOT_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# As the machine's notes say: no sandbox as root, and no background traffic to a closed network.
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
]  # fmt: skip


def artifacts() -> Path:
    folder = Path(os.environ.get("VIDEOBOT_TEST_ARTIFACTS", ROOT / ".artifacts" / "browser"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def need_browser() -> None:
    """Skip (never pass silently) where the browser or Playwright is missing; in CI
    (``VIDEOBOT_REQUIRE_BROWSER=1``, set by ``.ci/run``) that is a failure."""
    missing = None
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        missing = "browser tests need Playwright: pip install -e '.[dev]'"
    if missing is None and not Path(CHROMIUM).is_file():
        missing = "browser tests need Chromium: apt-get install chromium (.ci/run does it)"
    if missing is not None:
        if os.environ.get("VIDEOBOT_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    need_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            await browser.close()
