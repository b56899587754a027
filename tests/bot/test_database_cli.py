"""``videobot db``, ``migrate-sqlite`` and ``prefs`` as an operator runs them (a real server)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import psycopg

from handlers.budgets import Budget, Period, Scope
from handlers.controls import AuditEntry, Control
from handlers.jobs import JobState
from handlers.ledger import SqliteJobStore
from handlers.ledger.postgres import PostgresJobStore
from handlers.ledger.postgres.schema import MIGRATIONS, VERSIONS_TABLE
from handlers.timing import utc_now
from providers.types import ImageInput
from tests.bot.test_cli import run_videobot
from tests.handlers.ledger.factory import EPOCH, FAILURE, SUCCESS, make_job, walk


def env_of(tmp_path: Path, url: str | None) -> dict[str, str]:
    env = {"VIDEOBOT_DATA_DIR": str(tmp_path), "VIDEOBOT_LANG": "en"}
    return {**env, "VIDEOBOT_DATABASE_URL": url} if url else env


def test_status_then_upgrade_then_status(tmp_path: Path, postgres_url: str) -> None:
    env = env_of(tmp_path, postgres_url)
    before = run_videobot(["db", "status"], "", env)
    assert before.returncode == 1 and "schema version 0" in before.stdout and "pending: 1, 2" in before.stdout
    upgrade = run_videobot(["db", "upgrade"], "", env)
    assert upgrade.returncode == 0 and "Applied migrations 1, 2" in upgrade.stdout, upgrade.stderr
    again = run_videobot(["db", "upgrade"], "", env)
    assert again.returncode == 0 and "Up to date" in again.stdout
    after = run_videobot(["db", "status"], "", env)
    assert after.returncode == 0 and "schema version 2" in after.stdout
    assert postgres_url.rsplit("/", 1)[1] in after.stdout


def test_a_version_1_database_gains_the_user_and_state_index(tmp_path: Path, postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn, conn.transaction():
        conn.execute(VERSIONS_TABLE)
        for statement in MIGRATIONS[1]:
            conn.execute(statement)
        conn.execute("INSERT INTO videobot_schema (version) VALUES (1)")
    upgrade = run_videobot(["db", "upgrade"], "", env_of(tmp_path, postgres_url))
    assert upgrade.returncode == 0 and "Applied migrations 2" in upgrade.stdout, upgrade.stderr
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT to_regclass('jobs_user_state') IS NOT NULL").fetchone() == (True,)


async def test_a_database_a_newer_videobot_upgraded_is_left_alone(tmp_path: Path, postgres_url: str) -> None:
    env = env_of(tmp_path, postgres_url)
    assert run_videobot(["db", "upgrade"], "", env).returncode == 0
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("INSERT INTO videobot_schema (version) VALUES (99)")
    status = run_videobot(["db", "status"], "", env)
    assert (
        status.returncode == 1 and "schema version 99" in status.stdout and "newer videobot" in status.stdout
    )
    for args in (["db", "upgrade"], ["jobs"]):
        refused = run_videobot(args, "", env)
        assert refused.returncode == 2 and "newer videobot (schema 99" in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr


def test_without_a_database_each_command_says_so_in_one_line(tmp_path: Path) -> None:
    for args in (["db", "status"], ["db", "upgrade"], ["migrate-sqlite"], ["prefs", "export", "x.json"]):
        done = run_videobot(args, "", env_of(tmp_path, None))
        assert done.returncode == 2 and "VIDEOBOT_DATABASE_URL is not set" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_an_unreachable_database_is_one_line_without_its_password(tmp_path: Path) -> None:
    env = env_of(tmp_path, "postgresql://bot:s3cret@127.0.0.1:1/db")
    for args in (["db", "status"], ["run"], ["chat"], ["jobs"]):
        done = run_videobot(args, "", env)
        assert done.returncode == 2 and "cannot be reached" in done.stderr and "s3cret" not in done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


async def test_migrate_sqlite_copies_the_whole_ledger_once(tmp_path: Path, postgres_url: str) -> None:
    old = await SqliteJobStore.open(tmp_path / "jobs.sqlite3")
    photo = ImageInput(data=b"\x89PNG\r\n\x1a\n" + bytes(300), content_type="image/png")
    delivered = await walk(make_job(1, images=(photo,)), old.save)
    failed = await walk(make_job(2, user="bob"), old.save, FAILURE)
    running = await walk(make_job(3), old.save, SUCCESS[:4])
    entry = AuditEntry(at=EPOCH, actor="cli:root", action="budget", target="user cli:alice", detail="day 5")
    await old.set_limit(Scope.USER, "cli:alice", Period.DAY, 500_000, entry)
    await old.set_control(
        Control.BLOCKED, "cli:mallory", "spam", entry.model_copy(update={"action": "block"})
    )
    await old.claim_inbound("feishu:om_1", utc_now())
    history = {job.id: await old.history(job.id) for job in (delivered, failed, running)}
    usage = await old.usage(Scope.USER, "cli:alice", Budget(), EPOCH + timedelta(minutes=5))
    await old.close()

    env = env_of(tmp_path, postgres_url)
    done = run_videobot(["migrate-sqlite"], "", env)
    assert done.returncode == 0, done.stderr
    assert "3 jobs" in done.stdout and "1 photos" in done.stdout and "2 audit lines" in done.stdout

    new = await PostgresJobStore.open(postgres_url)
    try:
        for job in (delivered, failed, running):
            assert await new.get(job.id) == job
            assert [(e.state, e.note) for e in await new.history(job.id)] == [
                (e.state, e.note) for e in history[job.id]
            ]
        assert await new.usage(Scope.USER, "cli:alice", Budget(), EPOCH + timedelta(minutes=5)) == usage
        assert (Control.BLOCKED, "cli:mallory") in await new.controls()
        assert [e.action for e in await new.audit_log()] == ["block", "budget"]
        assert not await new.claim_inbound("feishu:om_1", utc_now()), "a seen message stays seen"
        assert [job.id for job in await new.take_over({"cli"})] == [running.id], "held by no one"
        assert (await new.get(running.id)).state is JobState.RUNNING  # type: ignore[union-attr]
    finally:
        await new.close()

    again = run_videobot(["migrate-sqlite"], "", env)
    assert again.returncode == 0 and "0 jobs" in again.stdout and "0 audit lines" in again.stdout


def test_prefs_import_then_export_round_trips_the_seed_file(tmp_path: Path, postgres_url: str) -> None:
    seed = {"user_feishu:ou_1": {"text_to_video": {
        "model_id": "wan2.6-t2v", "model_name": "Wan 2.6", "credit": 25, "last_used": "2026-04-01T12:00:00Z"
    }}}  # fmt: skip
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(seed), encoding="utf-8")
    env = env_of(tmp_path, postgres_url)
    imported = run_videobot(["prefs", "import", str(source)], "", env)
    assert imported.returncode == 0 and "1 users" in imported.stdout, imported.stderr
    exported = run_videobot(["prefs", "export", str(target)], "", env)
    assert exported.returncode == 0 and json.loads(target.read_text(encoding="utf-8")) == seed
    source.write_text("not json", encoding="utf-8")
    bad = run_videobot(["prefs", "import", str(source)], "", env)
    assert bad.returncode == 1 and "not a preferences file" in bad.stderr
