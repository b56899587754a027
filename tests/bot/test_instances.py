"""Two real ``videobot run`` processes on one PostgreSQL ledger (a real server), one fake IMA and one fake
Feishu (webhook mode, so a message can be posted to either instance): one is SIGKILLed mid-way and
the other finishes every job, with one create per job and every video delivered once; a message
delivered to both makes one job; a budget holds across both."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from handlers.budgets import Period, Scope
from handlers.controls import AuditEntry
from handlers.jobs import JobState
from handlers.ledger.postgres import PostgresJobStore
from handlers.timing import utc_now
from tests.bot.feishu.harness import ENCRYPT_KEY
from tests.fakes.feishu import FakeFeishu
from tests.fakes.feishu.events import encrypt, signed_headers
from tests.fakes.ima import DEFAULT_KEY, FakeIma
from tests.fakes.server import serve

ROOT = Path(__file__).resolve().parents[2]
Json = dict[str, Any]
USERS = [f"ou_user{n}00000000000000000000000000"[:35] for n in range(5)]
SAVER = "ou_saver000000000000000000000000001"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Instance:
    process: asyncio.subprocess.Process
    url: str
    log: Path

    async def post(self, event: Json) -> int:
        body = encrypt(event, ENCRYPT_KEY)
        headers = {"Content-Type": "application/json", **signed_headers(body, ENCRYPT_KEY)}
        async with httpx.AsyncClient(timeout=30) as client:
            return (await client.post(f"{self.url}/feishu/events", content=body, headers=headers)).status_code


@asynccontextmanager
async def instance(env: dict[str, str], home: Path) -> AsyncIterator[Instance]:
    port = free_port()
    home.mkdir()
    log = home / "stderr.log"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=log.open("wb"),
        env={**env, "VIDEOBOT_DATA_DIR": str(home), "VIDEOBOT_HTTP_PORT": str(port)}, cwd=ROOT,
    )  # fmt: skip
    running = Instance(process, f"http://127.0.0.1:{port}", log)
    try:
        await until_healthy(running)
        yield running
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()


async def until_healthy(running: Instance) -> None:
    async with httpx.AsyncClient() as client, asyncio.timeout(30):
        while True:
            if running.process.returncode is not None:
                raise AssertionError(f"the instance ended: {running.log.read_text()[-2000:]}")
            try:
                health = await client.get(f"{running.url}/healthz")
                if health.status_code == 200 and health.json()["checks"].get("feishu"):
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)


async def until(condition: Any, timeout_s: float = 60.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not await condition():
            await asyncio.sleep(0.1)


async def test_two_instances_one_killed_the_other_finishes_every_job_once(
    tmp_path: Path, postgres_url: str
) -> None:
    ima, feishu = FakeIma(queued_s=0.5, processing_s=4.0), FakeFeishu()
    ledger = await PostgresJobStore.open(postgres_url, owner="the test")
    async with serve(ima.app()) as ima_url, serve(feishu.app()) as feishu_url:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("IMA_", "VIDEOBOT_", "FEISHU_"))},
            "IMA_API_KEY": DEFAULT_KEY, "IMA_BASE_URL": ima_url, "IMA_UPLOAD_BASE_URL": ima_url,
            "FEISHU_APP_ID": feishu.app_id, "FEISHU_APP_SECRET": feishu.app_secret,
            "FEISHU_DOMAIN": feishu_url, "FEISHU_CONNECTION": "webhook", "FEISHU_ENCRYPT_KEY": ENCRYPT_KEY,
            "FEISHU_VERIFICATION_TOKEN": feishu.verification_token,
            "VIDEOBOT_DATABASE_URL": postgres_url, "VIDEOBOT_LEASE_S": "3", "VIDEOBOT_TIME_SCALE": "0.2",
            "VIDEOBOT_MAX_JOBS_PER_USER": "10", "VIDEOBOT_WEB_CHAT": "off", "VIDEOBOT_CONFIRM_ABOVE": "none",
            "VIDEOBOT_BUDGET_USER_DAILY": "none", "VIDEOBOT_BUDGET_USER_MONTHLY": "none",
            "VIDEOBOT_BUDGET_CHAT_DAILY": "none", "VIDEOBOT_BUDGET_CHAT_MONTHLY": "none",
        }  # fmt: skip
        try:
            async with instance(env, tmp_path / "a") as first, instance(env, tmp_path / "b") as second:
                pair = (first, second)
                # 50 videos from five people, posted to either instance, in two waves
                asked = [
                    feishu.text(f"make a video of boat number {n}", sender=USERS[n % 5]) for n in range(50)
                ]
                for wave in (asked[:25], asked[25:]):
                    codes = await asyncio.gather(*(pair[n % 2].post(e) for n, e in enumerate(wave)))
                    assert set(codes) == {200}
                    await asyncio.sleep(1.0)
                # the same message reaches both instances: one job
                twice = feishu.text("make a video of a lighthouse", sender=USERS[0])
                both = await asyncio.gather(first.post(twice), second.post(feishu.redelivered(twice)))
                assert set(both) == {200}
                asked.append(twice)
                # a budget holds across both: room for two of this person's videos, asked four times at once
                cost = (await ledger.recent(limit=1))[0].cost
                entry = AuditEntry(at=utc_now(), actor="test", action="budget", target=SAVER, detail="2")
                await ledger.set_limit(Scope.USER, f"feishu:{SAVER}", Period.DAY, 2 * cost + cost // 2, entry)
                saved = [feishu.text(f"make a video of kite {n}", dm=True, sender=SAVER) for n in range(4)]
                codes = await asyncio.gather(*(pair[n % 2].post(e) for n, e in enumerate(saved)))
                assert set(codes) == {200}

                async def all_created() -> bool:
                    return len(ima.calls("create")) >= len(asked) + 2

                await until(all_created)
                await asyncio.sleep(0.5)  # every create's answer is recorded
                first.process.send_signal(signal.SIGKILL)
                await first.process.wait()

                async def all_finished() -> bool:
                    jobs = await ledger.recent(limit=200)
                    return len(jobs) >= len(asked) + 2 and all(job.finished for job in jobs)

                await until(all_finished, 90)
                await feishu.wait_quiet(1.0)

                jobs = await ledger.recent(limit=200)
                assert {job.state for job in jobs} == {JobState.DELIVERED}, [j.state for j in jobs]
                assert len(jobs) == len(asked) + 2, "one job per message; two of the four fit the budget"
                assert len(ima.calls("create")) == len(jobs), "one create per job, none after the kill"
                for event in asked:  # each video shown once (inline, or a card when it cannot play: the
                    # fake's file is no real video), then its link once; one user's eleventh waited in line
                    replies = feishu.replies_to(event["event"]["message"]["message_id"])
                    videos = [r for r in replies if r.msg_type == "media" or "🎬 Your video" in r.content]
                    links = [r for r in replies if r.msg_type == "text" and "/cdn/" in r.content]
                    assert len(videos) == len(links) == 1, "every video delivered once"
                refused = [feishu.replies_to(e["event"]["message"]["message_id"]) for e in saved]
                assert sorted(len(replies) for replies in refused) == [1, 1, 3, 3], "two told: over budget"
        finally:
            await ledger.close()
