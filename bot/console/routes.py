"""The console's page and JSON API under ``/console``, behind ``VIDEOBOT_CONSOLE_TOKEN``.

Every request carries the token: as ``Authorization: Bearer <token>``, or the cookie that opening
``/console?token=<token>`` once sets. Without a token configured the console is off (404).
Admin actions are the spending guard's own commands (``/admin ...``), audited as ``console:operator``.
"""

from __future__ import annotations

import logging
from importlib import resources
from typing import Any

from aiohttp import web
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot import metrics as loop_lag
from bot.console.views import balance_row, job_detail, job_row
from bot.web.identity import Gate, token_matches
from bot.webpages import filled_page, static_file
from bot.webserver import WebServer
from bot.wiring import App
from handlers.admin.commands import BadCommand, parse_admin
from handlers.inbound import ChatRef
from handlers.jobs import JobState
from messages.web import console_locked, console_strings
from providers.balances import balances

log = logging.getLogger(__name__)
STATIC = resources.files("bot.console") / "static"
PREFIX = "/console"
SCAN = 1000  # jobs looked through for a filter on chat or provider
CONSOLE_COOKIE = "videobot_console"


class ConsoleSettings(BaseSettings):
    """``VIDEOBOT_CONSOLE_TOKEN``: the operator console's token (unset: no console)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    token: SecretStr | None = Field(default=None, validation_alias="VIDEOBOT_CONSOLE_TOKEN")


class Console:
    """Mounted on our HTTP server when a token is set."""

    def __init__(self, app: App, token: str) -> None:
        self._app = app
        self._gate = Gate(token, cookie=CONSOLE_COOKIE)
        self._token = token

    def mount(self, server: WebServer) -> None:
        server.add_route("GET", PREFIX, self.page)
        server.add_prefix_route("GET", f"{PREFIX}/static/", self.static)
        server.add_prefix_route("GET", f"{PREFIX}/api/", self.read)
        server.add_prefix_route("POST", f"{PREFIX}/api/", self.act)

    # -- the page -----------------------------------------------------------------------------------

    async def page(self, request: web.Request) -> web.StreamResponse:
        lang = self._app.settings.lang
        if not self._gate.allows(request):
            return web.Response(status=401, text=console_locked(lang))
        strings = console_strings(lang)
        states = [state.value for state in JobState]
        body = filled_page(
            STATIC, "console.html", title=strings["title"], data={"strings": strings, "states": states}
        )
        response = web.Response(text=body, content_type="text/html", headers=_HEADERS)
        self._gate.remember(request, response)
        return response

    async def static(self, request: web.Request) -> web.StreamResponse:
        return static_file(STATIC, request.path.removeprefix(f"{PREFIX}/static/"))

    # -- the API ------------------------------------------------------------------------------------

    async def read(self, request: web.Request) -> web.StreamResponse:
        self._check(request)
        parts = request.path.removeprefix(f"{PREFIX}/api/").split("/")
        match parts:
            case ["jobs"]:
                return web.json_response(await self._jobs(request.query))
            case ["jobs", job_id]:
                return web.json_response(await self._job(job_id))
            case ["balances"]:
                return web.json_response([balance_row(b) for b in await balances(self._app.providers)])
            case ["figures"]:
                figures = await self._app.jobs.figures()
                charged = [
                    {"provider": provider, "unit": unit, "credits": credits}
                    for (provider, unit), credits in sorted(figures.charged.items())
                ]
                return web.json_response(
                    {"jobs": figures.jobs_by_state, "charged": charged, "loop_lag_s": loop_lag.last}
                )
        raise web.HTTPNotFound()

    async def act(self, request: web.Request) -> web.StreamResponse:
        self._check(request)
        parts = request.path.removeprefix(f"{PREFIX}/api/").split("/")
        match parts:
            case ["jobs", job_id, "cancel"]:
                outcome, job = await self._app.flow.cancel(job_id)
                if job is None:
                    raise web.HTTPNotFound()
                log.info("console: job %s cancelled by an operator (%s)", job_id, outcome.value)
                return web.json_response({"outcome": outcome.value, "state": job.state.value})
            case ["admin"]:
                return web.json_response({"answer": await self._admin(request)})
        raise web.HTTPNotFound()

    def _check(self, request: web.Request) -> None:
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() or None
        if not (token_matches(bearer, self._token) or self._gate.allows(request)):
            raise web.HTTPUnauthorized(text=console_locked(self._app.settings.lang))
        if request.method == "POST" and request.headers.get("Sec-Fetch-Site", "same-origin") not in (
            "same-origin",
            "none",
        ):
            raise web.HTTPForbidden()  # a cookie sent by another site's form

    async def _jobs(self, query: Any) -> list[dict[str, Any]]:
        state = JobState(query["state"]) if query.get("state") in set(JobState) else None
        limit = max(1, min(int(query.get("limit", "100")) if query.get("limit", "").isdigit() else 100, 500))
        chat, provider = query.get("chat", ""), query.get("provider", "")
        scan = SCAN if chat or provider else limit
        jobs = await self._app.jobs.recent(state=state, user_key=query.get("user") or None, limit=scan)
        rows = [job_row(job) for job in jobs]
        rows = [
            r for r in rows if (not chat or r["chat"] == chat) and (not provider or r["provider"] == provider)
        ]
        return rows[:limit]

    async def _job(self, job_id: str) -> dict[str, Any]:
        job = await self._app.jobs.get(job_id, photos=False)
        if job is None:
            raise web.HTTPNotFound()
        return job_detail(job, await self._app.jobs.history(job_id))

    async def _admin(self, request: web.Request) -> str:
        try:
            body = await request.json()
        except ValueError:
            raise web.HTTPBadRequest() from None
        words = str(body.get("command", "")).strip() if isinstance(body, dict) else ""
        line = words if words.startswith("/admin") else f"/admin {words}"
        try:
            parse_admin(line)
        except BadCommand:
            raise web.HTTPBadRequest(text="not an admin command") from None
        operator = ChatRef(
            platform="console", chat_id="console", user_id="operator", lang=self._app.settings.lang
        )
        return await self._app.conversation.operate(operator, line)


_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
