"""How a reply looks on Discord: plain content (at most 2000 characters), buttons, and the video file."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from typing import Any

import discord

from bot.discord_bot.host import NO_MENTIONS
from bot.discord_bot.views import reply_view
from bot.inert import inert
from messages import delivery_fallback, offline_video_note
from messages.platform_discord import status_title
from messages.reply import Lang, Reply, ReplyKind

MAX_CONTENT = 2000
MAX_EMBED_TEXT = 4096  # an embed description
VIDEO_FILENAME = "video.mp4"
NONCE_CHARS = 25  # Discord's limit


@dataclass(frozen=True)
class Draft:
    """One message to show: its content, optional buttons and an optional video upload."""

    content: str
    view: discord.ui.View | None = None
    video: bytes | None = None
    nonce: str | None = None  # a bot send with it is shown once however often it is retried
    suppress_embeds: bool = False  # the link after a video: no second player unfurled under it
    embed: discord.Embed | None = None  # a status message's running and last states

    def files(self) -> list[discord.File]:
        """A fresh upload each time (a ``discord.File`` is consumed by one request)."""
        if self.video is None:
            return []
        return [discord.File(io.BytesIO(self.video), filename=VIDEO_FILENAME)]

    def send_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"content": clamp(plain(self.content)), "allowed_mentions": NO_MENTIONS}
        if self.embed is not None:
            kwargs["embed"] = self.embed
            kwargs["content"] = None
        if self.view is not None:
            kwargs["view"] = self.view
        if self.video is not None:
            kwargs["files"] = self.files()
        if self.suppress_embeds:
            kwargs["suppress_embeds"] = True
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "content": clamp(plain(self.content)) if self.embed is None else None,
            "allowed_mentions": NO_MENTIONS,
            "view": self.view,
            "embed": self.embed,  # None removes a status embed (the video takes its place)
        }
        if self.video is not None:
            kwargs["attachments"] = self.files()
        return kwargs


def plain(text: str) -> str:
    """Our words carry no markdown, so any in a Discord message came from echoed user text: escaped
    (bold, headers, quotes, spoilers, code, masked links), links left as they are; mentions stay off."""
    parts = _LINK.split(text)  # links at odd positions
    return inert("".join(p if i % 2 else discord.utils.escape_markdown(p) for i, p in enumerate(parts)))


_LINK = re.compile(r"((?:https?|file)://\S+)")


def clamp(text: str, limit: int = MAX_CONTENT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def draft_of(reply: Reply, lang: Lang = "zh") -> Draft:
    """A reply as one message. The link after a video suppresses its embed (the video plays above it),
    and a local file (the offline sandbox) is no link at all: a note says so."""
    text = reply.text
    if reply.kind is ReplyKind.LINK and "file://" in text:
        text = offline_video_note(lang)
    suppress = reply.kind is ReplyKind.LINK
    view, nonce = reply_view(reply.buttons, lang), nonce_of(reply)
    embed = status_embed(reply.kind, text, lang) if reply.kind in STATUS else None
    return Draft(content=clamp(text), view=view, nonce=nonce, suppress_embeds=suppress, embed=embed)


STATUS = frozenset({ReplyKind.NOTICE, ReplyKind.PROGRESS, ReplyKind.CANCELLED})


def status_embed(kind: ReplyKind, text: str, lang: Lang) -> discord.Embed:
    """The status message while it runs (blue: model, time and cost, the bar, the progress) and once
    cancelled (grey); the user's echoed words are escaped like any content."""
    cancelled = kind is ReplyKind.CANCELLED
    return discord.Embed(
        title=status_title(lang, cancelled=cancelled),
        description=clamp(plain(text), MAX_EMBED_TEXT),
        colour=discord.Colour.light_grey() if cancelled else discord.Colour.blurple(),
    )


def nonce_of(reply: Reply, variant: str = "") -> str | None:
    """Discord's ``nonce`` (at most 25 characters) for a job's step: ``<job id>:<kind>`` (and the text
    for plain text, which a job may send more than once), hashed; ``variant`` tells apart another form
    of the same step."""
    if not reply.job_id:
        return None
    step = f"{reply.job_id}:{reply.kind.value}{variant}"
    if reply.kind is ReplyKind.TEXT:
        step += ":" + reply.text
    return hashlib.sha256(step.encode()).hexdigest()[:NONCE_CHARS]


def with_suffix(caption: str, *lines: str) -> str:
    """``caption`` and then ``lines``, shortening the caption so the whole fits one message."""
    suffix = "".join(f"\n{line}" for line in lines)
    return clamp(caption, max(1, MAX_CONTENT - len(suffix))) + suffix


def video_draft(reply: Reply, video: bytes | None, lang: Lang, *, web: bool) -> Draft:
    """The playable video: attached when we hold its bytes, else its URL when it is a web link we may
    show (``web``: see :class:`bot.videofiles.VideoSources`; Discord unfurls a player)."""
    assert reply.video_url is not None
    nonce, view = nonce_of(reply), reply_view(reply.buttons)
    if video is not None:
        return Draft(content=clamp(reply.text), video=video, nonce=nonce, view=view)
    if web:
        return Draft(content=with_suffix(reply.text, reply.video_url), nonce=nonce, view=view)
    return Draft(content=with_suffix(reply.text, delivery_fallback(lang)), nonce=nonce, view=view)


def upload_failed_draft(reply: Reply, lang: Lang, *, web: bool) -> Draft:
    """The video could not be uploaded: say so, and give its URL when it is a web address."""
    assert reply.video_url is not None
    lines = [delivery_fallback(lang)]
    if web:
        lines.append(reply.video_url)
    return Draft(
        content=with_suffix(reply.text, *lines),
        nonce=nonce_of(reply, ":link-only"),
        view=reply_view(reply.buttons),
    )
