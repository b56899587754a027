"""Photos stay out of job records: stored once by digest, given back with the job, pruned with it."""

from __future__ import annotations

import base64
import sqlite3
from datetime import timedelta
from pathlib import Path

from handlers.jobs import JobState
from handlers.ledger import SqliteJobStore
from handlers.timing import utc_now
from providers.types import ImageInput
from tests.handlers.ledger.factory import make_job

PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


async def test_a_photo_is_stored_once_and_never_inside_the_record(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    store = await SqliteJobStore.open(path)
    try:
        image = ImageInput(data=PHOTO, content_type="image/png")
        first, second = make_job(1, images=(image,)), make_job(2, images=(image,))
        await store.add(first)
        await store.add(second)
        first.advance(JobState.QUOTED)
        await store.save(first)  # saved again: the photo is not written again
        loaded = await store.get(first.id)
    finally:
        await store.close()
    assert loaded is not None and loaded.request.images[0].data == PHOTO
    assert loaded.request.images[0].digest == image.digest and image.digest is not None
    with sqlite3.connect(path) as conn:
        records = [record for (record,) in conn.execute("SELECT record FROM jobs")]
        photos = conn.execute("SELECT count(*), sum(length(data)) FROM photos").fetchone()
    assert all(base64.b64encode(PHOTO[:30]).decode()[:20] not in record for record in records)
    assert all(len(record) < 4000 for record in records)
    assert photos == (1, len(PHOTO))


async def test_a_photo_goes_with_the_last_job_that_used_it(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    store = await SqliteJobStore.open(path)
    try:
        job = make_job(1, images=(ImageInput(data=PHOTO),))
        job.created_at = utc_now()
        await store.add(job)
        job.advance(JobState.FAILED)
        await store.save(job)
        now = utc_now()
        assert await store.prune(finished_before=now + timedelta(seconds=1), inbound_before=now) == 1
    finally:
        await store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM photos").fetchone() == (0,)
    assert path.stat().st_mode & 0o777 == 0o600


async def test_ticks_read_a_running_image_job_without_its_photo_and_saving_it_keeps_the_photo(
    tmp_path: Path,
) -> None:
    store = await SqliteJobStore.open(tmp_path / "jobs.db")
    try:
        job = make_job(1, images=(ImageInput(data=PHOTO, content_type="image/png"),))
        await store.add(job)
        light = await store.get(job.id, photos=False)  # what a poll or a progress tick reads
        assert light is not None and light.request.images[0].data is None
        assert light.request.images[0].digest == job.request.images[0].digest
        light.advance(JobState.QUOTED)
        await store.save(light)  # saved without the bytes: the photo stays where it is
        full = await store.get(job.id)  # what the create reads
        assert full is not None and full.state is JobState.QUOTED and full.request.images[0].data == PHOTO
    finally:
        await store.close()
    reopened = await SqliteJobStore.open(tmp_path / "jobs.db")  # the file, not the memory, agrees
    try:
        again = await reopened.get(job.id)
        assert again is not None and again.state is JobState.QUOTED and again.request.images[0].data == PHOTO
    finally:
        await reopened.close()
