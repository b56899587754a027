"""Preferences in PostgreSQL (a real server): the seed's shape per user, atomic changes shared by
instances, tolerant reading, and the JSON file exported and imported."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from psycopg.types.json import Jsonb

from handlers.ledger.postgres import Database
from prefs import Preference, PreferenceStoreError
from prefs.postgres import PostgresPreferenceStore
from providers.types import TaskType
from tests.prefs.conftest import WHEN, wan

ALICE = "user_cli:alice"
T2V, I2V = TaskType.TEXT_TO_VIDEO, TaskType.IMAGE_TO_VIDEO


@pytest.fixture
async def database(postgres_url: str) -> AsyncIterator[Database]:
    opened = Database(postgres_url)
    yield opened
    await opened.close()


@pytest.fixture
def store(database: Database) -> PostgresPreferenceStore:
    return PostgresPreferenceStore(database.connection)


async def test_round_trip_reset_and_the_seed_shape(
    store: PostgresPreferenceStore, database: Database
) -> None:
    assert await store.all_for(ALICE) == {}
    await store.set(ALICE, T2V, wan(25))
    await store.set(ALICE, T2V, wan(120))
    await store.set(ALICE, I2V, wan(40))
    assert await store.all_for(ALICE) == {T2V: wan(120), I2V: wan(40)}
    async with database.connection() as conn:
        row = await (
            await conn.execute("SELECT document FROM preferences WHERE user_key = %s", (ALICE,))
        ).fetchone()
    assert row is not None and row[0]["text_to_video"] == {
        "model_id": "wan2.6-t2v", "model_name": "Wan 2.6", "credit": 120,
        "last_used": "2026-04-01T12:00:00Z", "model_key": "wan-2.6", "provider": "ima",
    }  # fmt: skip
    assert await store.reset(ALICE, I2V) == 1
    assert await store.reset(ALICE, I2V) == 0
    assert await store.reset(ALICE) == 1
    assert await store.all_for(ALICE) == {}


async def test_two_instances_saving_one_user_at_once_lose_nothing(
    database: Database, postgres_url: str
) -> None:
    other = Database(postgres_url)
    try:
        stores = [PostgresPreferenceStore(database.connection), PostgresPreferenceStore(other.connection)]
        kinds = list(TaskType)
        await asyncio.gather(*(stores[n % 2].set(ALICE, kind, wan(n)) for n, kind in enumerate(kinds)))
        assert set(await stores[0].all_for(ALICE)) == set(kinds)
    finally:
        await other.close()


async def test_an_invalid_entry_is_skipped_and_kept(
    store: PostgresPreferenceStore, database: Database
) -> None:
    async with database.connection() as conn:
        await conn.execute(
            "INSERT INTO preferences (user_key, document) VALUES (%s, %s)",
            (ALICE, Jsonb({"text_to_video": {"model_id": 1}, "future_kind": {"x": 1}})),
        )
    assert await store.all_for(ALICE) == {}
    await store.set(ALICE, I2V, wan())
    assert await store.all_for(ALICE) == {I2V: wan()}


async def test_export_writes_the_seed_file_and_import_reads_one(
    store: PostgresPreferenceStore, tmp_path: Path
) -> None:
    seed = {
        "user_feishu:ou_1": {"text_to_video": {
            "model_id": "wan2.6-t2v", "model_name": "Wan 2.6", "credit": 25,
            "last_used": "2026-04-01T12:00:00Z",
        }},
        "user_discord:42": {"image_to_video": {
            "model_id": "kling", "model_name": "Kling", "credit": 80, "last_used": "2026-04-02T08:00:00Z"
        }},
        "not a user": "skipped",
    }  # fmt: skip
    source = tmp_path / "user_preferences.json"
    source.write_text(json.dumps(seed), encoding="utf-8")
    assert await store.import_from(source) == 2
    found = await store.get("user_feishu:ou_1", T2V)
    assert found == Preference(model_id="wan2.6-t2v", model_name="Wan 2.6", credit=25, last_used=WHEN)
    exported = tmp_path / "out" / "prefs.json"
    assert await store.export_to(exported) == 2
    assert json.loads(exported.read_text(encoding="utf-8")) == {
        k: v for k, v in seed.items() if k != "not a user"
    }


async def test_a_file_that_is_not_preferences_is_refused(
    store: PostgresPreferenceStore, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(PreferenceStoreError):
        await store.import_from(bad)


async def test_an_unreachable_database_is_a_preference_error() -> None:
    database = Database("postgresql://videobot@127.0.0.1:1/nowhere")
    try:
        with pytest.raises(PreferenceStoreError):
            await PostgresPreferenceStore(database.connection).get(ALICE, T2V)
    finally:
        await database.close()
