"""The terminal chat end to end against the fake IMA Studio on 127.0.0.1: in process and as a subprocess."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.terminal import run_chat
from bot.wiring import build_app
from messages.reply import ReplyKind
from providers.types import TaskType
from tests.fakes.ima import DEFAULT_KEY, FakeIma
from tests.fakes.server import serve
from tests.support import Chat, running_app, settings_for

ROOT = Path(__file__).resolve().parents[2]
Json = dict[str, Any]


@pytest.fixture
async def ima() -> AsyncIterator[tuple[FakeIma, str]]:
    fake = FakeIma()
    async with serve(fake.app()) as url:
        yield fake, url


def ima_env(url: str, key: str = DEFAULT_KEY) -> dict[str, Any]:
    return {"IMA_API_KEY": key, "IMA_BASE_URL": url, "IMA_UPLOAD_BASE_URL": url}


async def public_dns(host: str) -> list[str]:
    """A resolver for a machine with no network: every name is a public host (example.com's address)."""
    return ["93.184.216.34"]


async def chat(
    tmp_path: Path, url: str, lines: str, *, user: str = "alice", **env: Any
) -> list[dict[str, Any]]:
    """Run the terminal chat in process with --jsonl; return the bot's messages."""
    app = build_app(settings_for(tmp_path, **{**ima_env(url), **env}), resolve=public_dns)
    app.start()
    out = io.StringIO()
    try:
        code = await run_chat(app, user=user, jsonl=True, stdin=io.StringIO(lines), stdout=out)
    finally:
        await app.aclose()
    assert code == 0
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def kinds(messages: list[dict[str, Any]]) -> list[str]:
    return [m["kind"] for m in messages]


async def test_text_to_video_zh_success_with_live_price(tmp_path: Path, ima: tuple[FakeIma, str]) -> None:
    fake, url = ima
    messages = await chat(tmp_path, url, "做一个小狗在海边奔跑的视频\n")
    assert kinds(messages)[0] == "notice" and kinds(messages)[-2:] == ["video", "link"]
    notice = messages[0]["text"]
    # the live list prices Wan 2.6 at its default (1080P, 5 s): the cost shown is the credit sent
    assert "Wan 2.6" in notice and "消耗积分:40 pts" in notice
    assert "预计耗时:300 ~ 420 秒" in notice  # the live estimate wins over the seed table
    body = fake.calls("create")[0].body
    assert (
        body["parameters"][0]["credit"] == 40
        and body["parameters"][0]["parameters"]["prompt"] == "小狗在海边奔跑"
    )
    video = messages[-2]
    assert video["url"].startswith(url) and video["cover"].startswith(url)
    assert video["url"] in messages[-1]["text"]
    assert len(fake.calls("create")) == 1


async def test_english_and_image_url_pasted_in_text(tmp_path: Path, ima: tuple[FakeIma, str]) -> None:
    fake, url = ima
    messages = await chat(tmp_path, url, "https://example.com/cat.jpg animate this, slow pan\n")
    assert messages[0]["text"].startswith("🎬 Starting video generation")
    body = fake.calls("create")[0].body
    assert body["task_type"] == "image_to_video"
    assert body["src_img_url"] == ["https://example.com/cat.jpg"]
    assert body["parameters"][0]["parameters"]["input_images"] == ["https://example.com/cat.jpg"]
    assert not fake.calls("upload_token"), "a public https image is used as is"
    assert kinds(messages)[-1] == "link"


@pytest.mark.parametrize(
    ("prompt", "reason"),
    [
        ("ima-fail a cat", "视频生成遇到问题,建议换个模型试试"),
        ("ima-status-failed a cat", "视频生成遇到问题"),
        ("ima-policy a cat", "提示词"),
        ("ima-reject-policy a cat", "提示词"),
        ("ima-429 a cat", "请求过于频繁,请稍等片刻再试"),
        ("ima-503 a cat", "当前模型暂时不可用,建议换个模型"),
    ],
)
async def test_every_failure_is_translated_with_alternatives(
    tmp_path: Path, ima: tuple[FakeIma, str], prompt: str, reason: str
) -> None:
    _, url = ima
    messages = await chat(tmp_path, url, f"做一个视频 {prompt}\n")
    failure = messages[-1]
    assert failure["kind"] == "failure" and reason in failure["text"]
    assert "建议改用" in failure["text"] and len(failure["buttons"]) == 2
    assert "pts" in failure["text"]  # alternatives are priced from the live list
    for word in ("6006", "HTTP", "429", "503", "resource_status", "Error", "API"):
        assert word not in failure["text"]


async def test_out_of_credits_suggests_no_model_on_the_same_account(
    tmp_path: Path, ima: tuple[FakeIma, str]
) -> None:
    """Another model on the same empty account would fail the same way: none is offered, no button."""
    _, url = ima
    messages = await chat(tmp_path, url, "做一个视频 ima-broke a cat\n")
    failure = messages[-1]
    assert failure["kind"] == "failure" and "积分" in failure["text"] and "建议改用" not in failure["text"]
    assert failure["text"].endswith("请稍后再试 🙏") and not failure.get("buttons")


async def test_an_unreadable_create_answer_is_reported_honestly(
    tmp_path: Path, ima: tuple[FakeIma, str]
) -> None:
    fake, url = ima
    messages = await chat(tmp_path, url, "做一个视频 ima-malformed a cat\n")
    last = messages[-1]
    assert last["kind"] == "failure" and "可能已经下单并扣了积分" in last["text"] and not last.get("buttons")
    assert len(fake.calls("create")) == 1  # never sent again blindly


async def test_wrong_key_is_an_administrator_problem(tmp_path: Path, ima: tuple[FakeIma, str]) -> None:
    _, url = ima
    messages = await chat(tmp_path, url, "做一个小猫的视频\n", IMA_API_KEY="ima_wrong_key")
    assert "管理员" in messages[-1]["text"]  # told before anything is spent
    assert "ima_wrong_key" not in json.dumps(messages, ensure_ascii=False)


async def test_transient_poll_errors_are_ridden_out(tmp_path: Path, ima: tuple[FakeIma, str]) -> None:
    _, url = ima
    messages = await chat(
        tmp_path,
        url,
        "make a video of a kite ima-poll-429\nmake a video of a kite ima-poll-503\n",
        VIDEOBOT_LANG="en",
    )
    assert kinds(messages).count("link") == 2 and "failure" not in kinds(messages)


async def test_stale_price_is_refreshed_and_the_create_retried_once(
    tmp_path: Path, ima: tuple[FakeIma, str]
) -> None:
    fake, url = ima
    app = build_app(settings_for(tmp_path, **ima_env(url)))
    app.start()
    try:
        await app.catalogue.entries(TaskType.TEXT_TO_VIDEO)  # warm the cache
        fake.raise_prices(5)
        out = io.StringIO()
        await run_chat(
            app, jsonl=True, stdin=io.StringIO("make a video of a lighthouse at dusk\n"), stdout=out
        )
    finally:
        await app.aclose()
    messages = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(fake.calls("create")) == 2 and kinds(messages)[-1] == "link"
    # the caption states the credits actually sent
    assert "45 pts" in messages[-2]["text"]


async def test_timeout_ends_in_a_friendly_message(tmp_path: Path) -> None:
    fake = FakeIma(processing_s=30)
    async with serve(fake.app()) as url:
        messages = await chat(tmp_path, url, "make a video of a glacier\n", VIDEOBOT_LANG="en")
    failure = messages[-1]
    assert failure["kind"] == "failure" and "took too long" in failure["text"]
    assert "Vidu Q2" in failure["text"]  # timeouts suggest faster models


async def test_preference_saved_used_and_announced(tmp_path: Path, ima: tuple[FakeIma, str]) -> None:
    fake, url = ima
    messages = await chat(tmp_path, url, "always use Kling O1\nmake a video of a fox\n")
    assert "From now on I'll use Kling O1" in messages[0]["text"]
    notice = next(m for m in messages if m["kind"] == "notice")
    assert "Kling O1" in notice["text"] and "usual" in notice["text"]
    assert fake.calls("create")[0].body["parameters"][0]["model_id"] == "kling-video-o1"
    saved = json.loads((tmp_path / "prefs.json").read_text(encoding="utf-8"))
    assert saved["user_cli:alice"]["text_to_video"]["model_id"] == "kling-video-o1"


async def test_cheapest_is_not_saved(tmp_path: Path, ima: tuple[FakeIma, str]) -> None:
    fake, url = ima
    messages = await chat(tmp_path, url, "用便宜的\n做一个海浪的视频\n")
    notice = next(m for m in messages if m["kind"] == "notice")
    assert "Vidu Q2" in notice["text"] and "最省钱" in notice["text"]
    assert fake.calls("create")[0].body["parameters"][0]["model_id"] == "viduq2"
    assert (
        not (tmp_path / "prefs.json").exists()
        or "user_cli:alice" not in (tmp_path / "prefs.json").read_text()
    )


async def test_two_users_at_once(tmp_path: Path, ima: tuple[FakeIma, str]) -> None:
    fake, url = ima
    async with running_app(tmp_path, **ima_env(url)) as (app, channel):
        ann, ben = Chat(app, "ann"), Chat(app, "ben")
        await asyncio.gather(ann.say("做一个日落的视频"), ben.say("make a video of snow"))
        await asyncio.gather(ann.settle(), ben.settle())
    assert len(fake.calls("create")) == 2
    assert channel.kinds("ann")[-1] is ReplyKind.LINK and channel.kinds("ben")[-1] is ReplyKind.LINK


async def test_subprocess_against_the_fake(tmp_path: Path, ima: tuple[FakeIma, str]) -> None:
    fake, url = ima
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("IMA_", "VIDEOBOT_"))}
    env = {**clean, **ima_env(url), "VIDEOBOT_DATA_DIR": str(tmp_path), "VIDEOBOT_TIME_SCALE": "0.002"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "chat", "--user", "sub", "--jsonl",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=env, cwd=ROOT,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate("做一个小狗的视频\n".encode()), 60)
    assert process.returncode == 0, stderr.decode()
    messages = [json.loads(line) for line in stdout.decode().splitlines() if line.strip()]
    assert kinds(messages)[-2:] == ["video", "link"] and len(fake.calls("create")) == 1
    assert DEFAULT_KEY not in stdout.decode() + stderr.decode()
