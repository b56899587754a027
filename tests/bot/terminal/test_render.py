"""How replies look in a terminal: text for people, one JSON object per line for programs."""

from __future__ import annotations

import io
import json

from bot.terminal.render import TerminalChannel, as_json, as_text
from handlers.inbound import ChatRef
from messages.reply import Button, Reply, ReplyKind

CHAT = ChatRef(platform="cli", chat_id="alice", user_id="alice")
VIDEO = Reply(
    kind=ReplyKind.VIDEO,
    text="✅ 视频生成成功!\n• 模型:Wan 2.6",
    job_id="job_1",
    video_url="file:///tmp/videos/sbx_1.mp4",
    cover_url="file:///tmp/videos/sbx_1.jpg",
    duration_s=5.0,
)
FAILURE = Reply(
    kind=ReplyKind.FAILURE,
    text="❌ Video generation failed",
    job_id="job_2",
    buttons=(
        Button(label="Retry with Hailuo 2.0", action="retry", job_id="job_2", model_key="hailuo-2.0"),
        Button(label="Open video", action="open", url="https://example.com/v.mp4"),
    ),
)


def test_text_is_the_reply_text() -> None:
    assert as_text(Reply(kind=ReplyKind.TEXT, text="hello\nthere")) == "hello\nthere"
    assert as_text(FAILURE) == "❌ Video generation failed"  # buttons have no place in plain text


def test_a_video_shows_its_url_first() -> None:
    assert as_text(VIDEO) == "▶ file:///tmp/videos/sbx_1.mp4\n✅ 视频生成成功!\n• 模型:Wan 2.6"
    assert as_text(Reply(kind=ReplyKind.VIDEO, text="ready")) == "ready"


def test_json_of_a_plain_reply_has_kind_and_text_only() -> None:
    assert json.loads(as_json(Reply(kind=ReplyKind.TEXT, text="hi"))) == {"kind": "text", "text": "hi"}


def test_json_of_a_video_has_its_media() -> None:
    line = as_json(VIDEO)
    assert "\n" not in line and "视频生成成功" in line  # one line, readable UTF-8
    assert json.loads(line) == {
        "kind": "video",
        "text": VIDEO.text,
        "job_id": "job_1",
        "url": "file:///tmp/videos/sbx_1.mp4",
        "cover": "file:///tmp/videos/sbx_1.jpg",
        "duration": 5.0,
    }


def test_json_keeps_a_zero_duration() -> None:
    reply = Reply(kind=ReplyKind.VIDEO, text="ready", video_url="https://v", duration_s=0.0)
    assert json.loads(as_json(reply))["duration"] == 0.0


def test_json_of_a_failure_carries_its_buttons() -> None:
    record = json.loads(as_json(FAILURE))
    assert record["kind"] == "failure" and record["job_id"] == "job_2"
    assert record["buttons"] == [
        {"label": "Retry with Hailuo 2.0", "action": "retry", "job_id": "job_2", "model_key": "hailuo-2.0"},
        {"label": "Open video", "action": "open", "url": "https://example.com/v.mp4"},
    ]


async def test_the_text_channel_prints_each_reply_followed_by_a_blank_line() -> None:
    out = io.StringIO()
    channel = TerminalChannel(out)
    first = await channel.send(CHAT, Reply(kind=ReplyKind.NOTICE, text="🎬 Starting", job_id="job_1"))
    second = await channel.send(
        CHAT, Reply(kind=ReplyKind.PROGRESS, text="⏳ 50%", job_id="job_1"), replace=first
    )
    assert (first, second) == ("cli-1", "cli-2")  # a terminal cannot edit: progress is a new line
    assert out.getvalue() == "🎬 Starting\n\n⏳ 50%\n\n"


async def test_the_jsonl_channel_prints_one_object_per_line() -> None:
    out = io.StringIO()
    channel = TerminalChannel(out, jsonl=True)
    for reply in (Reply(kind=ReplyKind.TEXT, text="a\nb"), VIDEO, FAILURE):
        await channel.send(CHAT, reply)
    lines = out.getvalue().splitlines()
    assert [json.loads(line)["kind"] for line in lines] == ["text", "video", "failure"]
    assert json.loads(lines[0])["text"] == "a\nb"
