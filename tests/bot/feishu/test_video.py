"""The video step: an MP4 Feishu plays (re-encoded when too large or not H.264), or a card, never silence."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import imageio_ffmpeg
import pytest
from aiohttp import web

from bot.feishu.api import FeishuApi
from bot.feishu.channel import FeishuChannel
from bot.feishu.errors import FeishuError
from bot.feishu.patcher import CardPatcher
from bot.feishu.settings import FeishuTuning
from bot.feishu.tokens import TenantTokens
from bot.videofiles import VideoSources
from handlers.inbound import ChatRef
from messages.reply import Reply, ReplyKind
from tests.bot.feishu.harness import ALICE, FAST
from tests.fakes.feishu import GROUP, FakeFeishu
from tests.fakes.feishu.content import card_buttons, card_text
from tests.fakes.feishu.state import Message
from tests.fakes.server import serve

JOB = "job_0123456789abcdef"
MB = 1024 * 1024


def make_video(path: Path, *, seconds: int = 2, codec: str = "libx264", bitrate: str | None = None) -> Path:
    """A real test-pattern video with sound; a constant ``bitrate`` makes it as large as wanted."""
    size = (
        [
            "-x264-params",
            "nal-hrd=cbr",
            "-b:v",
            bitrate,
            "-minrate",
            bitrate,
            "-maxrate",
            bitrate,
            "-bufsize",
            bitrate,
        ]
        if bitrate
        else []
    )
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
            "-t", str(seconds), "-c:v", codec, "-preset", "ultrafast", *size,
            "-pix_fmt", "yuv420p", "-c:a", "aac", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def huge_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(tmp_path_factory.mktemp("videos") / "huge.mp4", seconds=4, bitrate="88M")


@dataclass
class Setup:
    fake: FakeFeishu
    api: FeishuApi
    channel: FeishuChannel
    chat: ChatRef
    videos: Path
    card_id: str

    async def deliver(self, video_url: str | None) -> list[Message]:
        reply = Reply(kind=ReplyKind.VIDEO, text="✅ Your video is ready!", job_id=JOB, video_url=video_url)
        await self.channel.send(self.chat, reply, replace=self.card_id)
        return [m for m in self.fake.state.sends if m.message_id != self.card_id]


@asynccontextmanager
async def cdn(clip: Path) -> AsyncIterator[str]:
    """A web server with ``clip`` at ``/clip.mp4``; yields its URL."""

    async def send(_: web.Request) -> web.FileResponse:
        return web.FileResponse(clip)

    files = web.Application()
    files.router.add_get("/clip.mp4", send)
    async with serve(files) as url:
        yield f"{url}/clip.mp4"


@asynccontextmanager
async def video_channel(
    tmp_path: Path, tuning: FeishuTuning = FAST, *, trusted: str | None = None
) -> AsyncIterator[Setup]:
    """The channel; ``trusted``: a plain-http origin the operator configured (a local test server)."""
    fake = FakeFeishu()
    videos = tmp_path / "videos"
    videos.mkdir()
    async with serve(fake.app()) as url, httpx.AsyncClient() as http:
        api = FeishuApi(
            http,
            TenantTokens(http, url, fake.app_id, fake.app_secret),
            domain=url,
            app_id=fake.app_id,
            tuning=FAST,
        )
        sources = VideoSources.of(videos, [trusted] if trusted else [])
        channel = FeishuChannel(api, CardPatcher(api, tuning), http, tuning, sources=sources)
        asked = fake.text("a video")["event"]["message"]["message_id"]
        chat = ChatRef(platform="feishu", chat_id=GROUP, user_id=ALICE, reply_to=asked, lang="en")
        card_id = await channel.send(chat, Reply(kind=ReplyKind.NOTICE, text="🎬 Starting", job_id=JOB))
        assert card_id is not None
        try:
            yield Setup(fake, api, channel, chat, videos, card_id)
        finally:
            await channel.aclose()


def uploaded_video(setup: Setup, message: Message) -> tuple[bytes, int | None, bytes]:
    content = json.loads(message.content)
    video, cover = (
        setup.fake.state.uploads[content["file_key"]],
        setup.fake.state.uploads[content["image_key"]],
    )
    return video.data, video.duration_ms, cover.data


async def test_a_40_mb_result_is_reencoded_under_30_mb(tmp_path: Path, huge_video: Path) -> None:
    async with video_channel(tmp_path) as setup:
        local = setup.videos / "huge.mp4"
        local.write_bytes(huge_video.read_bytes())
        assert local.stat().st_size > 40 * MB
        (media,) = await setup.deliver(local.as_uri())
        assert media.msg_type == "media"
        data, duration_ms, cover = uploaded_video(setup, media)
        assert len(data) <= 30 * MB and data[4:8] == b"ftyp" and duration_ms == 4000
        assert cover.startswith(b"\xff\xd8")  # a JPEG frame
        assert "Your video is ready" in card_text(setup.fake.state.messages[setup.card_id].body)


async def test_a_small_h264_mp4_is_sent_as_it_is(tmp_path: Path) -> None:
    async with video_channel(tmp_path) as setup:
        clip = make_video(setup.videos / "clip.mp4")
        (media,) = await setup.deliver(clip.as_uri())
        data, duration_ms, _ = uploaded_video(setup, media)
        assert data == clip.read_bytes() and duration_ms == 2000


async def test_another_codec_is_reencoded_to_h264(tmp_path: Path) -> None:
    async with video_channel(tmp_path) as setup:
        clip = make_video(setup.videos / "clip.mp4", codec="mpeg4")
        (media,) = await setup.deliver(clip.as_uri())
        data, _, _ = uploaded_video(setup, media)
        assert data != clip.read_bytes() and b"avc1" in data[:200_000]


async def test_a_web_video_is_streamed_and_the_card_opens_it(tmp_path: Path) -> None:
    async with cdn(make_video(tmp_path / "clip.mp4")) as url, video_channel(tmp_path, trusted=url) as setup:
        (media,) = await setup.deliver(url)
        assert media.msg_type == "media"
        (button,) = card_buttons(setup.fake.state.messages[setup.card_id].body)
        assert button["behaviors"][0] == {"type": "open_url", "default_url": url}


async def test_what_cannot_play_becomes_a_card_with_the_cover_and_a_link(tmp_path: Path) -> None:
    async with cdn(make_video(tmp_path / "clip.mp4")) as url, video_channel(tmp_path, trusted=url) as setup:
        setup.fake.api.fail("file", status=400, code=234006, msg="The file size exceeds the limit.")
        (card,) = await setup.deliver(url)
        body = json.loads(card.content)
        assert card.msg_type == "interactive" and "can't be played here" in card_text(body)
        assert [e["tag"] for e in body["body"]["elements"]] == [
            "img",
            "markdown",
            "button",
        ]  # cover, words, link


async def test_a_download_past_its_cap_is_stopped_and_linked(tmp_path: Path) -> None:
    small = dataclasses.replace(FAST, max_download_bytes=10_000)
    async with (
        cdn(make_video(tmp_path / "clip.mp4")) as url,
        video_channel(tmp_path, small, trusted=url) as setup,
    ):
        (card,) = await setup.deliver(url)
        (button,) = card_buttons(json.loads(card.content))
        assert button["behaviors"][0]["default_url"] == url and not setup.fake.state.calls_to("file")


async def test_a_plain_http_video_from_an_origin_we_never_configured_is_not_fetched(tmp_path: Path) -> None:
    async with cdn(make_video(tmp_path / "clip.mp4")) as url, video_channel(tmp_path) as setup:
        (card,) = await setup.deliver(url)
        body = json.loads(card.content)
        assert card.msg_type == "interactive" and "couldn't be played here" in card_text(body)
        assert card_buttons(body) == [] and url not in card.content  # neither fetched nor offered
        assert not setup.fake.state.calls_to("file")


@pytest.mark.parametrize("where", ["garbage", "outside", "missing", "none"])
async def test_unplayable_local_results_still_get_a_card(tmp_path: Path, where: str) -> None:
    async with video_channel(tmp_path) as setup:
        garbage = setup.videos / "broken.mp4"
        garbage.write_bytes(b"\x00not a video at all" * 100)
        outside = make_video(tmp_path / "elsewhere.mp4")
        url = {
            "garbage": garbage.as_uri(),
            "outside": outside.as_uri(),
            "missing": (setup.videos / "gone.mp4").as_uri(),
            "none": None,
        }[where]
        (card,) = await setup.deliver(url)
        assert card.msg_type == "interactive" and "couldn't be played here" in card_text(
            json.loads(card.content)
        )
        assert not setup.fake.state.calls_to("file")


async def test_the_fake_refuses_an_mp4_sent_as_a_file_like_feishu(tmp_path: Path) -> None:
    async with video_channel(tmp_path) as setup:
        clip = make_video(setup.videos / "clip.mp4").read_bytes()
        file_key = await setup.api.upload_video(clip, "clip.mp4", 2000)
        with pytest.raises(FeishuError) as refused:
            await setup.api.reply(setup.chat.reply_to or "", "file", {"file_key": file_key}, "job_y:video")
        assert refused.value.code == 230055
