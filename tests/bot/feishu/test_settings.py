"""FEISHU_* settings: names, defaults, domain shortcuts, secrets kept secret, one-line errors."""

from __future__ import annotations

from typing import Any

import pytest

from bot.feishu import FeishuSettings, load_feishu_settings
from bot.settings import SettingsError


def settings(**values: Any) -> FeishuSettings:
    return FeishuSettings(_env_file=None, **values)


def test_defaults_and_configured() -> None:
    empty = settings()
    assert not empty.configured and empty.domain == "https://open.feishu.cn"
    assert empty.connection == "ws" and empty.require_mention
    full = settings(FEISHU_APP_ID="cli_a", FEISHU_APP_SECRET="s3cret", FEISHU_REQUIRE_MENTION="false")
    assert full.configured and not full.require_mention
    assert "s3cret" not in repr(full) and full.secret("app_secret") == "s3cret"
    assert not settings(FEISHU_APP_ID="cli_a", FEISHU_APP_SECRET="  ").configured


@pytest.mark.parametrize(
    ("given", "domain"),
    [
        ("lark", "https://open.larksuite.com"),
        ("Feishu", "https://open.feishu.cn"),
        ("http://127.0.0.1:8123/", "http://127.0.0.1:8123"),
    ],
)
def test_domain_names_and_base_urls(given: str, domain: str) -> None:
    assert settings(FEISHU_DOMAIN=given).domain == domain


def test_webhook_mode_needs_the_verification_token(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "FEISHU_APP_ID": "cli_a", "FEISHU_APP_SECRET": "s3cret", "FEISHU_CONNECTION": "WEBHOOK",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.chdir("/")  # no .env
    with pytest.raises(SettingsError, match="FEISHU_VERIFICATION_TOKEN") as error:
        load_feishu_settings()
    assert "s3cret" not in str(error.value)
    monkeypatch.setenv("FEISHU_VERIFICATION_TOKEN", "vt")
    assert load_feishu_settings().connection == "webhook"
    for domain in ("ftp://example.com", "http://example.com", "https://open.feishu.cn/open-apis"):
        monkeypatch.setenv("FEISHU_DOMAIN", domain)
        with pytest.raises(SettingsError, match="FEISHU_DOMAIN"):
            load_feishu_settings()
