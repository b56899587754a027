"""Without a browser the browser tests say so: a skip naming what to install, or in CI a failure."""

from __future__ import annotations

import pytest

from tests.bot.web import browser


def test_a_missing_chromium_is_a_skip_naming_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", "/nowhere/chromium")
    monkeypatch.delenv("VIDEOBOT_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        browser.need_browser()


def test_in_ci_a_missing_chromium_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", "/nowhere/chromium")
    monkeypatch.setenv("VIDEOBOT_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="need Chromium"):
        browser.need_browser()
