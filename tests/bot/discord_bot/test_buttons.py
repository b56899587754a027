"""Failures come with "retry with <model>" buttons that still work after the bot restarts."""

from __future__ import annotations

from bot.wiring import App
from handlers.jobs import JobState
from tests.bot.discord_bot.support import StartBot, finished_job, key
from tests.fakes.discord import FakeDiscord, FakeMessage
from tests.fakes.discord.payloads import snowflake


async def failed_video(fake: FakeDiscord, app: App, start_bot: StartBot, by: dict[str, str]) -> FakeMessage:
    async with start_bot():
        interaction = await fake.slash("video", {"prompt": "a storm at sea #fail"}, by=by)
        job = await finished_job(app, key(interaction))
    assert job.state is JobState.FAILED
    return fake.messages[interaction.original_id or 0]


async def test_failure_shows_the_reason_and_retry_buttons_in_the_status_message(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    failure = await failed_video(fake, app, start_bot, fake.person("alice"))
    assert failure.history[1].startswith("🎬") and "Retry with" not in failure.content
    labels = [c["label"] for row in failure.components for c in row["components"]]
    assert len(failure.custom_ids) == 2 and all(label.startswith("Retry with") for label in labels)
    assert all(custom_id.startswith("vb:retry:job_") for custom_id in failure.custom_ids)


async def test_a_click_after_a_restart_retries_with_the_named_model(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    failure = await failed_video(fake, app, start_bot, alice)  # that client is closed now
    custom_id = failure.custom_ids[1]
    _, _, failed_id, model_key = custom_id.split(":")
    async with start_bot():  # a new client: only the custom id knows the job and the model
        click = await fake.click(failure.id, custom_id, by=alice)
        retry = await finished_job(app, f"retry:{failed_id}:{model_key}")
    assert click.response_type == 6, "a click defers without a visible reply"
    failed = await app.jobs.get(failed_id)
    assert failed is not None and retry.model_key == model_key != failed.model_key
    assert retry.request == failed.request
    assert failure.components == [], "one click per failure: the buttons are gone"
    (status,) = [fake.messages[i] for i in click.followup_ids]  # "#fail" is in the prompt: it fails again
    assert status.history[0].startswith("🎬") and status.interaction_id == click.id
    assert len(status.custom_ids) == 2 and custom_id not in status.custom_ids


async def test_someone_else_cannot_use_the_buttons(fake: FakeDiscord, app: App, start_bot: StartBot) -> None:
    alice, bob = fake.person("alice"), fake.person("bob")
    failure = await failed_video(fake, app, start_bot, alice)
    async with start_bot():
        click = await fake.click(failure.id, failure.custom_ids[0], by=bob)
        answer = await fake.wait_for(lambda: click.followup_ids and fake.messages[click.followup_ids[0]])
    assert answer.ephemeral and answer.content.startswith("This button belongs to whoever asked")
    assert len(failure.custom_ids) == 2
    assert await app.jobs.by_inbound(key(click)) is None


async def test_a_click_for_a_job_nobody_remembers_says_there_is_nothing_to_retry(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    orphan = FakeMessage(id=snowflake(), channel_id=fake.channel_id, author=fake.bot)
    custom_id = "vb:retry:job_0123:kling-o1"
    button = {"type": 2, "style": 1, "label": "Retry with Kling O1", "custom_id": custom_id}
    orphan.components = [{"type": 1, "components": [button]}]
    fake.messages[orphan.id] = orphan
    async with start_bot():
        click = await fake.click(orphan.id, custom_id, by=alice)
        answer = await fake.wait_for(lambda: click.followup_ids and fake.messages[click.followup_ids[0]])
    assert answer.content.startswith("There's nothing to retry right now")


async def test_a_click_acknowledged_too_late_starts_nothing(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    alice = fake.person("alice")
    failure = await failed_video(fake, app, start_bot, alice)
    fake.callback_deadline_s = 0.0
    async with start_bot():
        click = await fake.click(failure.id, failure.custom_ids[0], by=alice)
        await fake.wait_for(lambda: [c for c in fake.calls_to("callback") if str(click.id) in c.path])
        await fake.slash("help", by=alice)  # handled after the click
        await fake.wait_for(lambda: len(fake.calls_to("callback")) == 3)
    _, _, failed_id, model_key = failure.custom_ids[0].split(":")
    assert (
        await app.jobs.by_inbound(f"retry:{failed_id}:{model_key}") is None and len(failure.custom_ids) == 2
    )
