"""A real `videobot chat` killed or stopped at bad moments: nothing lost, nothing paid twice (issue 9)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.lifecycle import LOCK_NAME
from tests.bot.test_durability import Json, env_for, messages_of, start_chat, until
from tests.fakes.aivideomaker import FakeAivideomaker
from tests.fakes.ima import FakeIma
from tests.fakes.server import serve


@pytest.fixture
async def ima() -> AsyncIterator[tuple[FakeIma, str]]:
    fake = FakeIma(processing_s=2.0)
    async with serve(fake.app()) as url:
        yield fake, url


async def lines_until(process: asyncio.subprocess.Process, done: Any, timeout_s: float = 30) -> list[Json]:
    """The bot's messages, read as they come, until ``done(messages)`` holds."""
    assert process.stdout is not None
    seen: list[Json] = []
    async with asyncio.timeout(timeout_s):
        while not done(seen):
            seen.append(json.loads(await process.stdout.readline()))
    return seen


async def test_a_kill_mid_create_on_aivideomaker_finds_the_task_and_delivers_it(tmp_path: Path) -> None:
    fake = FakeAivideomaker(queued_s=0.2, processing_s=0.5)
    fake.create_answer_delay_s = 4.0  # the task exists; its answer is still on the way when we die
    async with serve(fake.app()) as url:
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("IMA_", "VIDEOBOT_", "AIVIDEOMAKER_"))
            },
            "AIVIDEOMAKER_API_KEY": "ak_test_key",
            "AIVIDEOMAKER_BASE_URL": url,
            "VIDEOBOT_DATA_DIR": str(tmp_path),
            "VIDEOBOT_TIME_SCALE": "0.01",
            "VIDEOBOT_LANG": "en",
        }
        first = await start_chat(env, "chat", "--user", "max", "--jsonl")
        assert first.stdin is not None
        first.stdin.write(b"make a video of a comet\n")
        await first.stdin.drain()
        await until(lambda: len(fake.tasks) == 1)
        first.send_signal(signal.SIGKILL)
        before, _ = await first.communicate()

        fake.create_answer_delay_s = 0.0
        second = await start_chat(env, "chat", "--user", "max", "--jsonl")
        after, stderr = await asyncio.wait_for(second.communicate(b""), 60)
    assert second.returncode == 0, stderr.decode()
    shown = messages_of(before) + messages_of(after)
    assert [m["kind"] for m in shown if m["kind"] != "progress"] == ["notice", "video", "link"]
    assert len(fake.tasks) == 1, "found again, never created twice"


@pytest.mark.parametrize("window", ["notice", "video"])
async def test_a_kill_right_after_a_step_shows_each_step_once(
    tmp_path: Path, ima: tuple[FakeIma, str], window: str
) -> None:
    fake, url = ima
    env = env_for(tmp_path, url, VIDEOBOT_LANG="en")
    first = await start_chat(env, "chat", "--user", "nia", "--jsonl")
    assert first.stdin is not None
    first.stdin.write(b"make a video of a comet\n")
    await first.stdin.drain()
    seen = await lines_until(first, lambda seen: any(m["kind"] == window for m in seen))
    first.send_signal(signal.SIGKILL)
    rest, _ = await first.communicate()

    second = await start_chat(env, "chat", "--user", "nia", "--jsonl")
    after, stderr = await asyncio.wait_for(second.communicate(b""), 60)
    assert second.returncode == 0, stderr.decode()
    shown = seen + messages_of(rest) + messages_of(after)
    steps = [m["kind"] for m in shown if m["kind"] != "progress"]
    creates = len(fake.calls("create"))
    if window == "notice" and "failure" in steps:
        # the kill came once the create was recorded as under way (the bot goes on from the notice to
        # the create at once), whether or not it reached IMA: IMA cannot look a task up without its id,
        # so the job is said plainly to be uncertain (test_durability's kill mid-create), never created
        # again
        assert list(dict.fromkeys(steps)) == ["notice", "failure"] and creates <= 1
        assert "may already have been ordered" in shown[-1]["text"]
        return
    assert creates == 1
    assert list(dict.fromkeys(steps)) == ["notice", "video", "link"]
    # A terminal has no idempotent send: at most the one line in flight at the kill shows again.
    repeated = [step for step in set(steps) if steps.count(step) > 1]
    assert repeated in ([], [window]) and len(steps) <= 4


async def test_sigterm_with_creates_in_flight_lets_them_finish_and_resumes_the_rest(
    tmp_path: Path, ima: tuple[FakeIma, str]
) -> None:
    fake, url = ima
    fake.endpoint_latency_s["create"] = 1.0  # five creates under way when the stop comes
    env = env_for(tmp_path, url, VIDEOBOT_LANG="en", VIDEOBOT_MAX_JOBS_PER_USER="5")
    first = await start_chat(env, "chat", "--user", "ora", "--jsonl")
    assert first.stdin is not None
    first.stdin.write(b"".join(f"make a video of kite {n}\n".encode() for n in range(5)))
    await first.stdin.drain()
    await until(lambda: len(fake.calls("create")) == 5)
    first.send_signal(signal.SIGTERM)
    before, stderr = await asyncio.wait_for(first.communicate(), 30)
    assert first.returncode == 0, stderr.decode()
    assert not [m for m in messages_of(before) if m["kind"] == "failure"], "nobody is told 'failed'"
    assert "Traceback" not in stderr.decode()

    fake.endpoint_latency_s.clear()
    second = await start_chat(env, "chat", "--user", "ora", "--jsonl")
    after, stderr = await asyncio.wait_for(second.communicate(b""), 60)
    assert second.returncode == 0, stderr.decode()
    videos = [m for m in messages_of(before) + messages_of(after) if m["kind"] == "video"]
    assert len({m["job_id"] for m in videos}) == 5 and len(videos) == 5
    assert len(fake.calls("create")) == 5, "every create in flight finished: none is sent again"


async def test_ctrl_c_in_the_terminal_chat_returns_at_once(tmp_path: Path, ima: tuple[FakeIma, str]) -> None:
    _, url = ima
    chat = await start_chat(env_for(tmp_path, url), "chat", "--jsonl")  # waiting for a line, stdin open
    await until(lambda: (tmp_path / LOCK_NAME).is_file())
    await asyncio.sleep(0.5)
    started = time.monotonic()
    chat.send_signal(signal.SIGINT)
    _, stderr = await asyncio.wait_for(chat.communicate(), 10)
    assert chat.returncode == 0 and time.monotonic() - started < 5, stderr.decode()
    assert "Traceback" not in stderr.decode() and "KeyboardInterrupt" not in stderr.decode()


async def test_a_second_process_on_the_same_data_is_refused_in_one_line(
    tmp_path: Path, ima: tuple[FakeIma, str]
) -> None:
    _, url = ima
    env = env_for(tmp_path, url)
    first = await start_chat(env, "chat", "--jsonl")
    await until(lambda: (tmp_path / LOCK_NAME).is_file())
    await asyncio.sleep(0.5)
    for command in (("chat", "--jsonl"), ("run",)):
        second = await start_chat(env, *command)
        _, stderr = await asyncio.wait_for(second.communicate(b""), 30)
        lines = stderr.decode().strip().splitlines()
        assert second.returncode == 2 and len(lines) == 1, stderr.decode()
        assert "another videobot is already running" in lines[0]
    first.send_signal(signal.SIGTERM)
    await asyncio.wait_for(first.communicate(), 30)
    assert first.returncode == 0
    third = await start_chat(env, "chat", "--jsonl")  # the lock died with its holder
    _, stderr = await asyncio.wait_for(third.communicate(b""), 30)
    assert third.returncode == 0, stderr.decode()
