"""Follow-ups on success (issue 12, item 4): again, another model, vertical / landscape; by words and
by buttons, each a new request through the spending guard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from handlers.jobs import JobState
from messages.reply import ReplyKind
from tests.support import Chat, running_app


async def test_a_finished_video_offers_its_follow_ups(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        user = Chat(app, "ann", lang="en")
        await user.say("make a video of a paper boat")
        await user.settle(30)
        (job,) = await app.jobs.recent(user_key="cli:ann")
    video = next(r for r in channel.of("ann") if r.kind is ReplyKind.VIDEO)
    assert [(b.label, b.action, b.job_id) for b in video.buttons] == [
        ("🔁 Again", "again", job.id),
        ("🎨 Another model", "another", job.id),
        ("📱 Vertical", "vertical", job.id),
    ]


async def test_words_make_the_last_video_again_and_reshape_it(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):
        user = Chat(app, "bob", lang="zh")
        await user.say("再来一个")
        nothing = channel.of("bob")[-1].text
        await user.say("做一个纸船的视频")
        await user.settle(30)
        await user.say("再来一个")
        await user.settle(30)
        await user.say("竖屏")
        await user.settle(30)
        third, second, first = await app.jobs.recent(user_key="cli:bob")
    assert nothing == "还没有做好的视频可以接着做,先告诉我想生成什么吧。"
    assert second.request == first.request and second.model_key == first.model_key
    assert third.request.params.aspect_ratio == "9:16" and third.request.prompt == first.request.prompt
    assert {job.state for job in (first, second, third)} == {JobState.DELIVERED}
    video = [r for r in channel.of("bob") if r.kind is ReplyKind.VIDEO][-1]
    assert [b.action for b in video.buttons][-1] == "landscape"  # the other shape


async def test_buttons_follow_up_once_per_click_and_only_for_their_user(tmp_path: Path) -> None:
    limits: dict[str, Any] = {"VIDEOBOT_MAX_JOBS_PER_USER": 5}
    async with running_app(tmp_path, **limits) as (app, channel):
        owner, other = Chat(app, "cyd", lang="en"), Chat(app, "dee", lang="en")
        await owner.say("make a video of a paper boat")
        await owner.settle(30)
        (job,) = await app.jobs.recent(user_key="cli:cyd")
        await app.conversation.follow_up(other.ref, job.id, "again", inbound_key="cli:click-1")
        await app.conversation.follow_up(owner.ref, job.id, "landscape", inbound_key="cli:click-2")
        await app.conversation.follow_up(owner.ref, job.id, "landscape", inbound_key="cli:click-2")  # resent
        await app.conversation.follow_up(owner.ref, job.id, "another", inbound_key="cli:click-3")
        menu = channel.of("cyd")[-1].text
        await owner.say("1")
        await owner.settle(30)
        jobs = await app.jobs.recent(user_key="cli:cyd")
        others = await app.jobs.recent(user_key="cli:dee")
    assert channel.of("dee")[-1].text.startswith("There's no finished video to build on yet")
    assert not others  # nothing was made for the other user
    landscape = [j for j in jobs if j.request.params.aspect_ratio == "16:9"]
    assert len(landscape) == 1 and landscape[0].model_key == job.model_key
    assert menu.startswith("Which model would you like?") and job.model_name not in menu
    picked = [j for j in jobs if j.model_key != job.model_key]
    assert len(picked) == 1 and picked[0].request == job.request and len(jobs) == 3
