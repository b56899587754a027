"""The terminal session: local image paths become attachments, EOF waits for jobs, cut-off jobs resume."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import pytest

from bot.terminal.session import (
    MAX_IMAGE_BYTES,
    local_images,
    locale_lang,
    run_chat,
    unusable_pictures,
    wait_for_jobs,
)
from bot.wiring import App, build_app
from handlers.inbound import ChatRef
from handlers.jobs import Job, JobState
from messages import help_text, terminal_welcome
from messages.reply import Selection
from providers.types import GenerationRequest, ImageInput, TaskType
from tests.handlers.ledger.factory import make_job
from tests.providers.sandbox.media import solid_png
from tests.support import running_app, settings_for

T2V = TaskType.TEXT_TO_VIDEO


class TtyInput(io.StringIO):
    """Lines typed by a person at a terminal."""

    def isatty(self) -> bool:
        return True


def picture(path: Path, colour: tuple[int, int, int] = (200, 120, 40)) -> Path:
    path.write_bytes(solid_png(colour))
    return path


async def chat(app: App, lines: str, *, jsonl: bool = True, **options: Any) -> list[str]:
    """Run the session to EOF; the bot's output lines."""
    out = io.StringIO()
    stdin = options.pop("stdin", io.StringIO(lines))
    code = await run_chat(app, user="alice", jsonl=jsonl, stdin=stdin, stdout=out, **options)
    assert code == 0
    return out.getvalue().splitlines()


def kinds(lines: list[str]) -> list[str]:
    return [json.loads(line)["kind"] for line in lines]


# -- local image paths -------------------------------------------------------------------------------------


def test_a_local_image_path_becomes_an_attachment(tmp_path: Path) -> None:
    cat = picture(tmp_path / "cat.png")
    text, images = local_images(f"{cat} 让它慢慢动起来")
    assert text == "让它慢慢动起来"
    assert images == (ImageInput(data=cat.read_bytes(), content_type="image/png", filename="cat.png"),)


def test_several_images_keep_their_order_and_types(tmp_path: Path) -> None:
    first = picture(tmp_path / "first.JPG", (10, 10, 10))
    last = picture(tmp_path / "last.png", (250, 250, 250))
    text, images = local_images(f"from {first} to   {last} slowly")
    assert text == "from to slowly"
    assert [(i.filename, i.content_type) for i in images] == [
        ("first.JPG", "image/jpeg"),
        ("last.png", "image/png"),
    ]
    assert images[0].data == first.read_bytes() and images[1].data == last.read_bytes()


def test_a_path_under_home_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    picture(tmp_path / "cat.png")
    text, images = local_images("~/cat.png animate this")
    assert text == "animate this" and len(images) == 1 and images[0].filename == "cat.png"


def test_words_that_are_not_usable_images_stay_text(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not an image", encoding="utf-8")
    (tmp_path / "folder.png").mkdir()
    huge = tmp_path / "huge.png"
    with huge.open("wb") as sparse:
        sparse.truncate(MAX_IMAGE_BYTES + 1)
    line = f"{tmp_path / 'missing.png'} {tmp_path / 'notes.txt'} {tmp_path / 'folder.png'}  {huge} cat.png"
    assert local_images(line) == (line, ())  # unchanged, spacing included


def test_an_image_of_exactly_the_limit_is_taken(tmp_path: Path) -> None:
    limit = tmp_path / "limit.png"
    with limit.open("wb") as sparse:
        sparse.truncate(MAX_IMAGE_BYTES)
    _, images = local_images(str(limit))
    assert len(images) == 1 and images[0].data is not None and len(images[0].data) == MAX_IMAGE_BYTES


# -- the session -------------------------------------------------------------------------------------------


async def test_eof_waits_for_every_job(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, _):
        lines = await chat(app, "做一个小狗在海边奔跑的视频\nmake a video of snow falling\n")
        assert await app.jobs.active("cli:alice") == []
    assert kinds(lines).count("notice") == 2 and kinds(lines).count("link") == 2
    assert kinds(lines)[-1] == "link"


async def test_an_image_path_is_sent_as_the_image(tmp_path: Path) -> None:
    cat = picture(tmp_path / "cat.png")
    async with running_app(tmp_path) as (app, _):
        lines = await chat(app, f"{cat} 让它慢慢动起来\n")
        [job] = await app.jobs.recent(user_key="cli:alice")
    assert job.request.task_type is TaskType.IMAGE_TO_VIDEO and str(cat) not in job.request.prompt
    [image] = job.request.images
    assert image.data == cat.read_bytes() and image.filename == "cat.png"
    assert kinds(lines)[-1] == "link"


async def test_a_missing_image_path_is_named_and_starts_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "missing.png"
    huge = tmp_path / "huge.png"
    with huge.open("wb") as sparse:
        sparse.truncate(MAX_IMAGE_BYTES + 1)
    lines = f"{missing} make a video of a cat\ncat.png 让它动起来\nanimate {huge}\n"
    async with running_app(tmp_path) as (app, _):
        said = [json.loads(line)["text"] for line in await chat(app, lines)]
        jobs = await app.jobs.recent(user_key="cli:alice")
    assert not jobs, "a path is never read as words of a prompt"
    assert said[0] == f"I can't find the picture {missing}; please check the path and send it again 📷"
    assert said[1] == "找不到图片 cat.png,检查一下路径再发一次吧 📷"
    assert said[2] == "That picture is too large (at most 20 MB); please send a smaller one"


def test_unusable_pictures_are_the_image_words_that_cannot_be_read(tmp_path: Path) -> None:
    cat = picture(tmp_path / "cat.png")
    (tmp_path / "folder.png").mkdir()
    line = f"{cat} {tmp_path / 'folder.png'} notes.txt https://example.com/a.png gone.jpg"
    assert unusable_pictures(line) == [(str(tmp_path / "folder.png"), False), ("gone.jpg", False)]


async def test_a_person_at_a_terminal_is_greeted_in_plain_text(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, _):
        greeted = await chat(app, "", jsonl=False, lang="en", stdin=TtyInput(""))
        piped = await chat(app, "", jsonl=False, lang="en")
        programmatic = await chat(app, "", jsonl=True, lang="en", stdin=TtyInput(""))
    assert "\n".join(greeted) == terminal_welcome("en", help_text("en"), offline=True) + "\n"
    assert "This is the offline demo" in "\n".join(greeted) and "Press Ctrl-D to quit" in greeted[-2]
    assert piped == [] and programmatic == []


async def test_the_greeting_speaks_the_terminals_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    async with running_app(tmp_path, VIDEOBOT_LANG="en") as (app, _):
        greeted = "\n".join(await chat(app, "", jsonl=False, stdin=TtyInput("")))
    assert (
        greeted.startswith("👋 我可以帮你用 AI 生成视频")
        and "这是离线演示" in greeted
        and "Ctrl-D" in greeted
    )


def test_the_locale_names_the_language() -> None:
    assert locale_lang({"LANG": "en_US.UTF-8"}) == "en"
    assert locale_lang({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}) == "zh"
    assert locale_lang({"LC_ALL": "fr_FR.UTF-8", "LANG": "zh_CN"}) is None
    assert locale_lang({}) is None


async def test_the_replies_of_a_session_are_plain_text(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, _):
        lines = await chat(app, "make a video of a lantern\n", jsonl=False, lang="en")
    text = "\n".join(lines)
    assert text.startswith("🎬 Starting video generation") and "▶ file://" in text
    assert "\n\n" in text and not text.lstrip().startswith("{")


# -- resuming and waiting ----------------------------------------------------------------------------------


async def recorded_job(app: App, user: str, inbound: str) -> Job:
    """A request recorded before the process stopped, never started."""
    entry = await app.catalogue.entry("wan-2.6", T2V)
    assert entry is not None
    return Job(
        inbound_key=inbound,
        chat=ChatRef(platform="cli", chat_id=user, user_id=user, lang="en"),
        request=GenerationRequest(task_type=T2V, prompt="a lighthouse at dusk"),
        provider=entry.provider,
        offer=entry.offer,
        family=entry.spec.family,
        trait=entry.spec.trait,
        selection=Selection.DEFAULT,
        eta=entry.eta,
        poll_every_s=entry.spec.poll_every_s,
        progress_every_s=entry.spec.progress_every_s,
        timeout_s=entry.spec.timeout_s,
    )


async def test_a_user_who_was_cut_off_gets_their_video(tmp_path: Path) -> None:
    before = build_app(settings_for(tmp_path))
    try:
        mine = await recorded_job(before, "alice", "cli:alice-1")
        theirs = await recorded_job(before, "bob", "cli:bob-1")
        await before.jobs.add(mine)
        await before.jobs.add(theirs)
    finally:
        await before.aclose()
    async with running_app(tmp_path) as (app, _):
        lines = await chat(app, "")  # alice comes back and types nothing
        done = await app.jobs.get(mine.id)
        waiting = await app.jobs.get(theirs.id)
    assert kinds(lines)[0] == "notice" and kinds(lines)[-2:] == ["video", "link"]
    assert done is not None and done.state is JobState.DELIVERED
    assert waiting is not None and waiting.state is JobState.RECEIVED  # bob's session resumes bob's


async def test_wait_for_jobs_waits_for_this_user_only(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, _):
        mine, theirs = make_job(1, user="alice"), make_job(2, user="bob")
        await app.jobs.add(mine)
        await app.jobs.add(theirs)

        async def finish_later() -> None:
            await asyncio.sleep(0.1)
            mine.advance(JobState.FAILED)
            await app.jobs.save(mine)

        finisher = asyncio.create_task(finish_later())
        async with asyncio.timeout(5):
            await wait_for_jobs(app, "cli:alice", check_every_s=0.01)
        assert finisher.done()
        async with asyncio.timeout(1):
            await wait_for_jobs(app, "cli:carol")  # nothing running: at once
        assert await app.jobs.active("cli:bob")


async def test_a_jsonl_session_steers_its_videos(tmp_path: Path) -> None:
    """Issue 12 through the terminal's JSON lines: status with a Cancel button, a cancel, the history,
    a queue over the limit, and a follow-up by words."""
    lines = (
        "make a video of a kite #slow\nmake a video of a boat #slow\nstatus\ncancel\n2\n"
        "make a video of a hill\nagain\nmy videos\n"
    )
    async with running_app(tmp_path, VIDEOBOT_MAX_JOBS_PER_USER=1) as (app, _):
        said = [json.loads(line) for line in await chat(app, lines, lang="en")]
        jobs = await app.jobs.recent(user_key="cli:alice")
    queued = next(r for r in said if r["text"].startswith("⏳ Queued"))
    assert [b["action"] for b in queued["buttons"]] == ["cancel"]
    status = next(r for r in said if r["text"].startswith("Your videos in progress:"))
    assert "waiting in line, number 1" in status["text"] and len(status["buttons"]) == 2
    menu = next(r for r in said if r["text"].startswith("You have 2 videos in progress."))
    assert [b["label"] for b in menu["buttons"]] == ["Cancel 1", "Cancel 2"]
    assert any(r["kind"] == "cancelled" for r in said)
    videos = [r for r in said if r["kind"] == "video"]
    assert videos and [b["action"] for b in videos[0]["buttons"]] == ["again", "another", "vertical"]
    history = next(r for r in said if r["text"].startswith("Your latest videos:"))
    assert "⏹ cancelled" in history["text"]
    states = [job.state.value for job in jobs]
    assert states.count("cancelled") == 1 and states.count("delivered") == 3
