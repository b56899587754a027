"""``videobot run`` supervises each platform on its own: Discord out of reach keeps Feishu serving."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx

from tests.fakes.feishu import FakeFeishu
from tests.fakes.server import serve

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_discord_out_of_reach_keeps_feishu_serving_and_healthz_says_which(tmp_path: Path) -> None:
    fake, port = FakeFeishu(), free_port()
    async with serve(fake.app()) as url:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "VIDEOBOT_", "FEISHU_"))},
            "FEISHU_APP_ID": fake.app_id,
            "FEISHU_APP_SECRET": fake.app_secret,
            "FEISHU_DOMAIN": url,
            "DISCORD_BOT_TOKEN": "a-token-for-a-gateway-out-of-reach",
            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",  # nothing listens there
            "VIDEOBOT_DATA_DIR": str(tmp_path),
            "VIDEOBOT_HTTP_PORT": str(port),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await fake.wait_for(lambda: fake.ws.connects >= 1, timeout_s=30)
            await fake.deliver(fake.text("help", dm=True))
            await fake.wait_for(lambda: fake.state.sends, timeout_s=10)
            async with httpx.AsyncClient() as client:
                for _ in range(100):  # Discord fails and is started again meanwhile
                    health = await client.get(f"http://127.0.0.1:{port}/healthz")
                    if "discord" in health.json()["checks"]:
                        break
                    await asyncio.sleep(0.1)
            await asyncio.sleep(3)  # a few failed Discord starts later, the process still serves
            assert process.returncode is None
            await fake.deliver(fake.text("help", dm=True))
            await fake.wait_for(lambda: len(fake.state.sends) >= 2, timeout_s=10)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert health.status_code == 200 and health.json()["checks"] == {"feishu": True, "discord": False}
    assert process.returncode == 0, stderr.decode()
    assert "discord stopped" in stderr.decode() and "starting it again" in stderr.decode()
    assert "a-token-for-a-gateway" not in stderr.decode()
