"""The web chat in a real headless Chromium, end to end: a request's card moving through the protocol,
the sandbox's MP4 playing in a ``<video>``, retry after a failure, cancel, a photo by the picker and by
drag and drop, and a reload mid-job. Screenshots of each are kept (``.artifacts/browser``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from bot.wiring import App
from handlers.jobs import JobState
from tests.bot.web.browser import artifacts, chromium
from tests.bot.web.support import running_web, settled

if TYPE_CHECKING:
    from playwright.async_api import Page

SLOW: dict[str, Any] = {"VIDEOBOT_TIME_SCALE": 0.02}
CARD = ".msg.bot[data-job]"


@asynccontextmanager
async def opened(tmp_path: Path, **values: Any) -> AsyncIterator[tuple[App, Page]]:
    async with running_web(tmp_path, **values) as (app, server), chromium() as browser:
        page = await browser.new_page(locale="en-US", viewport={"width": 1000, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(server.url + "/")
        await page.wait_for_selector(".msg.bot")  # the greeting: connected
        yield app, page
        assert errors == []


async def ask(page: Page, words: str) -> None:
    await page.fill("#text", words)
    await page.press("#text", "Enter")


async def shot(page: Page, name: str) -> None:
    await page.screenshot(path=artifacts() / f"{name}.png")


def photo(path: Path) -> Path:
    Image.new("RGB", (96, 64), (30, 120, 200)).save(path)
    return path


async def test_a_request_moves_through_the_protocol_and_the_video_plays(tmp_path: Path) -> None:
    # The notice stands 1.5 s before the first progress edit: time enough to see it on a busy machine.
    async with opened(tmp_path, VIDEOBOT_TIME_SCALE=0.05) as (app, page):
        await ask(page, "make a video of a puppy running on a beach")
        card = page.locator(CARD).first
        await card.and_(page.locator('[data-kind="notice"]')).wait_for()
        assert "Estimated time" in await card.inner_text() and "Credits: free" in await card.inner_text()
        await shot(page, "1-notice")
        await page.locator(f'{CARD}[data-kind="progress"] .bar').wait_for()
        await shot(page, "2-progress")
        await page.locator(f'{CARD}[data-kind="video"] video').wait_for(timeout=30_000)
        video = page.locator("video")
        # Polled from here: the page's CSP rightly forbids the eval that a polled script would need.
        async with asyncio.timeout(20):
            while await video.evaluate("v => v.readyState") < 1:
                await asyncio.sleep(0.05)
        ready, duration, poster = await video.evaluate("v => [v.readyState, v.duration, v.poster]")
        assert ready >= 1 and duration > 1 and "/media/" in poster
        link = page.locator(".msg.bot a[href^='/media/']").last
        await link.wait_for()
        assert (await link.inner_text()).startswith("http://127.0.0.1:")
        status = page.locator('[data-kind="notice"], [data-kind="progress"]')
        assert await status.count() == 0  # the status card became the video
        await shot(page, "3-video")
        await settled(app)


async def test_retry_after_a_failure_and_cancel_a_running_job(tmp_path: Path) -> None:
    async with opened(tmp_path, **SLOW) as (app, page):
        await ask(page, "make a video of a storm #fail")
        await page.locator(f'{CARD}[data-kind="failure"]').wait_for(timeout=30_000)
        await shot(page, "4-failure")
        await page.locator('[data-kind="failure"] button[data-action="retry"]').first.click()
        await page.locator(f'{CARD}[data-kind="failure"]').nth(1).wait_for(timeout=30_000)  # #fail again
        await ask(page, "make a video of a slow glacier #slow")
        running = page.locator(f'{CARD}[data-kind="progress"]')
        await running.wait_for(timeout=30_000)
        await running.locator('button[data-action="cancel"]').click()
        await page.locator(f'{CARD}[data-kind="cancelled"]').wait_for()
        await shot(page, "5-cancelled")
        await settled(app)
        states = [job.state for job in await app.jobs.recent()]
    assert states == [JobState.CANCELLED, JobState.FAILED, JobState.FAILED]


async def test_photos_by_the_picker_by_drag_and_drop_and_by_paste_make_image_to_video_jobs(
    tmp_path: Path,
) -> None:
    picture = photo(tmp_path / "beach.png")
    async with opened(tmp_path) as (app, page):
        await page.set_input_files("#picker", picture)
        await page.locator("#photos img").wait_for()
        await ask(page, "animate this")
        await page.locator(".msg.me .chip").wait_for()
        await page.locator(f'{CARD}[data-kind="video"] video').wait_for(timeout=30_000)
        await shot(page, "6-photo")
        await page.evaluate(
            """async () => {
                const blob = await (await fetch(document.querySelector('video').poster)).blob();
                const data = new DataTransfer();
                data.items.add(new File([blob], 'dropped.jpg', { type: 'image/jpeg' }));
                window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true }));
            }"""
        )
        await page.locator("#photos img").wait_for()
        await ask(page, "animate this")
        await page.locator(".msg.me .chip", has_text="dropped.jpg").wait_for()
        await page.evaluate(
            """async () => {
                const blob = await (await fetch(document.querySelector('video').poster)).blob();
                const data = new DataTransfer();
                data.items.add(new File([blob], 'pasted.jpg', { type: 'image/jpeg' }));
                const text = document.getElementById('text');
                text.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
            }"""
        )
        await page.locator("#photos img").wait_for()
        await ask(page, "animate this")
        await page.locator(".msg.me .chip", has_text="pasted.jpg").wait_for()
        await settled(app)
        tasks = [job.request.task_type.value for job in await app.jobs.recent()]
    assert tasks == ["image_to_video"] * 3


async def test_a_reload_mid_job_finds_it_again(tmp_path: Path) -> None:
    async with opened(tmp_path, **SLOW) as (app, page):
        await ask(page, "make a video of a lighthouse at night #slow")
        await page.locator(f'{CARD}[data-kind="progress"]').wait_for(timeout=30_000)
        await page.reload()
        await page.locator(".msg.me", has_text="lighthouse").wait_for()
        await page.locator(CARD).wait_for()
        await shot(page, "7-reloaded")
        await page.locator(f'{CARD}[data-kind="video"] video').wait_for(timeout=60_000)
        await settled(app)
        [job] = await app.jobs.recent()
    assert job.state is JobState.DELIVERED


async def test_the_page_says_why_a_file_is_not_added(tmp_path: Path) -> None:
    huge, text = tmp_path / "huge.png", tmp_path / "notes.txt"
    huge.write_bytes(b"\x89PNG" + bytes(21 * 1024 * 1024))
    text.write_text("not a picture")
    async with opened(tmp_path) as (app, page):
        await page.set_input_files("#picker", huge)
        await page.locator("#note", has_text="at most 20 MB").wait_for()
        await page.set_input_files("#picker", text)
        await page.locator("#note", has_text="Only pictures can be added.").wait_for()
        assert await page.locator("#photos img").count() == 0 and await app.jobs.recent() == []
