"""What only the SQLite ledger promises: durability, clear errors on bad files, concurrency, bytes."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from handlers.jobs import Job, JobState
from handlers.ledger import LedgerError, SqliteJobStore, queries
from handlers.ledger.schema import MIGRATIONS, SCHEMA_VERSION
from providers.types import ImageInput
from tests.handlers.ledger.factory import EPOCH, FAILURE, make_job, walk

REPO = Path(__file__).parents[3]


async def test_jobs_history_and_claims_survive_closing_and_reopening(tmp_path: Path) -> None:
    path = tmp_path / "data" / "jobs.db"  # the folder is created
    store = await SqliteJobStore.open(path)
    done = await walk(make_job(1), store.save)
    waiting = make_job(2)
    await store.add(waiting)
    await store.claim_inbound("feishu:om_1", EPOCH)
    history = await store.history(done.id)
    await store.close()

    reopened = await SqliteJobStore.open(path)
    try:
        assert await reopened.get(done.id) == done
        assert await reopened.history(done.id) == history
        assert await reopened.active() == [waiting]
        assert await reopened.claim_inbound("feishu:om_1", EPOCH) is False
    finally:
        await reopened.close()


async def test_image_bytes_round_trip(tmp_path: Path) -> None:
    data = bytes(range(256)) * 64
    image = ImageInput(data=data, content_type="image/png", filename="cat.png")
    job = make_job(images=(image, ImageInput(url="https://example.com/a.jpg")))
    store = await SqliteJobStore.open(tmp_path / "jobs.db")
    try:
        await store.add(job)
        found = await store.get(job.id)
    finally:
        await store.close()
    assert found == job
    assert found is not None and found.request.images[0].data == data


async def test_concurrent_saves_from_many_tasks_all_land(tmp_path: Path) -> None:
    store = await SqliteJobStore.open(tmp_path / "jobs.db")

    async def run(job: Job, fails: bool) -> None:
        await store.add(job)
        await walk(job, store.save, FAILURE if fails else None)

    try:
        jobs = [make_job(n) for n in range(60)]
        await asyncio.gather(*(run(job, fails=n % 2 == 1) for n, job in enumerate(jobs)))
        claims = await asyncio.gather(*(store.claim_inbound("feishu:om_1", EPOCH) for _ in range(30)))
        for job in jobs:
            assert await store.get(job.id) == job
            states = [event.state for event in await store.history(job.id)]
            assert states[0] is JobState.RECEIVED and states[-1] is job.state
            assert len(states) == (6 if job.state is JobState.FAILED else 7)
        assert claims.count(True) == 1
    finally:
        await store.close()


WRITER = """
import asyncio, sys
from pathlib import Path
from handlers.ledger import SqliteJobStore
from tests.handlers.ledger.factory import make_job, walk

async def main():
    store = await SqliteJobStore.open(Path(sys.argv[1]))
    for number in range(100_000):
        job = make_job(number)
        await store.add(job)
        await walk(job, store.save)
        print(job.id, flush=True)

asyncio.run(main())
"""


async def test_a_killed_writer_leaves_every_committed_job(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", WRITER, str(path), stdout=asyncio.subprocess.PIPE, cwd=REPO
    )
    committed: list[str] = []
    try:
        assert child.stdout is not None
        async with asyncio.timeout(15):
            while len(committed) < 40:
                line = await child.stdout.readline()
                assert line, "the writer ended early"
                committed.append(line.decode().strip())
    finally:
        child.kill()  # SIGKILL, mid-write
        await child.wait()
    assert child.returncode == -9

    store = await SqliteJobStore.open(path)
    try:
        for job_id in committed:
            job = await store.get(job_id)
            assert job is not None and job.state is JobState.DELIVERED
            assert len(await store.history(job_id)) == 7
        assert len(await store.recent(limit=1000)) >= len(committed)
    finally:
        await store.close()


async def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    path.write_bytes(b"somebody's notes, not a database\n" * 200)
    before = path.read_bytes()
    with pytest.raises(LedgerError, match=re.escape(str(path))) as caught:
        await SqliteJobStore.open(path)
    assert "damaged or not a job ledger" in str(caught.value) and "left untouched" in str(caught.value)
    assert path.read_bytes() == before


async def test_a_damaged_ledger_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    store = await SqliteJobStore.open(path)
    for number in range(100):
        await walk(make_job(number), store.save)
    await store.close()
    with path.open("r+b") as file:  # a disk error: garbage over the third page
        file.seek(2 * 4096)
        file.write(b"\xa5" * 4096)
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="damaged"):
        await SqliteJobStore.open(path)
    assert path.read_bytes() == before


async def test_a_ledger_of_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    await (await SqliteJobStore.open(path)).close()
    newer = sqlite3.connect(path)
    newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    newer.close()
    with pytest.raises(LedgerError, match="newer videobot"):
        await SqliteJobStore.open(path)


@pytest.mark.parametrize("count", [queries.COUNT_WORKING, queries.COUNT_QUEUED])
async def test_an_admission_counts_its_users_jobs_by_user_and_state(tmp_path: Path, count: str) -> None:
    """Not by state alone: that read every queued job of every user at each admission."""
    path = tmp_path / "jobs.db"
    await (await SqliteJobStore.open(path)).close()
    with closing(sqlite3.connect(path)) as conn:
        plan = conn.execute(f"EXPLAIN QUERY PLAN {count}", ["x"] * count.count("?")).fetchall()
    assert "COVERING INDEX jobs_user_state" in str(plan)


async def test_a_version_2_ledger_gains_the_user_and_state_index(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    old = sqlite3.connect(path)
    for statement in (*MIGRATIONS[1], *MIGRATIONS[2]):
        old.execute(statement)
    old.execute("PRAGMA user_version = 2")
    old.commit()
    old.close()
    store = await SqliteJobStore.open(path)
    await store.add(make_job(1))
    await store.close()
    upgraded = sqlite3.connect(path)
    assert upgraded.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert upgraded.execute("SELECT name FROM sqlite_master WHERE name = 'jobs_user_state'").fetchone()
    upgraded.close()


async def test_another_programs_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE notes (text TEXT)")
    other.close()
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="not a job ledger"):
        await SqliteJobStore.open(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("existing", [True, False], ids=["ledger", "new-file"])
async def test_a_locked_ledger_fails_at_open_within_the_busy_timeout(tmp_path: Path, existing: bool) -> None:
    path = tmp_path / "jobs.db"
    if existing:
        await (await SqliteJobStore.open(path)).close()
    holder = sqlite3.connect(path, isolation_level=None)  # another bot, mid-transaction
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(LedgerError, match="is locked by another process"):
            await SqliteJobStore.open(path, busy_timeout_s=0.05)
        assert time.monotonic() - started < 2
    finally:
        holder.rollback()
        holder.close()
    await (await SqliteJobStore.open(path)).close()  # free again: it opens


async def test_a_lock_taken_while_running_fails_a_save_then_clears(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    store = await SqliteJobStore.open(path, busy_timeout_s=0.05)
    job = make_job()
    try:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(LedgerError, match="locked"):
            await store.add(job)
        holder.rollback()
        holder.close()
        await store.add(job)
        assert await store.get(job.id) == job
    finally:
        await store.close()


async def test_a_ledger_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(LedgerError, match="cannot be created"):
        await SqliteJobStore.open(blocker / "jobs.db")


async def test_a_closed_ledger_says_so(tmp_path: Path) -> None:
    store = await SqliteJobStore.open(tmp_path / "jobs.db")
    await store.close()
    await store.close()
    with pytest.raises(LedgerError, match="is closed"):
        await store.get("job_x")


async def test_the_ledger_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    fresh = await SqliteJobStore.open(tmp_path / "new" / "jobs.sqlite3")
    await fresh.save(make_job(1))
    await fresh.close()
    older = tmp_path / "old.sqlite3"
    store = await SqliteJobStore.open(older)
    await store.close()
    older.chmod(0o644)  # written by an earlier videobot, world-readable
    store = await SqliteJobStore.open(older)
    await store.close()
    for path in (tmp_path / "new" / "jobs.sqlite3", older):
        assert path.stat().st_mode & 0o777 == 0o600, path
    wal = tmp_path / "new" / "jobs.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_mode & 0o077 == 0
