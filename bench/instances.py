"""One instance against two: throughput and pre-notification latency on one PostgreSQL ledger.

Real ``videobot run`` processes share a throwaway PostgreSQL server (Debian's binaries, as the tests
start it), the fake IMA (its own process) and a fake Feishu in webhook mode (this process), so each
message can be posted to either instance. RATE messages a second for SECONDS, each from its own user,
go round-robin to the instances; for each the time from the POST to its status card at the fake Feishu
is taken. Prints, for one SQLite instance (the embedded default), then one and two on PostgreSQL:
notices delivered per second, p50/p99 latency, and the instances' CPU per message. Prints figures;
asserts nothing.
Run: ``.venv/bin/python bench/instances.py [RATE SECONDS]`` (default 100 10).
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.remote_fake import remote_fake
from tests.bot.feishu.harness import ENCRYPT_KEY
from tests.fakes.feishu import FakeFeishu
from tests.fakes.feishu.events import encrypt, signed_headers
from tests.fakes.ima_tasks import Timings
from tests.fakes.server import serve
from tests.postgres import running_server, server_binaries

ROOT = Path(__file__).resolve().parents[1]
FREE = {
    name: "none"
    for name in (
        "VIDEOBOT_BUDGET_USER_DAILY", "VIDEOBOT_BUDGET_USER_MONTHLY", "VIDEOBOT_BUDGET_CHAT_DAILY",
        "VIDEOBOT_BUDGET_CHAT_MONTHLY", "VIDEOBOT_BUDGET_PER_JOB", "VIDEOBOT_CONFIRM_ABOVE",
    )
}  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


async def start(env: dict[str, str], home: Path) -> tuple[asyncio.subprocess.Process, str]:
    port = free_port()
    home.mkdir(parents=True)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=(home / "stderr.log").open("wb"),
        env={**env, "VIDEOBOT_DATA_DIR": str(home), "VIDEOBOT_HTTP_PORT": str(port)}, cwd=ROOT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as client, asyncio.timeout(60):
        while True:
            try:
                health = await client.get(f"{url}/healthz")
                if health.status_code == 200 and health.json()["checks"].get("feishu"):
                    return process, url
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)


async def run(instances: int, rate: int, seconds: int, database: str | None, ima_env: dict[str, Any]) -> None:
    feishu = FakeFeishu()
    async with serve(feishu.app()) as feishu_url:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("IMA_", "VIDEOBOT_", "FEISHU_"))},
            **{k: str(v) for k, v in ima_env.items()}, **FREE,
            "FEISHU_APP_ID": feishu.app_id, "FEISHU_APP_SECRET": feishu.app_secret,
            "FEISHU_DOMAIN": feishu_url, "FEISHU_CONNECTION": "webhook", "FEISHU_ENCRYPT_KEY": ENCRYPT_KEY,
            "FEISHU_VERIFICATION_TOKEN": feishu.verification_token,
            "VIDEOBOT_WEB_CHAT": "off", "VIDEOBOT_LOG_LEVEL": "ERROR", "VIDEOBOT_DATABASE_POOL_SIZE": "20",
        }  # fmt: skip
        if database is not None:
            env["VIDEOBOT_DATABASE_URL"] = database
        with tempfile.TemporaryDirectory() as home:
            started = [await start(env, Path(home) / f"i{n}") for n in range(instances)]
            try:
                await measure(feishu, started, rate, seconds, "PostgreSQL" if database else "SQLite")
            finally:
                for process, _ in started:
                    process.terminate()
                for process, _ in started:
                    await process.wait()


async def measure(
    feishu: FakeFeishu,
    started: list[tuple[asyncio.subprocess.Process, str]],
    rate: int,
    seconds: int,
    ledger: str,
) -> None:
    total = rate * seconds
    events = [
        feishu.text(f"make a video of boat {n}", dm=True, sender=f"ou_bench{n:027d}") for n in range(total)
    ]
    bodies = [encrypt(event, ENCRYPT_KEY) for event in events]
    posted: dict[str, float] = {}
    cpu_before = sum(cpu_seconds(p.pid) for p, _ in started)
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=200)) as client:

        async def post(n: int) -> None:
            _, url = started[n % len(started)]
            posted[events[n]["event"]["message"]["message_id"]] = time.time()
            headers = {"Content-Type": "application/json", **signed_headers(bodies[n], ENCRYPT_KEY)}
            await client.post(f"{url}/feishu/events", content=bodies[n], headers=headers)

        begin = time.monotonic()
        sending = []
        for n in range(total):
            await asyncio.sleep(max(0.0, begin + n / rate - time.monotonic()))
            sending.append(asyncio.create_task(post(n)))
        await asyncio.gather(*sending)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(notices(feishu, posted)) < total:
            await asyncio.sleep(0.2)
    cpu = sum(cpu_seconds(p.pid) for p, _ in started) - cpu_before
    found = notices(feishu, posted)
    waits = sorted(found[key] - posted[key] for key in found)
    p50, p99 = statistics.median(waits) * 1000, waits[int(len(waits) * 0.99) - 1] * 1000
    span = max(found[key] for key in found) - min(posted.values()) if found else float("nan")
    print(
        f"{len(started)} instance(s) on {ledger}, {rate} msg/s for {seconds} s: {len(found)}/{total} "
        f"notices, {len(found) / span:.0f} notices/s over the run; inbound -> pre-notification "
        f"p50 {p50:.0f} ms, p99 {p99:.0f} ms; "
        f"{cpu / max(len(found), 1) * 1000:.1f} ms CPU per message across the instances",
        flush=True,
    )


def notices(feishu: FakeFeishu, posted: dict[str, float]) -> dict[str, float]:
    """When each posted message got its status card (its first reply)."""
    found: dict[str, float] = {}
    for message in feishu.state.sends:
        if message.parent_id in posted and message.parent_id not in found:
            found[message.parent_id] = message.created
    return found


async def main() -> None:
    rate, seconds = (int(arg) for arg in (sys.argv[1:] or ["100", "10"])[:2])
    binaries = server_binaries()
    if binaries is None:
        print("bench/instances.py needs Debian's postgresql (apt-get install postgresql)")
        return
    slow = Timings(
        queued_s=120, processing_s=120, empty_url_s=0.05
    )  # jobs stay in flight: admission is measured
    with running_server(binaries) as server, remote_fake("ima", slow) as ima_env:
        await run(1, rate, seconds, None, ima_env)  # the embedded default, for comparison
        for instances in (1, 2):
            await run(instances, rate, seconds, server.database(), ima_env)


if __name__ == "__main__":
    asyncio.run(main())
