"""Our small HTTP server, shared by adapters: ``GET /healthz`` plus the routes adapters add (webhooks,
the web chat, the console, ``/metrics``).

Routes may be added and removed while the server runs (one dispatcher looks them up per request),
so adapters and the server can start in any order. ``/healthz`` answers 200 ``{"ok": true, ...}``
while the process serves anything (any registered check passes, or none is registered), with each
check's state (e.g. ``{"feishu": true, "discord": false}``), and 503 when every check fails.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HealthCheck = Callable[[], bool]
MAX_BODY_BYTES = 1024 * 1024  # webhook bodies are small JSON


class HttpSettings(BaseSettings):
    """``VIDEOBOT_HTTP_HOST`` / ``VIDEOBOT_HTTP_PORT``: where our HTTP server listens."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    host: str = Field(default="127.0.0.1", validation_alias="VIDEOBOT_HTTP_HOST")
    port: int = Field(default=8080, ge=0, le=65535, validation_alias="VIDEOBOT_HTTP_PORT")


class WebServer:
    """An ``aiohttp.web`` server with routes registered at any time; ``port=0`` picks a free port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8080) -> None:
        self.host = host
        self.port = port
        self._routes: dict[tuple[str, str], Handler] = {}
        self._prefixes: dict[tuple[str, str], Handler] = {}  # (method, "/media/") -> handler
        self._checks: dict[str, HealthCheck] = {}
        self._runner: web.AppRunner | None = None

    @classmethod
    def from_settings(cls, settings: HttpSettings) -> WebServer:
        return cls(settings.host, settings.port)

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:8080`` (the real port once started)."""
        return f"http://{self.host}:{self.port}"

    def add_route(self, method: str, path: str, handler: Handler) -> None:
        self._routes[(method.upper(), path)] = handler

    def remove_route(self, method: str, path: str) -> None:
        self._routes.pop((method.upper(), path), None)

    def add_prefix_route(self, method: str, prefix: str, handler: Handler) -> None:
        """``handler`` answers every path under ``prefix`` (which ends with ``/``)."""
        self._prefixes[(method.upper(), prefix)] = handler

    def add_health_check(self, name: str, check: HealthCheck) -> None:
        self._checks[name] = check

    def remove_health_check(self, name: str) -> None:
        self._checks.pop(name, None)

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_route("*", "/{path:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        if self.port == 0 and server is not None and server.sockets:  # type: ignore[attr-defined]
            self.port = int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]
        log.info("http server on %s", self.url)

    async def aclose(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/healthz" and request.method in ("GET", "HEAD"):
            return self._health()
        handler = self._routes.get((request.method, request.path)) or self._under_prefix(request)
        if handler is None:
            known = any(path == request.path for _, path in self._routes)
            raise web.HTTPMethodNotAllowed(request.method, []) if known else web.HTTPNotFound()
        return await handler(request)

    def _under_prefix(self, request: web.Request) -> Handler | None:
        for (method, prefix), handler in self._prefixes.items():
            if method == request.method and request.path.startswith(prefix):
                return handler
        return None

    def _health(self) -> web.Response:
        checks: dict[str, bool] = {}
        for name, check in self._checks.items():
            try:
                checks[name] = bool(check())
            except Exception:
                log.exception("health check %s failed", name)
                checks[name] = False
        ok = any(checks.values()) or not checks
        return web.json_response({"ok": ok, "checks": checks}, status=200 if ok else 503)
