"""The ``videobot`` command as a user runs it: settings errors, the terminal chat as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_videobot(
    args: list[str], stdin: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("IMA_", "VIDEOBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**clean, **env},
        cwd=ROOT,
        timeout=timeout,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("VIDEOBOT_TIME_SCALE", "fast"),
        ("VIDEOBOT_TIME_SCALE", "-1"),
        ("VIDEOBOT_LANG", "fr"),
        ("VIDEOBOT_PROVIDER_MAX_IN_FLIGHT", "0"),
        ("IMA_BASE_URL", "ftp://example.com"),
        ("VIDEOBOT_MAX_JOBS_PER_USER", "0"),
        ("VIDEOBOT_MAX_QUEUED_PER_USER", "-1"),
        ("VIDEOBOT_IMAGE_HOST", "ima"),  # needs IMA_API_KEY
        ("VIDEOBOT_ROUTING", "fastest"),
        ("VIDEOBOT_PROVIDER_ORDER", "ima,acme"),
        ("VIDEOBOT_DATABASE_URL", "mysql://bot:pw@db/videobot"),
        ("VIDEOBOT_LEASE_S", "1"),
        ("VIDEOBOT_DATABASE_POOL_SIZE", "0"),
        ("VIDEOBOT_EVENT_LOOP", "trio"),
    ],
)
def test_bad_settings_print_one_line_and_exit_2(tmp_path: Path, name: str, value: str) -> None:
    result = run_videobot(["chat"], "", {name: value, "VIDEOBOT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and name in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
def test_chat_subprocess_jsonl_delivers_video_then_link(tmp_path: Path, loop: str) -> None:
    env = {"VIDEOBOT_DATA_DIR": str(tmp_path), "VIDEOBOT_TIME_SCALE": "0.002", "VIDEOBOT_EVENT_LOOP": loop}
    result = run_videobot(["chat", "--user", "carol", "--jsonl"], "make a video of a red kite\n", env)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    kinds = [line["kind"] for line in lines]
    assert kinds[0] == "notice" and kinds[-2:] == ["video", "link"]
    video = lines[-2]
    assert video["url"].startswith("file://") and video["url"].endswith(".mp4") and "cover" in video
    assert Path(video["url"].removeprefix("file://")).is_file()


def test_chat_subprocess_plain_text_in_chinese(tmp_path: Path) -> None:
    env = {"VIDEOBOT_DATA_DIR": str(tmp_path), "VIDEOBOT_TIME_SCALE": "0.002"}
    result = run_videobot(["chat", "--user", "dan"], "帮助\n做一个小猫的视频\n", env)
    assert result.returncode == 0, result.stderr
    assert "我可以帮你用 AI 生成视频" in result.stdout
    assert "✅ 视频生成成功!" in result.stdout and "🔗 视频链接" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


async def test_run_without_a_chat_platform_serves_the_web_chat_and_prints_its_address(tmp_path: Path) -> None:
    import asyncio
    import signal

    import httpx

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "VIDEOBOT_", "FEISHU_"))},
        "VIDEOBOT_DATA_DIR": str(tmp_path),
        "VIDEOBOT_HTTP_PORT": "0",
        "VIDEOBOT_LANG": "en",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        second = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert first.startswith("The web chat is ready: http://127.0.0.1:"), first
        assert "set VIDEOBOT_CONSOLE_TOKEN" in second
        url = first.split(": ", 1)[1].strip()
        async with httpx.AsyncClient() as client:
            page = await client.get(url)
            health = await client.get(url + "healthz")
        assert page.status_code == 200 and "videobot_id" in page.headers["set-cookie"]
        assert health.json() == {"ok": True, "checks": {"web": True}}
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0 and "Traceback" not in stderr.decode()


def test_run_on_a_public_address_without_a_web_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {"VIDEOBOT_DATA_DIR": str(tmp_path), "VIDEOBOT_HTTP_HOST": "0.0.0.0", "VIDEOBOT_HTTP_PORT": "0"}
    result = run_videobot(["run"], "", env)
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0, result.stderr
    assert "open to anyone on 0.0.0.0: set VIDEOBOT_WEB_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


async def test_run_with_a_refused_discord_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    import asyncio

    from tests.fakes.discord.fake import FakeDiscord

    fake = FakeDiscord()
    async with fake.running():
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "VIDEOBOT_", "FEISHU_"))},
            "DISCORD_BOT_TOKEN": "not-the-token",
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "VIDEOBOT_DATA_DIR": str(tmp_path),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2, stderr.decode()
    assert stderr.decode().strip().startswith("videobot: discord stopped: LoginFailure")
    assert "not-the-token" not in stderr.decode() and "Traceback" not in stderr.decode()


def test_a_second_session_is_heard_like_the_first(tmp_path: Path) -> None:
    """Terminal message ids never repeat across sessions, so the redelivery guard drops nothing."""
    env = {"VIDEOBOT_DATA_DIR": str(tmp_path), "VIDEOBOT_TIME_SCALE": "0.002"}
    for _ in range(2):
        result = run_videobot(["chat", "--user", "eve", "--jsonl"], "make a video of a kite\n", env)
        assert result.returncode == 0, result.stderr
        assert [json.loads(line)["kind"] for line in result.stdout.splitlines()][-1] == "link"


async def test_run_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    import asyncio
    import signal

    from tests.fakes.discord.fake import FakeDiscord

    fake = FakeDiscord()
    async with fake.running():
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "VIDEOBOT_", "FEISHU_"))},
            "DISCORD_BOT_TOKEN": fake.token,
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "VIDEOBOT_DATA_DIR": str(tmp_path),
            "VIDEOBOT_HTTP_PORT": "0",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        await asyncio.wait_for(fake.ready.wait(), 30)  # connected to the gateway
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert "Traceback" not in stderr.decode()


def test_the_cli_loads_no_chat_platform_sdk_until_a_command_needs_it() -> None:
    """Nor the PostgreSQL driver: ``videobot chat`` without a database starts faster."""
    code = (
        "import sys, bot.cli, bot.stores, bot.wiring; "
        "print(sorted(m for m in ('discord', 'lark_oapi', 'psycopg') if m in sys.modules))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_run_loads_the_platform_sdks_only_on_worker_threads_once_serving() -> None:
    """``videobot run``'s own modules import neither SDK: each adapter loads its own off the event loop."""
    code = "import sys, bot.runner; print(sorted(m for m in ('discord', 'lark_oapi') if m in sys.modules))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
