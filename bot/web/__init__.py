"""The web chat: the embedded default of ``videobot run``, a chat page on our HTTP server."""

from bot.web.adapter import start_web_chat
from bot.web.settings import WebSettings

__all__ = ["WebSettings", "start_web_chat"]
