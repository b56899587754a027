"""The web chat's routes: the page (``/``), its files (``/static/``), its WebSocket (``/ws``) and the
videos it plays (``/media/``), on our shared :class:`bot.webserver.WebServer`."""

from __future__ import annotations

import logging
from importlib import resources
from urllib.parse import urlsplit

from aiohttp import web

from bot.web.channel import PLATFORM, WebChannel
from bot.web.frames import MAX_PHOTO_BYTES, MAX_PHOTOS
from bot.web.identity import Gate, browser_secret, new_secret, set_identity, user_id_of
from bot.web.render import MEDIA_PREFIX
from bot.web.session import PageSession
from bot.webpages import filled_page, static_file
from bot.webserver import WebServer
from bot.wiring import App
from handlers.background import Background
from messages.reply import Lang
from messages.web import needs_link, page_strings

log = logging.getLogger(__name__)
STATIC = resources.files("bot.web") / "static"


class WebChat:
    """Serves the chat page to browsers; each browser is one person (a cookie)."""

    def __init__(self, app: App, channel: WebChannel, gate: Gate, *, secure: bool = False) -> None:
        self._app = app
        self._channel = channel
        self._gate = gate
        self._secure = secure  # cookies only over https (the chat behind a TLS proxy)
        self.work = Background()  # messages and taps being handled; drained on a stop

    def mount(self, server: WebServer) -> None:
        server.add_route("GET", "/", self.page)
        server.add_route("GET", "/ws", self.socket)
        server.add_route("GET", "/favicon.ico", _no_icon)
        server.add_prefix_route("GET", "/static/", self.static)
        server.add_prefix_route("GET", MEDIA_PREFIX, self.media)
        server.add_health_check(PLATFORM, lambda: True)

    async def page(self, request: web.Request) -> web.StreamResponse:
        lang: Lang = "zh" if request.headers.get("Accept-Language", "").lower().startswith("zh") else "en"
        if not self._gate.allows(request):
            return web.Response(status=401, text=needs_link(lang), content_type="text/plain")
        mb = MAX_PHOTO_BYTES // 2**20
        strings = {"zh": page_strings("zh", max_photo_mb=mb), "en": page_strings("en", max_photo_mb=mb)}
        limits = {"max_photo_bytes": MAX_PHOTO_BYTES, "max_photos": MAX_PHOTOS}
        body = filled_page(
            STATIC, "index.html", title=strings[lang]["title"], data={"strings": strings, "limits": limits}
        )
        response = web.Response(text=body, content_type="text/html", headers=_NO_CACHE | _PAGE_POLICY)
        if browser_secret(request) is None:
            set_identity(response, new_secret(), secure=self._secure)
        self._gate.remember(request, response)
        return response

    async def static(self, request: web.Request) -> web.StreamResponse:
        return static_file(STATIC, request.path.removeprefix("/static/"), _NO_CACHE)

    async def media(self, request: web.Request) -> web.StreamResponse:
        """A video or cover of ours, only for the person it was made for (it is in their transcript)."""
        secret = browser_secret(request)
        name = request.path.removeprefix(MEDIA_PREFIX)
        if secret is None or not self._gate.allows(request) or "/" in name or not self._owns(secret, name):
            raise web.HTTPNotFound()
        path = self._app.settings.videos_dir / name
        if not path.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(path)

    async def socket(self, request: web.Request) -> web.StreamResponse:
        secret = browser_secret(request)
        if secret is None or not self._gate.allows(request):
            raise web.HTTPUnauthorized()
        if not same_origin(request):
            raise web.HTTPForbidden()  # another site's page opening our socket with the person's cookie
        session = PageSession(self._app, self._channel, user_id_of(secret), self.work)
        return await session.serve(request)

    def _owns(self, secret: str, name: str) -> bool:
        entries = self._channel.transcripts.entries(user_id_of(secret))
        return any(name in entry.get("files", ()) for entry in entries)


def same_origin(request: web.Request) -> bool:
    """A browser always sends ``Origin`` with a WebSocket: it must be this server's own."""
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


async def _no_icon(_: web.Request) -> web.Response:
    return web.Response(status=204)


_NO_CACHE = {"Cache-Control": "no-store"}
# The page loads nothing from elsewhere; videos may come from a provider's https link.
_PAGE_POLICY = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' https: http: data: blob:; "
    "media-src 'self' https: http:; connect-src 'self'; style-src 'self'; script-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
