"""Status, history and showing a video again (issue 12, item 2), through the whole app."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from handlers.jobs import JobState
from messages.reply import ReplyKind
from tests.bot.test_cancel import SLOW, job_in
from tests.bot.test_chat_providers import providers
from tests.fakes.ima_tasks import Timings
from tests.support import Chat, running_app

BAR = re.compile(r"   [▰▱]{10} (\d+)% · (\d+) s of at most (\d+) s")


async def test_status_shows_each_video_with_its_progress_and_a_cancel_button(tmp_path: Path) -> None:
    limit: dict[str, Any] = {"VIDEOBOT_MAX_JOBS_PER_USER": 3}
    async with (
        providers("ima") as (fakes, env),
        running_app(tmp_path, **env, **SLOW, **limit) as (app, channel),
    ):
        fakes["ima"].timings = Timings(queued_s=60, processing_s=60, empty_url_s=0.05)
        user = Chat(app, "ann")  # the language of each message answers it
        await user.say("status")
        idle = channel.of("ann")[-1].text
        for prompt in ("make a video of a red kite", "make a video of a blue boat"):
            await user.say(prompt)
            await job_in(app, "cli:ann", JobState.RUNNING)
        await user.say("进度")  # Chinese words get a Chinese answer
        zh = channel.of("ann")[-1]
        await user.say("status")
        status = channel.of("ann")[-1]
        first, second = await app.jobs.active("cli:ann")
    assert idle.startswith("No video is being made for you right now")
    lines = status.text.splitlines()
    assert lines[0] == "Your videos in progress:" and lines[-1] == 'To cancel one, say "cancel".'
    assert lines[1] == '1. "a red kite" · Wan 2.6' and lines[3] == '2. "a blue boat" · Wan 2.6'
    bars = [BAR.fullmatch(line) for line in (lines[2], lines[4])]
    assert all(bars) and int(bars[0][1]) >= int(bars[1][1]) and bars[0][3] == "420"  # type: ignore[index]
    assert [(b.label, b.job_id) for b in status.buttons] == [("Cancel 1", first.id), ("Cancel 2", second.id)]
    assert zh.text.startswith("你的视频进度:\n1. 「a red kite」· Wan 2.6\n")


async def test_history_numbers_the_last_videos_and_a_number_shows_one_again(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env) as (app, channel):
        user = Chat(app, "bob", lang="en")
        await user.say("my videos")
        empty = channel.of("bob")[-1].text
        await user.say("make a video of a paper boat on a pond")
        await user.settle(30)
        await user.say("make a video of a lighthouse in a storm")
        await user.settle(30)
        await user.say("history")
        history = channel.of("bob")[-1].text
        done = await app.jobs.recent(user_key="cli:bob")
        before = len(channel.of("bob"))
        await user.say("2")
        again = channel.of("bob")[before:]
        await user.say("7")
        missing = channel.of("bob")[-1].text
    assert empty.startswith("You haven't made any videos yet.")
    lines = history.splitlines()
    assert lines[0] == "Your latest videos:" and lines[-1] == "Reply with a number to see that video again."
    assert re.fullmatch(
        r'1\. ✅ "a lighthouse in a storm" · Wan 2\.6 · 40 credits · \d\d-\d\d \d\d:\d\d', lines[1]
    )
    assert lines[2] == f"   {done[0].video_url}" and lines[3].startswith('2. ✅ "a paper boat on a pond"')
    assert [r.kind for r in again] == [ReplyKind.VIDEO, ReplyKind.LINK]
    assert again[0].text == '🔁 Again: "a paper boat on a pond" · Wan 2.6'
    assert again[0].video_url == done[1].video_url and done[1].video_url in again[1].text  # type: ignore[operator]
    assert missing == 'There\'s no video number 7; see "my videos" for the numbers.'
    assert len(fakes["ima"].tasks) == 2, "showing again orders nothing"


async def test_history_says_how_each_ended_and_a_failed_one_cannot_be_shown(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, channel):  # the offline sandbox: no web link to share
        user = Chat(app, "cyd", lang="zh")
        await user.say("做一个小狗在海边奔跑的视频")
        await user.settle(30)
        await user.say("做一个暴风雨的视频 #fail")
        await user.settle(30)
        await user.say("我的视频")
        history = channel.of("cyd")[-1].text
        await user.say("1")
        failed = channel.of("cyd")[-1].text
        await app.conversation.show_again(user.ref, 2)  # Discord's /show, by number
        shown = channel.of("cyd")[-2:]
    lines = history.splitlines()
    assert lines[1].startswith("1. ❌ 未完成 「暴风雨」· ") and "积分" not in lines[1]
    assert lines[2].startswith("2. ✅ 「小狗在海边奔跑」· Wan 2.6 · 免费 · ")
    assert not any(line.startswith("   ") for line in lines), "a local file is no link to share"
    assert failed == "这个视频没有做好,没法再看;可以重新生成一次。"
    assert [r.kind for r in shown] == [ReplyKind.VIDEO, ReplyKind.LINK] and shown[0].video_url
