"""Money through the whole app on the providers' fakes: lost answers reconciled, refusals waited out or
failed over, one job per intent, and the per-user limit held under a burst (issue 9)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from handlers.inbound import InboundMessage
from handlers.jobs import Job, JobState
from tests.bot.test_chat_providers import K, providers
from tests.support import Chat, RecordingChannel, running_app


async def test_a_lost_aivideomaker_create_answer_is_found_and_delivered(tmp_path: Path) -> None:
    async with providers("aivideomaker") as (fakes, env), running_app(tmp_path, **env) as (app, channel):
        fake = fakes["aivideomaker"]
        fake.drop_next_create_answers = 1  # the task is made and charged; its answer never arrives
        user = Chat(app, "ann", lang="en")
        await user.say("make a video of a paper boat on a pond")
        await user.settle(60)
        (job,) = await app.jobs.recent(user_key="cli:ann")
    assert job.state is JobState.DELIVERED and len(fake.tasks) == 1  # paid once, delivered once
    assert job.handle is not None and job.handle.task_id in fake.tasks
    creates = [r for r in fake.requests if r.path.startswith("/api/v1/generate/")]
    assert len(creates) == 1 and creates[0].headers.get("Idempotency-Key") == job.id
    assert channel.kinds("ann")[-2:] == [K.VIDEO, K.LINK] and K.FAILURE not in channel.kinds("ann")


async def test_an_ambiguous_create_that_made_nothing_is_sent_again_once_proven(tmp_path: Path) -> None:
    async with providers("aivideomaker") as (fakes, env), running_app(tmp_path, **env) as (app, channel):
        fake = fakes["aivideomaker"]
        fake.answer_next(502, "<html>502 Bad Gateway</html>", scope="create")  # it never got through
        user = Chat(app, "bo", lang="en")
        await user.say("make a video of a paper boat on a pond")
        await user.settle(60)
        (job,) = await app.jobs.recent(user_key="cli:bo")
    assert job.state is JobState.DELIVERED and len(fake.tasks) == 1
    assert len([r for r in fake.requests if r.path == "/api/v1/tasks"]) >= 1  # looked before resending
    assert channel.kinds("bo")[-1] is K.LINK


async def test_a_rate_limited_synchronous_generation_is_waited_out(tmp_path: Path) -> None:
    async with providers("mythiq") as (fakes, env), running_app(tmp_path, **env) as (app, channel):
        fake = fakes["mythiq"]
        fake.throttle_generations = 1  # a 429 without retry_after: backs off, then tries again
        user = Chat(app, "cy", lang="en")
        await user.say("make a video of a paper boat on a pond")
        await user.settle(60)
    assert len(fake.generations) == 2 and channel.kinds("cy")[-2:] == [K.VIDEO, K.LINK]


async def test_a_rate_limited_aims_generation_is_tried_again_with_backoff(tmp_path: Path) -> None:
    async with providers("aims") as (fakes, env), running_app(tmp_path, **env) as (app, channel):
        fake = fakes["aims"]
        fake.throttle_generations = 2
        user = Chat(app, "dee", lang="en")
        await user.say("make a video of a paper boat on a pond")
        await user.settle(60)
    assert len(fake.generations) == 3 and channel.kinds("dee")[-2:] == [K.VIDEO, K.LINK]


@pytest.mark.parametrize(
    ("first", "model", "retry_after"),
    [("mythiq", "Wan 2.6", 45), ("aims", "Sora 2 Pro", "90")],  # longer than we wait: move on
)
async def test_a_synchronous_provider_at_its_limit_fails_over_to_the_next(
    tmp_path: Path, first: str, model: str, retry_after: object
) -> None:
    async with (
        providers(first, "ima") as (fakes, env),
        running_app(tmp_path, **env) as (app, channel),
    ):
        fakes[first].throttle_generations = 5
        fakes[first].throttle_retry_after = retry_after
        user = Chat(app, "eve", lang="en")
        await user.say(f"用 {model} make a video of a paper boat on a pond")
        await user.settle(60)
    assert len(fakes[first].generations) == 1 and len(fakes["ima"].calls("create")) == 1
    assert "runs on IMA Studio instead" in channel.texts("eve")
    assert channel.kinds("eve")[-2:] == [K.VIDEO, K.LINK]


async def test_a_burst_of_messages_from_one_user_makes_at_most_the_limit(tmp_path: Path) -> None:
    async with running_app(tmp_path, VIDEOBOT_MAX_JOBS_PER_USER=2) as (app, channel):
        user = Chat(app, "fin", lang="en")
        messages = [
            InboundMessage(chat=user.ref, message_id=f"burst-{n}", text=f"make a video of boat {n} #slow")
            for n in range(10)
        ]
        await asyncio.gather(*(app.conversation.handle(m) for m in messages))
        jobs = await app.jobs.recent(user_key="cli:fin")
    states = [job.state for job in jobs]
    assert len(jobs) == 5 and states.count(JobState.QUEUED) == 3  # two places, three waiting in line
    assert channel.texts("fin").count("You already have 2 videos in progress and 3 waiting in line") == 5


async def test_a_retry_runs_once_per_failed_job_and_model(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        user = Chat(app, "gus", lang="en")
        await user.say("make a video of a storm #fail")
        await user.settle(60)
        (failed,) = await app.jobs.recent(user_key="cli:gus")
        button = channel.of("gus")[-1].buttons[0]
        assert button.model_key is not None
        clicks = [
            app.conversation.retry(user.ref, failed.id, button.model_key, f"cli:click-{n}") for n in range(3)
        ]
        await asyncio.gather(*clicks)  # three clicks of one button, each its own interaction
        await user.settle(60)
        jobs = await app.jobs.recent(user_key="cli:gus")
    assert len(jobs) == 2 and jobs[0].inbound_key == f"retry:{failed.id}:{button.model_key}"


async def cut_off_then_restarted(tmp_path: Path, name: str, user: str) -> tuple[Job, RecordingChannel, Any]:
    """A synchronous generation stopped mid-request (the app closed), then the app started again."""
    async with providers(name) as (fakes, env):
        fake = fakes[name]
        fake.delay_s = 1.0
        async with running_app(tmp_path, **env, VIDEOBOT_SHUTDOWN_GRACE_S=0) as (app, _):
            await Chat(app, user, lang="en").say("make a video of a paper boat on a pond")
            async with asyncio.timeout(10):
                while not fake.in_flight:
                    await asyncio.sleep(0.01)
        # the request was cut; the generation goes on at the provider
        async with running_app(tmp_path, **env) as (app, channel):
            assert await app.resume({"cli"}) == 1
            await Chat(app, user).settle(30)
            (job,) = await app.jobs.recent(user_key=f"cli:{user}")
    return job, channel, fake


async def test_a_synchronous_generation_cut_off_by_a_restart_is_found_again_on_mythiq(tmp_path: Path) -> None:
    job, channel, fake = await cut_off_then_restarted(tmp_path, "mythiq", "hal")
    assert job.state is JobState.DELIVERED and len(fake.generations) == 1  # found, never paid twice
    assert channel.kinds("hal")[-2:] == [K.VIDEO, K.LINK]
    assert any(r.path == "/v1/media" for r in fake.requests)


async def test_a_synchronous_generation_cut_off_on_aims_is_reported_as_uncertain(tmp_path: Path) -> None:
    job, channel, fake = await cut_off_then_restarted(tmp_path, "aims", "ivy")
    assert job.state is JobState.UNCERTAIN and len(fake.generations) == 1
    assert "may already have been ordered and charged" in channel.texts("ivy")
