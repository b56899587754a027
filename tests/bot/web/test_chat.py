"""The web chat over its WebSocket, as a page drives it: the protocol drawn message by message, the
status message edited in place, the video served only to its owner, taps, photos, the access token,
and the conversation found again after a reload and after a restart."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image
from yarl import URL

from bot.lifecycle import AdapterError
from bot.web.identity import ID_COOKIE, user_id_of
from handlers.inbound import ChatRef
from handlers.jobs import JobState
from tests.bot.web.support import Page, running_web, settled

SLOW: dict[str, Any] = {
    "VIDEOBOT_TIME_SCALE": 0.02
}  # a sandbox video takes a few seconds: time to tap Cancel


def png(size: tuple[int, int] = (64, 48)) -> dict[str, str]:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, "PNG")
    return {"name": "sunset.png", "type": "image/png", "data": base64.b64encode(buffer.getvalue()).decode()}


async def test_a_first_page_is_greeted_in_its_language_and_a_request_runs_the_protocol(
    tmp_path: Path,
) -> None:
    async with running_web(tmp_path) as (app, server), Page.opened(server.url, lang="en-GB") as page:
        [welcome] = page.bot()
        assert (
            welcome["text"].startswith("Hi! Just say what video you would like") and welcome["lang"] == "en"
        )
        assert "offline demo" in welcome["text"]
        await page.say("make a video of a puppy running on a beach")
        await page.until(lambda: page.bot("link"))
        mine = [e for e in page.entries.values() if e["from"] == "me"]
        assert [e["text"] for e in mine] == ["make a video of a puppy running on a beach"]
        status_id = next(f["entry"]["id"] for f in page.frames if f.get("entry", {}).get("kind") == "notice")
        kinds = [f["entry"]["kind"] for f in page.frames if f.get("entry", {}).get("id") == status_id]
        assert kinds[0] == "notice" and kinds[-1] == "video" and "progress" in kinds  # one message, edited
        video = page.entries[status_id]
        assert video["video"].startswith("/media/") and video["poster"].startswith("/media/")
        assert {b["action"] for b in video["buttons"]} >= {"again", "vertical"}
        [link] = page.bot("link")
        assert "/media/" in link["text"] and "file://" not in link["text"]
        status, body = await page.get(video["video"])
        assert status == 200 and body[4:8] == b"ftyp"  # an MP4
        async with Page.opened(server.url) as stranger:  # another browser: another person
            assert (await stranger.get(video["video"]))[0] == 404
            assert [e["text"] for e in stranger.entries.values() if e["from"] == "me"] == []
        await settled(app)
        [job] = await app.jobs.recent()
        assert job.state is JobState.DELIVERED and job.chat.platform == "web"


async def test_chinese_words_get_chinese_answers(tmp_path: Path) -> None:
    async with running_web(tmp_path) as (_, server), Page.opened(server.url, lang="zh-CN") as page:
        assert page.bot()[0]["text"].startswith("你好")
        await page.say("做一个小猫玩毛线的视频")
        await page.until(lambda: page.bot("link"))
        assert "视频生成成功" in next(e for e in page.bot("video"))["text"]


async def test_retry_after_a_failure_and_cancel_while_running(tmp_path: Path) -> None:
    async with running_web(tmp_path, **SLOW) as (app, server), Page.opened(server.url) as page:
        await page.say("make a video of a storm #fail")
        await page.until(lambda: page.bot("failure"))
        [failure] = page.bot("failure")
        retry = next(b for b in failure["buttons"] if b["action"] == "retry")
        await page.click(failure, "retry", model_key=retry["model_key"])
        await page.until(lambda: len(page.bot("failure")) == 2, timeout_s=30)  # "#fail" goes with it
        retried = await app.jobs.latest(
            page.bot("failure")[1]["job"] and (await app.jobs.recent())[0].user_key
        )
        assert retried is not None and retried.model_key == retry["model_key"]
        await page.say("make a video of a slow glacier #slow")
        await page.until(lambda: any(e.get("kind") in ("notice", "progress") for e in page.bot()))
        running = next(e for e in page.bot() if e.get("kind") in ("notice", "progress"))
        await page.click(running, "cancel")
        await page.until(lambda: page.bot("cancelled"))
        assert page.bot("cancelled")[0]["id"] == running["id"]  # the status message says it, in place
        jobs = await app.jobs.recent()
    assert [j.state for j in jobs] == [JobState.CANCELLED, JobState.FAILED, JobState.FAILED]


async def test_a_photo_makes_an_image_to_video_job_and_bad_photos_get_a_friendly_answer(
    tmp_path: Path,
) -> None:
    async with running_web(tmp_path) as (app, server), Page.opened(server.url) as page:
        await page.say("animate this", [png()])
        await page.until(lambda: page.bot("link"))
        [mine] = [e for e in page.entries.values() if e["from"] == "me"]
        assert mine["photos"] == ["sunset.png"] and "data" not in str(mine)
        await settled(app)
        [job] = await app.jobs.recent()
        assert job.request.task_type.value == "image_to_video" and job.state is JobState.DELIVERED
        huge = {"name": "big.png", "type": "image/png", "data": "A" * (21 * 1024 * 1024 * 4 // 3)}
        await page.say("animate this", [huge])
        await page.until(lambda: any("too large" in e["text"] for e in page.bot("text")))
        before = len(page.entries)
        await page.send({"type": "say", "id": "not an id", "text": "hi"})  # unreadable frames are dropped
        await page.send({"type": "dance"})
        await page.say("a cat", [{"name": "x.exe", "type": "application/x-msdownload", "data": "TVo="}])
        await page.until(lambda: any(e["text"] == "Only pictures can be added." for e in page.bot("text")))
        await page.say("")  # nothing said: nothing answered
        await page.say("help")
        await page.until(lambda: len(page.entries) > before + 1)
        assert len(await app.jobs.recent()) == 1
        assert not any("Traceback" in e["text"] for e in page.entries.values())


async def test_a_question_is_answered_by_its_button_and_a_video_followed_up(tmp_path: Path) -> None:
    async with running_web(tmp_path, **SLOW) as (app, server), Page.opened(server.url) as page:
        await page.say("a puppy running on a beach")  # no "video" in it: asked first
        await page.until(lambda: page.bot("question"))
        [question] = page.bot("question")
        assert {b["action"] for b in question["buttons"]} == {"go", "stop"}
        await page.click(question, "go")
        await page.until(lambda: page.bot("link"), timeout_s=30)
        [video] = page.bot("video")
        await page.click(video, "vertical")
        await page.until(lambda: len(page.bot("link")) == 2, timeout_s=30)
        await settled(app)
        jobs = await app.jobs.recent()
    assert [j.state for j in jobs] == [JobState.DELIVERED, JobState.DELIVERED]
    assert jobs[0].request.params.aspect_ratio == "9:16" and jobs[0].request.prompt == jobs[1].request.prompt


async def test_a_photo_alone_then_words_make_one_video_of_it(tmp_path: Path) -> None:
    async with running_web(tmp_path) as (app, server), Page.opened(server.url) as page:
        await page.say("", [png()])
        await page.until(lambda: len(page.bot("text")) == 2)  # the greeting, then "what shall I do with it?"
        await page.say("make it move")
        await page.until(lambda: page.bot("link"))
        await settled(app)
        [job] = await app.jobs.recent()
    assert job.request.task_type.value == "image_to_video" and job.state is JobState.DELIVERED


@pytest.mark.parametrize(
    ("words", "photos", "task"),
    [
        ("from the first to the last", 2, "first_last_frame_to_video"),
        ("a dancer on a stage in the style of this", 1, "reference_image_to_video"),
    ],
)
async def test_the_photos_and_words_choose_the_kind_of_video(
    tmp_path: Path, words: str, photos: int, task: str
) -> None:
    async with running_web(tmp_path) as (app, server), Page.opened(server.url) as page:
        await page.say(words, [png((64 + n, 48)) for n in range(photos)])
        await page.until(lambda: page.bot("link"))
        await settled(app)
        [job] = await app.jobs.recent()
    assert job.request.task_type.value == task and job.state is JobState.DELIVERED


async def test_a_page_from_another_site_is_refused(tmp_path: Path) -> None:
    async with running_web(tmp_path) as (_, server), Page.opened(server.url) as page:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await page.session.ws_connect(server.url + "/ws", headers={"Origin": "https://evil.example"})
    assert refused.value.status == 403


async def test_a_message_sent_twice_makes_one_job(tmp_path: Path) -> None:
    async with running_web(tmp_path) as (app, server), Page.opened(server.url) as page:
        message_id = await page.say("make a video of a red kite")
        await page.say("make a video of a red kite", message_id=message_id)  # resent after a reconnect
        await page.until(lambda: page.bot("link"))
        assert len(await app.jobs.recent()) == 1
        assert [e["text"] for e in page.entries.values() if e["from"] == "me"] == [
            "make a video of a red kite"
        ]


async def test_a_reload_and_a_restart_show_the_conversation_where_it_is(tmp_path: Path) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with running_web(tmp_path, **SLOW) as (_, server), aiohttp.ClientSession(cookie_jar=jar) as session:
        page = Page(session, server.url)
        await session.get(server.url + "/")
        await page.connect()
        await page.say("make a video of a lighthouse at night #slow")
        await page.until(lambda: page.bot("progress"))
        await page.close()
        cookies = session.cookie_jar.filter_cookies(URL(server.url))
    async with running_web(tmp_path, **SLOW) as (app, server):  # the same data: a restart
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            session.cookie_jar.update_cookies({name: morsel.value for name, morsel in cookies.items()})
            page = Page(session, server.url)
            await page.connect()
            assert [e["text"] for e in page.entries.values() if e["from"] == "me"] == [
                "make a video of a lighthouse at night #slow"
            ]
            assert page.bot("progress") or page.bot("video")  # where it was
            await page.until(lambda: page.bot("link"), timeout_s=30)  # resumed and finished
            await page.close()
        await settled(app)
        [job] = await app.jobs.recent()
        assert job.state is JobState.DELIVERED and len(page.bot("video")) == 1


async def test_the_access_token_guards_everything_when_set(tmp_path: Path) -> None:
    async with running_web(tmp_path, token="let-me-in") as (_, server):
        async with aiohttp.ClientSession() as session:
            async with session.get(server.url + "/") as answer:
                assert answer.status == 401 and "access link" in await answer.text()
            with pytest.raises(aiohttp.WSServerHandshakeError):
                await session.ws_connect(server.url + "/ws")
        async with Page.opened(server.url, query="?token=let-me-in") as page:  # the link sets a cookie
            assert page.bot()[0]["text"].startswith("Hi!")


async def test_listening_beyond_this_machine_needs_a_token(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match="VIDEOBOT_WEB_TOKEN"):
        async with running_web(tmp_path, host="0.0.0.0"):
            pass


async def test_only_the_pages_own_scripts_and_styles_are_served(tmp_path: Path) -> None:
    async with running_web(tmp_path) as (_, server), Page.opened(server.url) as page:
        assert (await page.get("/static/app.js"))[0] == 200 and (await page.get("/static/style.css"))[
            0
        ] == 200
        for path in ("/static/index.html", "/static/../chat.py", "/static/nope.js", "/media/../jobs.sqlite3"):
            assert (await page.get(path))[0] == 404, path
        assert (await page.get("/console/static/console.js"))[0] == 200


async def test_naming_another_persons_video_in_words_does_not_open_it(tmp_path: Path) -> None:
    async with running_web(tmp_path) as (_, server), Page.opened(server.url) as owner:
        await owner.say("make a video of a red kite")
        await owner.until(lambda: owner.bot("link"))
        video = owner.bot("video")[0]["video"]
        async with Page.opened(server.url) as other:
            await other.say(f"make a video of {video} please")
            await other.until(lambda: other.bot("link"))
            assert any(video in e["text"] for e in other.bot())  # the words are echoed back
            assert (await other.get(video))[0] == 404
            assert (await owner.get(video))[0] == 200


async def test_a_blocked_person_is_told_kindly_and_nothing_runs(tmp_path: Path) -> None:
    async with running_web(tmp_path) as (app, server), Page.opened(server.url) as page:
        secret = next(cookie.value for cookie in page.session.cookie_jar if cookie.key == ID_COOKIE)
        operator = ChatRef(platform="cli", chat_id="operator", user_id="root", lang="en")
        await app.conversation.operate(operator, f"/admin block web:{user_id_of(secret)}")
        await app.refresh_access()
        await page.say("make a video of a red kite")
        await page.until(lambda: any("isn't switched on for you" in e["text"] for e in page.bot()))
        assert await app.jobs.recent() == []
