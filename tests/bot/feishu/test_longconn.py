"""The long connection: its own thread, one per process, reconnects after a drop or a silence, stops."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import httpx
import pytest

from bot.feishu.longconn import LongConnection
from tests.bot.feishu.harness import FAST, running_feishu
from tests.fakes.feishu import FakeFeishu


def feishu_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "feishu-long-connection"]


async def test_a_dropped_connection_is_reopened_and_events_flow_again(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        assert fake.ws.connects == 1 and len(feishu_threads()) == 1
        await fake.ws.drop()
        await fake.wait_for(lambda: fake.ws.connects == 2 and fake.ws.open)
        await fake.deliver(fake.text("help", dm=True))
        await fake.wait_for(lambda: fake.state.sends)
    assert not feishu_threads()  # stopped with the adapter


async def test_a_silent_connection_is_noticed_by_the_watchdog(tmp_path: Path) -> None:
    fake = FakeFeishu(ping_interval_s=0.2)
    async with running_feishu(tmp_path, fake=fake) as feishu:
        await fake.wait_for(lambda: fake.ws.pings >= 1)
        fake.ws.silent = True  # no pongs, no acks: a half-open connection
        await fake.wait_for(lambda: fake.ws.connects == 2, timeout_s=5)
        fake.ws.silent = False
        await fake.deliver(fake.text("help", dm=True))
        await fake.wait_for(lambda: feishu.fake.state.sends)


async def test_refused_credentials_keep_trying_and_report_unhealthy(tmp_path: Path) -> None:
    fake = FakeFeishu()
    slow = dataclasses.replace(FAST, reconnect_backoff_s=(0.05, 0.05))
    wrong = {"FEISHU_APP_SECRET": "not-the-secret"}
    async with running_feishu(tmp_path, fake=fake, tuning=slow, feishu=wrong, ready=False) as feishu:
        await fake.wait_for(lambda: fake.ws.endpoint_requests >= 3)  # refused (514), asked again and again
        assert fake.ws.connects == 0 and not feishu.task.done()
        async with httpx.AsyncClient() as client:
            health = await client.get(f"{feishu.web.url}/healthz")
        assert health.status_code == 503 and health.json()["checks"] == {"feishu": False}
        assert "not-the-secret" not in health.text


async def test_one_long_connection_per_process(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        second = LongConnection(
            app_id=feishu.fake.app_id,
            app_secret="x",
            domain="http://127.0.0.1:9",
            dispatcher=None,
            tuning=FAST,
        )
        with pytest.raises(RuntimeError, match="already running"):
            second.start()
