"""Jobs: the state machine, the JSON record and history notes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from handlers.inbound import ChatRef
from handlers.jobs import (
    FINAL_STATES,
    TRANSITIONS,
    WORKING_STATES,
    InvalidTransition,
    Job,
    JobState,
    Milestones,
    Step,
    new_job_id,
)
from messages.reply import Selection
from providers.errors import ErrorKind
from providers.types import (
    CreditUnit,
    EtaRange,
    GenerationRequest,
    ImageInput,
    ModelRef,
    Offer,
    Quote,
    TaskHandle,
    TaskType,
    VideoParams,
)

S = JobState
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
REF = ModelRef(model_id="wan2.6-t2v", version="wan2.6-t2v")
OFFER = Offer(model_key="wan-2.6", model_name="Wan 2.6", ref=REF)
ALLOWED = [(start, to) for start, targets in TRANSITIONS.items() for to in sorted(targets)]
FORBIDDEN = [(start, to) for start in S for to in S if to not in TRANSITIONS[start]]


def make_job(user: str = "alice", *, inbound_key: str | None = None, **fields: Any) -> Job:
    values: dict[str, Any] = {
        "inbound_key": inbound_key or f"cli:{new_job_id()}",
        "chat": ChatRef(platform="cli", chat_id=user, user_id=user, lang="en"),
        "request": GenerationRequest(task_type=TaskType.TEXT_TO_VIDEO, prompt="a kite over the sea"),
        "provider": "ima",
        "offer": OFFER,
        "family": "wan",
        "trait": "popular",
        "selection": Selection.DEFAULT,
        "eta": EtaRange(min_s=60, max_s=120),
        "poll_every_s": 8,
        "progress_every_s": 30,
        "timeout_s": 600,
    }
    return Job(**{**values, **fields})


def a_quote(credits: int = 25) -> Quote:
    return Quote(
        provider="ima",
        task_type=TaskType.IMAGE_TO_VIDEO,
        model_key="wan-2.6",
        model_name="Wan 2.6",
        ref=REF,
        params={"duration": 5, "resolution": "1080P"},
        credits=credits,
        unit=CreditUnit.POINTS,
        extra={"attribute_id": 4242},
    )


# -- the state machine -------------------------------------------------------------------------------------


def test_the_table_covers_every_state_and_final_states_are_dead_ends() -> None:
    assert set(TRANSITIONS) == set(S)
    assert {S.DELIVERED, S.FAILED, S.UNCERTAIN, S.UNREACHABLE, S.CANCELLED} == FINAL_STATES
    assert set(S) - FINAL_STATES - {S.LATE, S.QUEUED} == WORKING_STATES  # neither holds a place
    assert all(not TRANSITIONS[state] for state in FINAL_STATES)
    assert all(S.FAILED in TRANSITIONS[state] for state in S if state not in FINAL_STATES)
    # a cancel reaches every state before the video exists but a create under way (it waits for it)
    before_video = set(S) - FINAL_STATES - {S.SUCCEEDED, S.SUBMITTING}
    assert all(S.CANCELLED in TRANSITIONS[state] for state in before_video)


def test_the_happy_path_runs_in_protocol_order() -> None:
    job = make_job()
    path = [S.QUOTED, S.NOTIFIED, S.SUBMITTING, S.RUNNING, S.SUCCEEDED, S.DELIVERED]
    for state in path:
        assert not job.finished
        job.advance(state)
    assert job.state is S.DELIVERED and job.finished


@pytest.mark.parametrize(("start", "to"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_every_allowed_transition(start: JobState, to: JobState) -> None:
    job = make_job(state=start, updated_at=T0)
    job.advance(to)
    assert job.state is to and job.updated_at > T0
    if to in FINAL_STATES:
        assert job.finished and job.finished_at == job.updated_at
    else:
        assert not job.finished and job.finished_at is None


@pytest.mark.parametrize(("start", "to"), FORBIDDEN, ids=[f"{a}->{b}" for a, b in FORBIDDEN])
def test_every_forbidden_transition_raises_and_changes_nothing(start: JobState, to: JobState) -> None:
    job = make_job(state=start, updated_at=T0)
    before = job.model_copy(deep=True)
    with pytest.raises(InvalidTransition, match=job.id):
        job.advance(to)
    assert job == before


def test_finished_at_is_kept_from_the_moment_a_job_ended() -> None:
    job = make_job(state=S.RUNNING)
    job.advance(S.FAILED)
    ended = job.finished_at
    assert ended is not None
    with pytest.raises(InvalidTransition):
        job.advance(S.FAILED)
    assert job.finished_at == ended


# -- the record --------------------------------------------------------------------------------------------


def test_job_ids_are_unique_and_readable() -> None:
    ids = {new_job_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(job_id.startswith("job_") and len(job_id) == 20 for job_id in ids)
    assert make_job().id != make_job().id


def test_convenience_properties() -> None:
    job = make_job("bob")
    assert (job.model_key, job.model_name, job.user_key) == ("wan-2.6", "Wan 2.6", "cli:bob")


def test_json_round_trip_keeps_everything_including_image_bytes() -> None:
    raw = bytes(range(256)) + b"\x89PNG\r\n\x1a\n\x00\xff"  # not UTF-8: must travel as base64
    images = (
        ImageInput(data=raw, content_type="image/png", filename="cat.png"),
        ImageInput(url="https://example.com/last.jpg"),
    )
    request = GenerationRequest(
        task_type=TaskType.IMAGE_TO_VIDEO,
        prompt="让它慢慢动起来",
        images=images,
        params=VideoParams(duration=10, aspect_ratio="9:16", resolution="1080p"),
    )
    quote = a_quote()
    job = make_job(
        request=request,
        selection=Selection.PREFERENCE,
        remember=False,
        state=S.FAILED,
        quote=quote,
        handle=TaskHandle(provider="ima", task_id="task_1", quote=quote, created_at=T0),
        status_message_id="msg-1",
        delivered={Step.NOTICE, Step.FAILURE},
        error_kind=ErrorKind.TIMEOUT,
        video_url="https://cdn.example.com/v.mp4",
        cover_url="https://cdn.example.com/v.jpg",
        duration_s=5.0,
        poll_failures=3,
        started_at=T0,
        finished_at=T0 + timedelta(minutes=10),
    )
    encoded = job.model_dump_json()
    json.loads(encoded)  # plain JSON, as a ledger row holds it
    back = Job.model_validate_json(encoded)
    assert back == job
    assert back.request.images[0].data == raw and back.request.images[1].data is None
    assert back.delivered == {Step.NOTICE, Step.FAILURE} and back.state is S.FAILED
    assert back.quote is not None and back.quote.extra == {"attribute_id": 4242}
    assert back.finished and back.created_at.tzinfo is not None


# -- history notes -----------------------------------------------------------------------------------------


def test_milestones_note_what_changed() -> None:
    job = make_job()
    first = Milestones.of(job)
    assert first.note_since(None) == "recorded"
    assert first.note_since(first) is None
    job.quote = a_quote()
    job.advance(S.QUOTED)
    assert Milestones.of(job).note_since(first) == ""  # a state change alone: the event's state says it
    job.status_message_id = "msg-1"
    job.delivered.add(Step.NOTICE)
    job.handle = TaskHandle(provider="ima", task_id="task_9", quote=a_quote(), created_at=T0)
    job.error_kind = ErrorKind.NETWORK
    note = Milestones.of(job).note_since(first)
    assert note == "delivered notice; task task_9; status message msg-1; error network"
