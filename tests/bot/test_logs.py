"""Logs: JSON lines on request, and no secret in any line, traceback included."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot import logs


@pytest.fixture(autouse=True)
def _restore_logging() -> object:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def test_json_lines_carry_level_logger_message_and_masked_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("INFO", "json", secrets={"sk-live-123456"})
    log = logging.getLogger("videobot.test")
    log.info("calling with key %s", "sk-live-123456")
    try:
        raise RuntimeError("refused key sk-live-123456")
    except RuntimeError:
        log.exception("create failed")
    first, second = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert first["level"] == "INFO" and first["logger"] == "videobot.test"
    assert first["message"] == "calling with key ***"
    assert second["message"] == "create failed" and "RuntimeError: refused key ***" in second["error"]
    assert "sk-live-123456" not in json.dumps([first, second])


def test_text_lines_are_scrubbed_too(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("WARNING", "text", secrets={"discord-token-xyz"})
    logging.getLogger("bot").warning("token discord-token-xyz refused")
    line = capsys.readouterr().err
    assert "WARNING bot: token *** refused" in line and "discord-token-xyz" not in line


def test_secrets_are_the_values_of_settings_that_name_them(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("FEISHU_APP_SECRET=feishu-secret-1\nVIDEOBOT_LANG=en\n")
    environ = {"IMA_API_KEY": "ima-key-123", "DISCORD_BOT_TOKEN": "tok", "HOME": "/root"}
    assert logs.secret_values(environ, env_file) == {"feishu-secret-1", "ima-key-123"}  # "tok": too short


def test_the_database_password_is_a_secret(tmp_path: Path) -> None:
    environ = {"VIDEOBOT_DATABASE_URL": "postgresql://bot:p%40ss-w0rd@db:5432/videobot"}
    assert logs.secret_values(environ, tmp_path / ".env") == {"p%40ss-w0rd", "p@ss-w0rd"}
    no_password = {"VIDEOBOT_DATABASE_URL": "postgresql://db/videobot"}
    assert logs.secret_values(no_password, tmp_path / ".env") == set()


def test_the_cli_logs_json_when_asked(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {"VIDEOBOT_DATA_DIR": str(tmp_path), "VIDEOBOT_LOG_FORMAT": "json", "VIDEOBOT_LOG_LEVEL": "DEBUG"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--jsonl"], input="help\n", env=env, capture_output=True,
        text=True, timeout=60, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert (
        result.returncode == 0
        and lines
        and all({"at", "level", "logger", "message"} <= set(x) for x in lines)
    )
