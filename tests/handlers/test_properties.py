"""Property tests: any text at all, in any language, reaches the parser and the conversation safely.

No crash, no apology for our own bugs, no technical word in any answer (seed 001 "Never Say"), and
nothing past the size cap is read.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.conversation import MAX_MESSAGE_CHARS
from handlers.intent import parse
from messages import internal_error
from tests.messages.test_never_say import FORBIDDEN
from tests.support import Chat, running_app

# Words the parser knows mixed with anything: so generated text hits its phrases, not only noise.
CUES = st.sampled_from(
    [
        "make a video of", "做一个", "视频", "用", "以后都用", "Kling O1", "可灵", "10秒", "竖屏", "1080p",
        "always use", "the cheapest", "用便宜的", "换个模型", "yes", "好", "no", "3", "models", "余额",
        "status", "history", "进度", "我的视频", "#fail", "#slow", "<at user_id=\"all\"></at>", "[x](y)",
        "https://", "http://a/b.png", "/home/x.png", "首帧", "尾帧", "参考", "\n", "  ", "🎬",
    ]
)  # fmt: skip
TEXT = st.lists(st.one_of(CUES, st.text(max_size=40)), max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_the_parser_takes_any_text(text: str) -> None:
    parse(text, ())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT, min_size=1, max_size=4), st.sampled_from(["zh", "en", None]))
def test_the_conversation_answers_any_text_plainly(lines: list[str], lang: str | None) -> None:
    texts = asyncio.run(_talk(lines, lang))
    for text in texts:
        assert text.strip()
        assert text not in (internal_error("zh"), internal_error("en")), lines
        for pattern in FORBIDDEN:
            found = pattern.search(text)
            assert found is None or found.group(0) in " ".join(lines), (found, text)


def test_text_past_the_cap_is_never_parsed() -> None:
    texts = asyncio.run(_talk(["做一个视频 " + "雨" * MAX_MESSAGE_CHARS], "zh"))
    assert len(texts) == 1 and "最多能读" in texts[0]


async def _talk(lines: list[str], lang: str | None) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        async with running_app(Path(folder), VIDEOBOT_SHUTDOWN_GRACE_S=0) as (app, channel):
            user = Chat(app, "prop", lang=lang)  # type: ignore[arg-type]
            for line in lines:
                await user.say(line)
            return [reply.text for reply in channel.of("prop")]
