"""Durable jobs: a restart loses no video, a redelivered message never pays twice (issue 3)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from handlers.inbound import InboundMessage
from handlers.ledger import SqliteJobStore
from messages.reply import ReplyKind
from tests.fakes.ima import DEFAULT_KEY, FakeIma
from tests.fakes.server import serve
from tests.support import Chat, running_app

ROOT = Path(__file__).resolve().parents[2]
Json = dict[str, Any]


@pytest.fixture
async def ima() -> AsyncIterator[tuple[FakeIma, str]]:
    fake = FakeIma(processing_s=3.0)
    async with serve(fake.app()) as url:
        yield fake, url


# 20 videos at 40 points are more than a person's default daily allowance
NO_BUDGET = {"VIDEOBOT_BUDGET_USER_DAILY": "none", "VIDEOBOT_BUDGET_USER_MONTHLY": "none"}


def env_for(tmp_path: Path, url: str, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("IMA_", "VIDEOBOT_"))}
    return {
        **clean,
        "IMA_API_KEY": DEFAULT_KEY,
        "IMA_BASE_URL": url,
        "IMA_UPLOAD_BASE_URL": url,
        "VIDEOBOT_DATA_DIR": str(tmp_path),
        "VIDEOBOT_TIME_SCALE": "0.01",
        **extra,
    }


async def start_chat(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=env, cwd=ROOT,
    )  # fmt: skip


async def until(condition: Any, timeout_s: float = 30.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.02)


def messages_of(stdout: bytes) -> list[Json]:
    return [json.loads(line) for line in stdout.decode().splitlines() if line.strip()]


async def test_sigkill_with_20_jobs_in_flight_delivers_each_exactly_once(
    tmp_path: Path, ima: tuple[FakeIma, str]
) -> None:
    fake, url = ima
    env = env_for(tmp_path, url, VIDEOBOT_MAX_JOBS_PER_USER="20", **NO_BUDGET)
    first = await start_chat(env, "chat", "--user", "kim", "--jsonl")
    assert first.stdin is not None
    first.stdin.write("".join(f"make a video of boat number {n}\n" for n in range(20)).encode())
    await first.stdin.drain()
    await until(lambda: len(fake.calls("create")) == 20)
    await asyncio.sleep(0.3)  # every task id is stored (the create answers are back)
    first.send_signal(signal.SIGKILL)
    before, _ = await first.communicate()
    assert first.returncode == -signal.SIGKILL
    delivered_before = [m for m in messages_of(before) if m["kind"] == "video"]

    second = await start_chat(env, "chat", "--user", "kim", "--jsonl")
    after, stderr = await asyncio.wait_for(second.communicate(b""), 60)
    assert second.returncode == 0, stderr.decode()
    videos = delivered_before + [m for m in messages_of(after) if m["kind"] == "video"]
    links = [m for m in messages_of(before) + messages_of(after) if m["kind"] == "link"]
    assert len(videos) == 20 and len({m["job_id"] for m in videos}) == 20
    assert len(links) == 20 and len({m["job_id"] for m in links}) == 20
    assert len(fake.calls("create")) == 20, "a restart never creates a task again"


async def test_kill_during_create_never_creates_again_and_tells_the_user(
    tmp_path: Path, ima: tuple[FakeIma, str]
) -> None:
    fake, url = ima
    fake.endpoint_latency_s["create"] = 6.0  # the create is under way when the process dies
    env = env_for(tmp_path, url, VIDEOBOT_LANG="en")
    first = await start_chat(env, "chat", "--user", "lee", "--jsonl")
    assert first.stdin is not None
    first.stdin.write(b"make a video of a comet\n")
    await first.stdin.drain()
    await until(lambda: len(fake.calls("create")) == 1)
    first.send_signal(signal.SIGKILL)
    await first.communicate()

    fake.endpoint_latency_s.clear()
    second = await start_chat(env, "chat", "--user", "lee", "--jsonl")
    after, stderr = await asyncio.wait_for(second.communicate(b""), 60)
    assert second.returncode == 0, stderr.decode()
    uncertain = messages_of(after)[-1]  # IMA cannot look tasks up: said plainly, never sent again
    assert uncertain["kind"] == "failure" and "may already have been ordered" in uncertain["text"]
    assert not uncertain.get("buttons") and len(fake.calls("create")) == 1


async def test_one_message_delivered_four_times_over_virtual_hours_makes_one_job(
    tmp_path: Path, ima: tuple[FakeIma, str]
) -> None:
    fake, url = ima
    fake.timings = replace(fake.timings, processing_s=0.3)
    scale = 0.0001  # 6 virtual hours pass in 2.2 real seconds
    async with running_app(
        tmp_path,
        IMA_API_KEY=DEFAULT_KEY,
        IMA_BASE_URL=url,
        IMA_UPLOAD_BASE_URL=url,
        VIDEOBOT_TIME_SCALE=scale,
    ) as (app, channel):
        chat = Chat(app, "mia")
        message = InboundMessage(chat=chat.ref, message_id="om_same", text="做一个日落的视频")
        previous = 0.0
        for at_s in (0, 15, 5 * 60, 6 * 3600):  # Feishu's redelivery ladder, in virtual seconds
            await asyncio.sleep((at_s - previous) * scale)
            previous = at_s
            await app.conversation.handle(message)
        await chat.settle()
    assert len(fake.calls("create")) == 1
    assert channel.kinds("mia").count(ReplyKind.NOTICE) == 1
    assert channel.texts("mia").count("还在生成中") <= 1


async def test_a_corrupt_ledger_is_a_clear_error_and_nothing_is_lost(tmp_path: Path) -> None:
    ledger = tmp_path / "jobs.sqlite3"
    ledger.write_bytes(b"this is not a database" * 100)
    prefs = tmp_path / "prefs.json"
    prefs.write_text('{"user_cli:amy": {}}', encoding="utf-8")
    env = env_for(tmp_path, "http://127.0.0.1:9")
    process = await start_chat(env, "chat", "--user", "amy")
    _, stderr = await asyncio.wait_for(process.communicate(b"hello\n"), 60)
    assert process.returncode == 2
    assert str(ledger) in stderr.decode() and stderr.decode().count("\n") == 1
    assert "Traceback" not in stderr.decode()
    assert ledger.read_bytes() == b"this is not a database" * 100
    assert prefs.read_text(encoding="utf-8") == '{"user_cli:amy": {}}'


async def test_a_locked_ledger_is_a_clear_error(tmp_path: Path) -> None:
    store = await SqliteJobStore.open(tmp_path / "jobs.sqlite3")
    await store.close()
    holder = sqlite3.connect(tmp_path / "jobs.sqlite3")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        process = await start_chat(env_for(tmp_path, "http://127.0.0.1:9"), "chat", "--user", "amy")
        _, stderr = await asyncio.wait_for(process.communicate(b""), 60)
    finally:
        holder.rollback()
        holder.close()
    assert (
        process.returncode == 2 and "jobs.sqlite3" in stderr.decode() and "Traceback" not in stderr.decode()
    )


async def test_operator_view_lists_and_shows_jobs(tmp_path: Path, ima: tuple[FakeIma, str]) -> None:
    fake, url = ima
    fake.timings = replace(fake.timings, processing_s=0.05)
    env = env_for(tmp_path, url, VIDEOBOT_LANG="en")
    chat = await start_chat(env, "chat", "--user", "ops", "--jsonl")
    out, _ = await asyncio.wait_for(chat.communicate(b"make a video of a bridge\n"), 60)
    job_id = messages_of(out)[0]["job_id"]

    listing = await start_chat(env, "jobs", "--user", "cli:ops")
    table, _ = await listing.communicate()
    assert listing.returncode == 0 and job_id in table.decode() and "delivered" in table.decode()
    assert "40 pts" in table.decode()

    show = await start_chat(env, "jobs", "show", job_id)
    details, _ = await show.communicate()
    text = details.decode()
    assert show.returncode == 0 and "Wan 2.6" in text and "running" in text and "delivered" in text
    missing = await start_chat(env, "jobs", "show", "job_nope")
    await missing.communicate()
    assert missing.returncode == 1


async def test_the_offline_sandbox_survives_a_kill_too(tmp_path: Path) -> None:
    """`make run` with no keys: a chat cut off mid-job gets its videos at the next start."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("IMA_", "VIDEOBOT_"))},
        "VIDEOBOT_DATA_DIR": str(tmp_path),
        "VIDEOBOT_TIME_SCALE": "0.02",  # a 60-120 s estimate takes 1.2-2.4 s
        "VIDEOBOT_MAX_JOBS_PER_USER": "3",
    }
    first = await start_chat(env, "chat", "--user", "sam", "--jsonl")
    assert first.stdin is not None and first.stdout is not None
    first.stdin.write(b"make a video of a fox\nmake a video of an owl\nmake a video of a hare\n")
    await first.stdin.drain()
    seen: list[Json] = []
    async with asyncio.timeout(30):  # until all three tasks exist (a job reports progress once running)
        while len({m["job_id"] for m in seen if m["kind"] in ("progress", "video")}) < 3:
            seen.append(json.loads(await first.stdout.readline()))
    first.send_signal(signal.SIGKILL)
    rest, _ = await first.communicate()

    second = await start_chat(env, "chat", "--user", "sam", "--jsonl")
    after, stderr = await asyncio.wait_for(second.communicate(b""), 60)
    assert second.returncode == 0, stderr.decode()
    videos = [m for m in seen + messages_of(rest) + messages_of(after) if m["kind"] == "video"]
    assert len(videos) == 3 and len({m["job_id"] for m in videos}) == 3
    assert all(Path(m["url"].removeprefix("file://")).is_file() for m in videos)


async def test_operators_find_uncertain_jobs_with_what_to_look_for(
    tmp_path: Path, ima: tuple[FakeIma, str]
) -> None:
    _, url = ima
    env = env_for(tmp_path, url, VIDEOBOT_LANG="en")
    chat = await start_chat(env, "chat", "--user", "ops", "--jsonl")
    out, _ = await asyncio.wait_for(chat.communicate(b"make a video of a bridge ima-lost-answer\n"), 60)
    told = messages_of(out)[-1]
    assert "may already have been ordered" in told["text"]

    listing = await start_chat(env, "jobs", "--state", "uncertain")
    table, _ = await listing.communicate()
    rows = table.decode().splitlines()
    assert listing.returncode == 0 and told["job_id"] in rows[1] and "uncertain" in rows[1]
    assert "ima" in rows[1] and "provider" in rows[0]
    assert "ordered at 20" in rows[2] and "bridge ima-lost-answer" in rows[2] and "duration=" in rows[2]
