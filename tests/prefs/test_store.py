"""Round trip, file format, reset and tolerant reading of the preference store."""

from __future__ import annotations

import json
import os
from pathlib import Path

from prefs import Preference, PreferenceStore
from providers.types import TaskType
from tests.prefs.conftest import WHEN, wan

ALICE = "user_cli:alice"
BOB = "user_feishu:ou_x"
T2V = TaskType.TEXT_TO_VIDEO
I2V = TaskType.IMAGE_TO_VIDEO


async def test_missing_file_and_directory_read_as_empty(store: PreferenceStore, prefs_path: Path) -> None:
    assert await store.get(ALICE, T2V) is None
    assert await store.all_for(ALICE) == {}
    assert not prefs_path.parent.exists()  # reading creates nothing


async def test_round_trip(store: PreferenceStore) -> None:
    await store.set(ALICE, T2V, wan())
    assert await store.get(ALICE, T2V) == wan()
    assert await store.get(ALICE, I2V) is None
    assert await store.get(BOB, T2V) is None


async def test_set_replaces_previous_choice(store: PreferenceStore) -> None:
    await store.set(ALICE, T2V, wan(25))
    await store.set(ALICE, T2V, wan(120))
    assert await store.all_for(ALICE) == {T2V: wan(120)}


async def test_file_format_is_the_seed_shape_plus_key_and_provider(
    store: PreferenceStore, prefs_path: Path
) -> None:
    kling = Preference(model_id="kling-video-o1", model_name="可灵 O1", credit=48, last_used=WHEN)
    await store.set(BOB, I2V, kling)
    await store.set(ALICE, T2V, wan())
    expected = {
        "user_cli:alice": {
            "text_to_video": {
                "model_id": "wan2.6-t2v",
                "model_name": "Wan 2.6",
                "credit": 25,
                "last_used": "2026-04-01T12:00:00Z",
                "model_key": "wan-2.6",
                "provider": "ima",
            }
        },
        "user_feishu:ou_x": {
            "image_to_video": {
                "model_id": "kling-video-o1",
                "model_name": "可灵 O1",
                "credit": 48,
                "last_used": "2026-04-01T12:00:00Z",
            }
        },
    }
    text = prefs_path.read_text(encoding="utf-8")
    assert json.loads(text) == expected
    assert text == json.dumps(expected, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    assert "可灵" in text  # UTF-8, not \u escapes
    assert text.index("user_cli:alice") < text.index("user_feishu:ou_x")


async def test_reads_a_file_written_by_the_seed_script(store: PreferenceStore, prefs_path: Path) -> None:
    prefs_path.parent.mkdir(parents=True)
    entry = {
        "model_id": "wan2.6-t2v",
        "model_name": "Wan 2.6",
        "credit": 25,
        "last_used": "2026-04-01T12:00:00",
    }
    seed = {"user_default": {"text_to_video": entry}}
    prefs_path.write_text(json.dumps(seed), encoding="utf-8")
    pref = await store.get("user_default", T2V)
    assert pref == Preference(model_id="wan2.6-t2v", model_name="Wan 2.6", credit=25, last_used=WHEN)


async def test_reset_one_task_type(store: PreferenceStore) -> None:
    await store.set(ALICE, T2V, wan())
    await store.set(ALICE, I2V, wan())
    await store.set(BOB, T2V, wan())
    assert await store.reset(ALICE, T2V) == 1
    assert await store.all_for(ALICE) == {I2V: wan()}
    assert await store.reset(ALICE, T2V) == 0
    assert await store.get(BOB, T2V) == wan()


async def test_reset_last_task_type_drops_the_user(store: PreferenceStore, prefs_path: Path) -> None:
    await store.set(ALICE, T2V, wan())
    assert await store.reset(ALICE, T2V) == 1
    assert json.loads(prefs_path.read_text(encoding="utf-8")) == {}


async def test_reset_all_for_a_user(store: PreferenceStore, prefs_path: Path) -> None:
    await store.set(ALICE, T2V, wan())
    await store.set(ALICE, I2V, wan())
    await store.set(BOB, T2V, wan())
    assert await store.reset(ALICE) == 2
    assert await store.all_for(ALICE) == {}
    assert list(json.loads(prefs_path.read_text(encoding="utf-8"))) == [BOB]
    assert await store.reset(ALICE) == 0


async def test_reset_of_nothing_does_not_write(store: PreferenceStore, prefs_path: Path) -> None:
    assert await store.reset(ALICE) == 0
    assert await store.reset(ALICE, T2V) == 0
    assert not prefs_path.exists()


async def test_every_read_sees_external_edits(store: PreferenceStore, prefs_path: Path) -> None:
    await store.set(ALICE, T2V, wan(25))
    before = prefs_path.stat()
    edited = prefs_path.read_text(encoding="utf-8").replace('"credit": 25', '"credit": 26')
    prefs_path.write_text(edited, encoding="utf-8")  # same size, in place
    os.utime(prefs_path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same mtime too
    assert await store.get(ALICE, T2V) == wan(26)
    prefs_path.unlink()
    assert await store.get(ALICE, T2V) is None


async def test_bad_entries_are_skipped_and_kept(store: PreferenceStore, prefs_path: Path) -> None:
    good = wan().model_dump(mode="json")
    document = {
        ALICE: {"text_to_video": good, "image_to_video": {"model_id": "x", "credit": "lots"}},
        BOB: "not an object",
        "user_cli:carol": {"text_to_video": good},
    }
    prefs_path.parent.mkdir(parents=True)
    prefs_path.write_text(json.dumps(document), encoding="utf-8")

    assert await store.all_for(ALICE) == {T2V: wan()}
    assert await store.all_for(BOB) == {}
    assert await store.get("user_cli:carol", T2V) == wan()

    await store.set("user_cli:dave", T2V, wan())
    rewritten = json.loads(prefs_path.read_text(encoding="utf-8"))
    assert {key: rewritten[key] for key in document} == document  # bad entries left as they were
    await store.set(BOB, T2V, wan())  # a bad user entry is replaced when that user is written
    assert await store.all_for(BOB) == {T2V: wan()}


async def test_unknown_task_type_is_ignored_and_preserved(store: PreferenceStore, prefs_path: Path) -> None:
    future = {"model_id": "v", "model_name": "V", "credit": 1, "last_used": "2026-04-01T12:00:00Z"}
    prefs_path.parent.mkdir(parents=True)
    prefs_path.write_text(json.dumps({ALICE: {"video_to_video": future}}), encoding="utf-8")
    assert await store.all_for(ALICE) == {}
    await store.set(ALICE, T2V, wan())
    assert json.loads(prefs_path.read_text(encoding="utf-8"))[ALICE]["video_to_video"] == future


async def test_unknown_fields_survive_a_rewrite(store: PreferenceStore, prefs_path: Path) -> None:
    entry = wan().model_dump(mode="json") | {"note": "from an older build"}
    prefs_path.parent.mkdir(parents=True)
    prefs_path.write_text(json.dumps({ALICE: {"text_to_video": entry}}), encoding="utf-8")
    pref = await store.get(ALICE, T2V)
    assert pref is not None
    await store.set(ALICE, T2V, pref)
    assert json.loads(prefs_path.read_text(encoding="utf-8"))[ALICE]["text_to_video"]["note"] == (
        "from an older build"
    )


async def test_write_leaves_only_the_file_and_its_lock(store: PreferenceStore, prefs_path: Path) -> None:
    await store.set(ALICE, T2V, wan())
    assert sorted(p.name for p in prefs_path.parent.iterdir()) == ["prefs.json", "prefs.json.lock"]
    assert prefs_path.stat().st_mode & 0o777 == 0o600
