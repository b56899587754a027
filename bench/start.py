"""Start-up: how soon ``videobot run`` answers ``/healthz`` and ``videobot chat`` its first message.

``run`` starts as a real process with Feishu and Discord both configured, pointed at the fakes of
``tests/fakes`` on 127.0.0.1: printed are the time from spawning it to the first ``/healthz`` 200,
and to each platform being connected. ``chat`` starts with "help" on its stdin: printed is the time
from spawning it to its answer. Each is the median of RUNS starts. Prints figures; asserts nothing.
Run: ``.venv/bin/python bench/start.py [RUNS]`` (default 3).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.discord import FakeDiscord
from tests.fakes.feishu import FakeFeishu
from tests.fakes.server import serve

ROOT = Path(__file__).resolve().parents[1]
CLEAN = {
    k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "VIDEOBOT_", "FEISHU_", "IMA_"))
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def start_run(feishu_url: str, feishu: FakeFeishu, discord: FakeDiscord) -> tuple[float, float, float]:
    """Seconds from spawn to /healthz 200, to Feishu connected, to Discord connected."""
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {
            **CLEAN,
            "FEISHU_APP_ID": feishu.app_id,
            "FEISHU_APP_SECRET": feishu.app_secret,
            "FEISHU_DOMAIN": feishu_url,
            "DISCORD_BOT_TOKEN": discord.token,
            "DISCORD_API_BASE": discord.api_base,
            "DISCORD_GATEWAY_URL": discord.gateway_url,
            "VIDEOBOT_DATA_DIR": data,
            "VIDEOBOT_HTTP_PORT": str(port),
        }
        began = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        seen: dict[str, float] = {}  # "healthz", "feishu", "discord" -> seconds after the spawn
        try:
            async with httpx.AsyncClient(timeout=1) as client:
                while time.monotonic() - began < 60 and len(seen) < 3:
                    try:
                        answer = await client.get(f"http://127.0.0.1:{port}/healthz")
                    except httpx.HTTPError:
                        await asyncio.sleep(0.01)
                        continue
                    now = time.monotonic() - began
                    checks = answer.json().get("checks", {})
                    ready = {"healthz": answer.status_code == 200, **checks}
                    for name in ("healthz", "feishu", "discord"):
                        if ready.get(name):
                            seen.setdefault(name, now)
                    await asyncio.sleep(0.01)
        finally:
            process.send_signal(signal.SIGTERM)
            await process.wait()
    healthy, feishu_up, discord_up = (
        seen.get(name, float("nan")) for name in ("healthz", "feishu", "discord")
    )
    return healthy, feishu_up, discord_up


async def start_chat() -> float:
    """Seconds from spawning ``videobot chat`` with "help" on stdin to its first answer."""
    with tempfile.TemporaryDirectory() as data:
        began = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "chat", "--user", "bench",
            env={**CLEAN, "VIDEOBOT_DATA_DIR": data, "VIDEOBOT_LANG": "en"}, cwd=ROOT,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(b"help\n")
        await process.stdin.drain()
        while b"AI videos" not in await process.stdout.readline():
            pass
        answered = time.monotonic() - began
        process.stdin.close()
        await process.wait()
    return answered


async def main(runs: int) -> None:
    feishu, discord = FakeFeishu(), FakeDiscord()
    async with serve(feishu.app()) as feishu_url, discord.running():
        runs_of_run = [await start_run(feishu_url, feishu, discord) for _ in range(runs)]
    chats = [await start_chat() for _ in range(runs)]
    healthy, on_feishu, on_discord = (statistics.median(column) for column in zip(*runs_of_run, strict=True))
    print(f"videobot run, Feishu and Discord configured (median of {runs}):")
    print(
        f"  /healthz 200 after {healthy:.2f} s; Feishu connected after {on_feishu:.2f} s, "
        f"Discord after {on_discord:.2f} s"
    )
    print(f"videobot chat: first answer after {statistics.median(chats):.2f} s (median of {runs})")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
