"""No lost update: many tasks in one process, and several processes, writing at once."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import sys
from pathlib import Path

from prefs import PreferenceStore
from providers.types import TaskType
from tests.prefs.conftest import wan

REPO = Path(__file__).resolve().parents[2]
T2V = TaskType.TEXT_TO_VIDEO

# Writes ``count`` users ``user_proc:<tag>-<n>``, after printing "ready" and reading "go" on stdin.
WRITER = """
import asyncio, sys
from datetime import UTC, datetime
from pathlib import Path
from prefs import Preference, PreferenceStore
from providers.types import TaskType

path, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
store = PreferenceStore(path)
pref = Preference(model_id="m", model_name="M", credit=1, last_used=datetime.now(UTC))
print("ready", flush=True)
sys.stdin.readline()

async def main() -> None:
    for n in range(count):
        await store.set(f"user_proc:{tag}-{n}", TaskType.TEXT_TO_VIDEO, pref)

asyncio.run(main())
"""


async def start_writer(path: Path, tag: str, count: int) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *(sys.executable, "-c", WRITER, str(path), tag, str(count)),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=REPO,
        env=os.environ | {"PYTHONPATH": str(REPO)},
    )


def stored_users(path: Path) -> set[str]:
    return set(json.loads(path.read_text(encoding="utf-8")))


async def test_many_concurrent_tasks_lose_nothing(store: PreferenceStore, prefs_path: Path) -> None:
    users = [f"user_cli:u{n}" for n in range(60)]
    await asyncio.gather(*(store.set(user, T2V, wan()) for user in users))
    assert stored_users(prefs_path) == set(users)
    removed = await asyncio.gather(*(store.reset(user) for user in users[::2]))
    assert removed == [1] * 30
    assert stored_users(prefs_path) == set(users[1::2])


async def test_two_stores_on_one_file_lose_nothing(prefs_path: Path) -> None:
    first, second = PreferenceStore(prefs_path), PreferenceStore(prefs_path)
    await asyncio.gather(
        *(first.set(f"user_cli:a{n}", T2V, wan()) for n in range(20)),
        *(second.set(f"user_cli:b{n}", T2V, wan()) for n in range(20)),
    )
    assert len(stored_users(prefs_path)) == 40


async def test_several_processes_lose_nothing(prefs_path: Path) -> None:
    tags, count = ["p0", "p1", "p2", "p3"], 30
    writers = [await start_writer(prefs_path, tag, count) for tag in tags]
    for writer in writers:
        assert writer.stdout is not None
        assert await asyncio.wait_for(writer.stdout.readline(), 10) == b"ready\n"
    for writer in writers:  # start them together
        assert writer.stdin is not None
        writer.stdin.write(b"go\n")
        await writer.stdin.drain()
    codes = await asyncio.wait_for(asyncio.gather(*(writer.wait() for writer in writers)), 15)
    assert codes == [0] * len(tags)
    assert stored_users(prefs_path) == {f"user_proc:{tag}-{n}" for tag in tags for n in range(count)}


async def test_writer_waits_for_another_process_lock(store: PreferenceStore, prefs_path: Path) -> None:
    prefs_path.parent.mkdir(parents=True)
    with (prefs_path.parent / "prefs.json.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        writing = asyncio.create_task(store.set("user_cli:alice", T2V, wan()))
        await asyncio.sleep(0.1)
        assert not writing.done() and not prefs_path.exists()
        fcntl.flock(held, fcntl.LOCK_UN)
        await asyncio.wait_for(writing, 5)
    assert await store.get("user_cli:alice", T2V) == wan()
