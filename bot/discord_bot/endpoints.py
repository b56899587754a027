"""Where discord.py connects: its REST base and gateway are class attributes, set once per process."""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl

from bot.discord_bot.settings import DiscordSettings


def point_at(settings: DiscordSettings) -> None:
    """Aim every REST call, interaction webhook and gateway connection at ``settings``' URLs.

    discord.py builds each URL from ``Route.BASE`` and connects a plain ``Client`` to
    ``DiscordWebSocket.DEFAULT_GATEWAY``; tests point both at a fake Discord on 127.0.0.1.
    """
    discord.http.Route.BASE = settings.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)
