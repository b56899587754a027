"""Every provider through the whole conversation, routing and pinning, failover, balances (issue 6)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from messages.reply import ReplyKind
from providers.types import ImageInput
from tests.fakes.aims import FakeAims
from tests.fakes.aivideomaker import FakeAivideomaker
from tests.fakes.ima import DEFAULT_KEY as IMA_KEY
from tests.fakes.ima import FakeIma
from tests.fakes.mediaio import FakeMediaio
from tests.fakes.mythiq import FakeMythiq
from tests.fakes.server import serve
from tests.support import Chat, running_app

K = ReplyKind
KEYS = {
    "ima": IMA_KEY,
    "mediaio": "mediaio-test-key",
    "aivideomaker": "ak_test_key",
    "aims": "aims_test_key",
    "mythiq": "mythiq_test_key",
}
API_PATHS = {"aims": "/api/v1", "mythiq": "/v1"}  # their base URLs carry the API's path
FAKES: dict[str, Callable[[], Any]] = {
    "ima": FakeIma,
    "mediaio": FakeMediaio,
    "aivideomaker": FakeAivideomaker,
    "aims": FakeAims,
    "mythiq": FakeMythiq,
}


@asynccontextmanager
async def providers(*names: str) -> AsyncIterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Start the named fakes; yield them and the settings that point the app at them (in that order)."""
    fakes: dict[str, Any] = {}
    env: dict[str, Any] = {"VIDEOBOT_PROVIDER_ORDER": ",".join(names)}
    async with AsyncExitStack() as stack:
        for name in names:
            fake = fakes[name] = FAKES[name]()
            app: web.Application = fake.app()
            url = await stack.enter_async_context(serve(app))
            env[f"{name.upper()}_API_KEY"] = KEYS[name]
            env[f"{name.upper()}_BASE_URL"] = url + API_PATHS.get(name, "")
            if name == "ima":
                env["IMA_UPLOAD_BASE_URL"] = url
        yield fakes, env


@pytest.mark.parametrize("name", ["ima", "mediaio", "aivideomaker", "aims", "mythiq"])
async def test_the_chat_runs_end_to_end_on_each_provider(tmp_path: Path, name: str) -> None:
    async with providers(name) as (_, env), running_app(tmp_path, **env) as (app, channel):
        user = Chat(app, "ann", lang="en")
        await user.say("make a video of a paper boat on a pond")
        await user.settle(60)
    kinds = channel.kinds("ann")
    assert kinds[0] is K.NOTICE and kinds[-2:] == [K.VIDEO, K.LINK], channel.texts("ann")
    assert channel.of("ann")[-2].video_url


async def test_a_named_provider_pins_the_request(tmp_path: Path) -> None:
    async with providers("ima", "mediaio") as (fakes, env), running_app(tmp_path, **env) as (app, channel):
        user = Chat(app, "bo")
        await user.say("用 Media.io 的 Wan 2.6 做一个小狗的视频")
        await user.settle(60)
    assert fakes["mediaio"].generation_requests() and not fakes["ima"].calls("create")
    assert channel.kinds("bo")[-1] is K.LINK


async def test_a_provider_without_the_model_says_so(tmp_path: Path) -> None:
    async with providers("ima", "mediaio") as (_, env), running_app(tmp_path, **env) as (app, channel):
        user = Chat(app, "cy", lang="en")
        await user.say("make a video of a kite with Sora 2 Pro on Media.io")
    assert "doesn't offer Sora 2 Pro" in channel.texts("cy")
    assert K.NOTICE not in channel.kinds("cy")


async def test_failover_before_a_task_exists_is_told_in_one_line(tmp_path: Path) -> None:
    async with providers("ima", "mediaio") as (fakes, env), running_app(tmp_path, **env) as (app, channel):
        user = Chat(app, "di", lang="en")
        await user.say("make a video of a lighthouse ima-503")
        await user.settle(60)
    texts = channel.texts("di")
    assert "IMA Studio is busy right now, so Wan 2.6 runs on Media.io instead" in texts
    assert len(fakes["ima"].calls("create")) == 1 and len(fakes["mediaio"].generation_requests()) == 1
    assert channel.kinds("di")[-1] is K.LINK


async def test_no_failover_once_a_task_exists(tmp_path: Path) -> None:
    async with providers("ima", "mediaio") as (fakes, env), running_app(tmp_path, **env) as (app, channel):
        user = Chat(app, "ed", lang="en")
        await user.say("make a video of a lighthouse ima-fail")
        await user.settle(60)
    assert channel.kinds("ed")[-1] is K.FAILURE
    assert not fakes["mediaio"].generation_requests(), "a created task is never re-created elsewhere"


async def test_balances_in_chat(tmp_path: Path) -> None:
    async with providers("ima", "mediaio") as (_, env), running_app(tmp_path, **env) as (app, channel):
        user = Chat(app, "fay")
        await user.say("余额")
    text = channel.texts("fay")
    assert "Media.io:1000 credits" in text.replace("积分", "credits") or "Media.io:1000" in text
    assert "IMA Studio:暂时查不到" in text


async def test_credits_command(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    async with providers("ima", "mediaio") as (_, env):
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("IMA_", "VIDEOBOT_", "MEDIAIO_"))}
        settings = {k: str(v) for k, v in env.items()} | {
            "VIDEOBOT_LANG": "en",
            "VIDEOBOT_DATA_DIR": str(tmp_path),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "credits", cwd=root, env={**clean, **settings},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    lines = out.decode().splitlines()
    assert lines[0].startswith("ima") and "unknown" in lines[0]
    assert lines[1].startswith("mediaio") and "1000 credits" in lines[1]
    assert KEYS["mediaio"] not in out.decode() + err.decode()


async def test_an_image_host_lets_media_io_take_a_chat_photo(tmp_path: Path) -> None:
    from tests.providers.sandbox.media import solid_png

    photo = ImageInput(data=solid_png((40, 90, 200)), content_type="image/png")
    async with providers("ima", "mediaio") as (fakes, env):
        for host in (None, "ima"):
            settings = {**env, "VIDEOBOT_IMAGE_HOST": host} if host else env
            async with running_app(tmp_path / str(host), **settings) as (app, channel):
                user = Chat(app, "gus")
                await user.say("用 Media.io 的 Wan 2.6 让它动起来", images=(photo,))
                await user.settle(60)
            if host is None:  # Media.io takes only public URLs: it cannot serve a photo held as bytes
                assert "Media.io 只接受网络图片链接" in channel.texts("gus")
                assert K.NOTICE not in channel.kinds("gus")
            else:
                assert channel.kinds("gus")[-1] is K.LINK
    sent = fakes["mediaio"].generation_requests()
    assert len(sent) == 1 and sent[0].body["data"]["image"] in fakes["ima"].uploads
