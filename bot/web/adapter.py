"""Starting the web chat on our HTTP server: its channel, its routes, and the jobs it left running."""

from __future__ import annotations

import logging

from bot.lifecycle import AdapterError
from bot.web.channel import PLATFORM, WebChannel
from bot.web.chat import WebChat
from bot.web.identity import Gate, is_loopback
from bot.web.render import MediaLinks
from bot.web.settings import WebSettings
from bot.web.transcript import Transcripts
from bot.webserver import WebServer
from bot.wiring import App

log = logging.getLogger(__name__)


async def start_web_chat(app: App, server: WebServer, settings: WebSettings) -> WebChat:
    """Mount the chat on ``server`` and pick up the web jobs a stop left unfinished.

    Refused (:class:`AdapterError`) when the server listens beyond this machine without a token.
    """
    token = settings.token.get_secret_value() if settings.token else None
    if not is_loopback(server.host) and not token:
        raise AdapterError(
            f"the web chat would be open to anyone on {server.host}: set VIDEOBOT_WEB_TOKEN "
            "(or VIDEOBOT_HTTP_HOST=127.0.0.1, or VIDEOBOT_WEB_CHAT=off)"
        )
    channel = WebChannel(
        Transcripts(app.settings.data_dir / "web"),
        MediaLinks(app.settings.video_sources),
        app.settings.lang,
    )
    app.outbox.register(PLATFORM, channel)
    chat = WebChat(app, channel, Gate(token))
    chat.mount(server)
    resumed = await app.resume({PLATFORM})
    if resumed:
        log.info("web chat: %d jobs resumed", resumed)
    return chat
