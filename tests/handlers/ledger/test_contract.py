"""The JobStore contract, held by the SQLite ledger and by the PostgreSQL one (a real server)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from handlers.jobs import DuplicateJob, JobState, JobStore, Step
from providers.types import ImageInput
from tests.handlers.ledger.factory import EPOCH, FAILURE, SUCCESS, make_job, walk
from tests.handlers.ledger.stores import opened_store

S = JobState


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[JobStore]:
    async with opened_store(request, tmp_path) as opened:
        yield opened


async def test_add_then_get_returns_an_equal_copy(store: JobStore) -> None:
    job = make_job()
    await store.add(job)
    found = await store.get(job.id)
    assert found == job
    assert found is not None
    found.delivered.add(Step.NOTICE)
    assert await store.get(job.id) == job, "changing a returned job changes nothing stored"
    assert await store.get("job_unknown") is None


async def test_save_keeps_every_field(store: JobStore) -> None:
    job = make_job()
    await store.add(job)
    await walk(job, store.save)
    assert await store.get(job.id) == job
    assert job.finished and job.handle is not None and job.quote is not None


async def test_by_inbound_finds_the_job_of_a_message(store: JobStore) -> None:
    job = make_job(inbound_key="feishu:om_1")
    await store.add(job)
    assert await store.by_inbound("feishu:om_1") == job
    assert await store.by_inbound("feishu:om_2") is None


async def test_a_second_job_for_one_message_is_refused(store: JobStore) -> None:
    first = make_job(1, inbound_key="feishu:om_1")
    await store.add(first)
    with pytest.raises(DuplicateJob):
        await store.add(make_job(2, inbound_key="feishu:om_1"))
    assert await store.by_inbound("feishu:om_1") == first
    assert await store.get("job_alice_2") is None
    await store.add(first)  # the same job again is an update, not a duplicate


async def test_active_lists_unfinished_jobs_oldest_first(store: JobStore) -> None:
    for number in (3, 1, 4, 2):
        await store.add(make_job(number))
    await store.add(make_job(5, user="bob"))
    done = await walk(make_job(0), store.save)
    assert [j.id for j in await store.active()] == [
        "job_alice_1",
        "job_alice_2",
        "job_alice_3",
        "job_alice_4",
        "job_bob_5",
    ]
    assert [j.id for j in await store.active("cli:bob")] == ["job_bob_5"]
    assert done.id not in {j.id for j in await store.active("cli:alice")}
    assert await store.active("cli:nobody") == []


async def test_latest_is_the_users_newest_job(store: JobStore) -> None:
    for number in (2, 3, 1):
        await store.add(make_job(number))
    await store.add(make_job(9, user="bob"))
    latest = await store.latest("cli:alice")
    assert latest is not None and latest.id == "job_alice_3"
    assert await store.latest("cli:nobody") is None


async def test_an_inbound_message_is_claimed_once(store: JobStore) -> None:
    assert await store.claim_inbound("feishu:om_1", EPOCH) is True
    assert await store.claim_inbound("feishu:om_1", EPOCH + timedelta(hours=6)) is False
    assert await store.claim_inbound("feishu:om_2", EPOCH) is True


async def test_recent_is_newest_first_and_filters(store: JobStore) -> None:
    for number in range(1, 6):
        await store.add(make_job(number))
    await store.add(make_job(6, user="bob"))
    await walk(make_job(7), store.save, FAILURE)
    assert [j.id for j in await store.recent()][:3] == ["job_alice_7", "job_bob_6", "job_alice_5"]
    assert [j.id for j in await store.recent(limit=2)] == ["job_alice_7", "job_bob_6"]
    assert [j.id for j in await store.recent(user_key="cli:bob")] == ["job_bob_6"]
    assert [j.id for j in await store.recent(state=S.FAILED)] == ["job_alice_7"]
    assert [j.id for j in await store.recent(state=S.RECEIVED, user_key="cli:alice", limit=2)] == [
        "job_alice_5",
        "job_alice_4",
    ]
    assert await store.recent(state=S.DELIVERED) == []
    assert await store.recent(limit=0) == []


async def test_history_records_each_transition_and_what_changed(store: JobStore) -> None:
    job = make_job()
    await store.add(job)
    await walk(job, store.save, SUCCESS[:4])  # to RUNNING
    await store.save(job)  # nothing changed: no event
    job.poll_failures = 1
    await store.save(job)  # not a milestone: no event
    await walk(job, store.save, SUCCESS[4:])
    events = await store.history(job.id)
    assert [(e.state, e.note) for e in events] == [
        (S.RECEIVED, "recorded"),
        (S.QUOTED, ""),
        (S.NOTIFIED, f"delivered notice; status message msg-{job.id}"),
        (S.SUBMITTING, ""),
        (S.RUNNING, f"task task-{job.id}"),
        (S.SUCCEEDED, ""),
        (S.DELIVERED, "delivered link, video"),
    ]
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert await store.history("job_unknown") == []


async def test_history_notes_a_step_delivered_without_a_new_state(store: JobStore) -> None:
    job = make_job()
    await store.add(job)
    await walk(job, store.save, SUCCESS[:5])  # to SUCCEEDED
    job.delivered.add(Step.VIDEO)
    await store.save(job)
    last = (await store.history(job.id))[-1]
    assert (last.state, last.note) == (S.SUCCEEDED, "delivered video")


async def test_history_of_a_failure_names_the_error(store: JobStore) -> None:
    job = await walk(make_job(), store.add, FAILURE)
    last = (await store.history(job.id))[-1]
    assert (last.state, last.note) == (S.FAILED, "delivered failure; error timeout")


async def test_prune_removes_old_finished_jobs_and_old_claims(store: JobStore) -> None:
    old, fresh = await walk(make_job(1), store.save), await walk(make_job(2), store.save, FAILURE)
    old.finished_at, fresh.finished_at = EPOCH + timedelta(days=1), EPOCH + timedelta(days=10)
    await store.save(old)
    await store.save(fresh)
    waiting = make_job(3, created_at=EPOCH)  # old, but unfinished: never pruned
    await store.add(waiting)
    await store.claim_inbound("feishu:old", EPOCH)
    await store.claim_inbound("feishu:new", EPOCH + timedelta(hours=9))

    removed = await store.prune(
        finished_before=EPOCH + timedelta(days=5), inbound_before=EPOCH + timedelta(hours=8)
    )

    assert removed == 1
    assert await store.get(old.id) is None and await store.history(old.id) == []
    assert await store.get(fresh.id) == fresh and await store.history(fresh.id)
    assert await store.get(waiting.id) == waiting
    assert await store.claim_inbound("feishu:old", EPOCH) is True, "an expired claim is forgotten"
    assert await store.claim_inbound("feishu:new", EPOCH) is False
    assert await store.prune(finished_before=EPOCH, inbound_before=EPOCH) == 0


async def test_photos_come_back_with_their_job_and_stay_out_of_polls(store: JobStore) -> None:
    first = ImageInput(data=b"\x89PNG\r\n\x1a\n" + bytes(500), content_type="image/png")
    last = ImageInput(data=b"\xff\xd8\xff" + bytes(300), content_type="image/jpeg")
    job = make_job(1, images=(first, last))
    await store.add(job)
    found = await store.get(job.id)
    assert found == job and found is not None and found.request.images[1].data == last.data
    light = await store.get(job.id, photos=False)
    assert light is not None and [image.data for image in light.request.images] == [None, None]
    assert [image.digest for image in light.request.images] == [first.digest, last.digest]
    light.advance(JobState.QUOTED)
    await store.save(light)  # a save without the bytes keeps the photos
    assert [image.data for image in (await store.active())[0].request.images] == [first.data, last.data]
