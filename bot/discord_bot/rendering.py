"""How a reply looks on Discord: plain content (at most 2000 characters), buttons, and the video file."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import discord

from bot.discord_bot.host import NO_MENTIONS
from bot.discord_bot.views import reply_view
from messages import delivery_fallback
from messages.reply import Lang, Reply

MAX_CONTENT = 2000
VIDEO_FILENAME = "video.mp4"


@dataclass(frozen=True)
class Draft:
    """One message to show: its content, optional buttons and an optional video upload."""

    content: str
    view: discord.ui.View | None = None
    video: bytes | None = None

    def files(self) -> list[discord.File]:
        """A fresh upload each time (a ``discord.File`` is consumed by one request)."""
        if self.video is None:
            return []
        return [discord.File(io.BytesIO(self.video), filename=VIDEO_FILENAME)]

    def send_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"content": self.content, "allowed_mentions": NO_MENTIONS}
        if self.view is not None:
            kwargs["view"] = self.view
        if self.video is not None:
            kwargs["files"] = self.files()
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"content": self.content, "allowed_mentions": NO_MENTIONS, "view": self.view}
        if self.video is not None:
            kwargs["attachments"] = self.files()
        return kwargs


def clamp(text: str, limit: int = MAX_CONTENT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def draft_of(reply: Reply) -> Draft:
    return Draft(content=clamp(reply.text), view=reply_view(reply.buttons))


def with_suffix(caption: str, *lines: str) -> str:
    """``caption`` and then ``lines``, shortening the caption so the whole fits one message."""
    suffix = "".join(f"\n{line}" for line in lines)
    return clamp(caption, max(1, MAX_CONTENT - len(suffix))) + suffix


def is_web(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def video_draft(reply: Reply, video: bytes | None, lang: Lang) -> Draft:
    """The playable video: attached when we hold its bytes, else its URL (Discord unfurls a player)."""
    assert reply.video_url is not None
    if video is not None:
        return Draft(content=clamp(reply.text), video=video)
    if is_web(reply.video_url):
        return Draft(content=with_suffix(reply.text, reply.video_url))
    return Draft(content=with_suffix(reply.text, delivery_fallback(lang)))


def upload_failed_draft(reply: Reply, lang: Lang) -> Draft:
    """The video could not be uploaded: say so, and give its URL when it is a web address."""
    assert reply.video_url is not None
    lines = [delivery_fallback(lang)]
    if is_web(reply.video_url):
        lines.append(reply.video_url)
    return Draft(content=with_suffix(reply.text, *lines))
