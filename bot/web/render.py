"""A reply as the page draws it: one JSON object (kind, words, progress, video, buttons).

A finished video from the offline sandbox is a file of ours: the page gets ``/media/<name>`` for it,
served only to the person it was made for. A web link is passed as it is when we may show it
(:class:`bot.videofiles.VideoSources`); anything else is never handed to the browser.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from bot.videofiles import VideoSources
from bot.web.transcript import Entry
from messages.reply import Lang, Reply
from providers.types import ImageInput

MEDIA_PREFIX = "/media/"
_FILE_URL = re.compile(r"file://\S+")


def new_message_id() -> str:
    return uuid.uuid4().hex


class MediaLinks:
    """Turns the links of a reply into what the page may load."""

    def __init__(self, sources: VideoSources) -> None:
        self._sources = sources

    def page_url(self, url: str | None) -> str | None:
        """``/media/<name>`` for a video file of ours, the link itself for a web link we trust."""
        if (path := self._sources.local(url)) is not None:
            return MEDIA_PREFIX + path.name
        return url if self._sources.web(url) else None

    def in_text(self, text: str) -> tuple[str, list[str]]:
        """A local file's link inside words (the sandbox's step 3.2) becomes its page link; with the
        names of the files so linked (never names the words merely mention)."""
        names: list[str] = []

        def link(found: re.Match[str]) -> str:
            url = self.page_url(found.group(0)) or ""
            if url.startswith(MEDIA_PREFIX):
                names.append(url.removeprefix(MEDIA_PREFIX))
            return url

        return _FILE_URL.sub(link, text), names


def bot_entry(reply: Reply, lang: Lang, links: MediaLinks, message_id: str) -> Entry:
    """What the page shows for ``reply`` (``files``: the media names this person may load)."""
    video, poster = links.page_url(reply.video_url), links.page_url(reply.cover_url)
    text, linked = links.in_text(reply.text)
    files = [
        url.removeprefix(MEDIA_PREFIX) for url in (video, poster) if url and url.startswith(MEDIA_PREFIX)
    ]
    entry: Entry = {
        "id": message_id,
        "from": "bot",
        "kind": reply.kind.value,
        "text": text,
        "lang": lang,
        "job": reply.job_id,
        "percent": reply.percent,
        "video": video,
        "poster": poster,
        "buttons": [_button(button.model_dump(exclude_none=True), links) for button in reply.buttons],
        "files": sorted({*files, *linked}),
    }
    return entry


def own_entry(message_id: str, text: str, images: tuple[ImageInput, ...], lang: Lang) -> Entry:
    """The person's own message as the page shows it again: words and the photos' names (under the
    page's own id for it, so a message sent again is shown once)."""
    return {
        "id": message_id,
        "from": "me",
        "text": text,
        "lang": lang,
        "photos": [image.filename or "photo" for image in images],
    }


def _button(button: dict[str, Any], links: MediaLinks) -> dict[str, Any]:
    if "url" in button:
        url = links.page_url(button["url"])
        button = {key: value for key, value in button.items() if key != "url"} | ({"url": url} if url else {})
    return button
