"""A chat the bot was removed from: Feishu refuses every send (230002), so nothing is ordered for it."""

from __future__ import annotations

from pathlib import Path

from handlers.jobs import JobState
from tests.bot.feishu.harness import ALICE, running_feishu


async def test_no_video_is_ordered_for_a_chat_that_refuses_every_send(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        for endpoint in ("reply", "create"):
            fake.api.fail(endpoint, status=400, code=230002, msg="Bot is not in the chat", times=100)
        await fake.deliver(fake.text("make a video of a storm"))
        await feishu.settle()
        (job,) = await feishu.app.jobs.recent(user_key=f"feishu:{ALICE}")
    assert job.state is JobState.UNREACHABLE and job.handle is None
    assert not list((tmp_path / "videos").glob("tasks/*.json")), "the sandbox was never asked"
    sends = fake.state.calls_to("reply") + fake.state.calls_to("create")
    assert len(sends) == 2  # the notice, once as a reply and once in the chat: never a flood
