"""What operators get on our HTTP server: ``/metrics`` always, the console when its token is set."""

from __future__ import annotations

from dataclasses import dataclass

from bot.console import Console, ConsoleSettings
from bot.metrics import Metrics
from bot.settings import read_settings
from bot.webserver import WebServer
from bot.wiring import App


@dataclass
class Operations:
    metrics: Metrics
    console_url: str | None  # None: no token, no console


async def start_operations(
    app: App, server: WebServer, settings: ConsoleSettings | None = None
) -> Operations:
    settings = settings or read_settings(ConsoleSettings)
    metrics = Metrics(app.jobs)
    metrics.mount(server)
    console_url = None
    if settings.token is not None and settings.token.get_secret_value():
        Console(app, settings.token.get_secret_value()).mount(server)
        console_url = f"{server.url}/console"
    return Operations(metrics, console_url)
