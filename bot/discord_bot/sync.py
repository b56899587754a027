"""Command sync: only when the command schema changed (Discord allows 200 creates a day per guild).

The hash of exactly what would be sent is kept per application and scope in
``<data dir>/discord-commands.json``; ``videobot discord sync`` is the operator's way to sync by hand.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bot.discord_bot.commands import add_commands
from bot.discord_bot.endpoints import point_at
from bot.discord_bot.settings import DiscordSettings
from bot.discord_bot.translator import MessagesTranslator

log = logging.getLogger(__name__)

STATE_FILE = "discord-commands.json"


def state_file(data_dir: Path) -> Path:
    return data_dir / STATE_FILE


async def command_payload(tree: app_commands.CommandTree[Any], guild: discord.Object | None) -> list[Any]:
    """The commands exactly as ``tree.sync(guild=...)`` would send them."""
    translator = tree.translator
    commands = tree.get_commands(guild=guild)
    if translator is None:
        return [command.to_dict(tree) for command in commands]
    return [await command.get_translated_payload(tree, translator) for command in commands]


def schema_hash(payload: list[Any]) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


async def sync_scope(
    tree: app_commands.CommandTree[Any], state_path: Path, guild_id: int | None, *, force: bool
) -> str:
    """Sync globally (``guild_id`` None) or to one guild when the schema changed or ``force``; a summary."""
    guild = discord.Object(id=guild_id) if guild_id is not None else None
    where = "globally" if guild_id is None else f"to guild {guild_id}"
    if guild is not None:
        tree.copy_global_to(guild=guild)
    digest = schema_hash(await command_payload(tree, guild))
    key = f"{tree.client.application_id}:{'global' if guild_id is None else guild_id}"
    state = _load(state_path)
    if not force and state.get(key) == digest:
        return f"commands unchanged since the last sync {where}; nothing sent"
    synced = await tree.sync(guild=guild)
    state[key] = digest
    _save(state_path, state)
    return f"synced {len(synced)} commands {where}"


async def sync_on_start(
    tree: app_commands.CommandTree[Any], state_path: Path, guild_ids: tuple[int, ...]
) -> None:
    """At start: to the listed guilds (instant, for testing) or globally; a failure is logged, not fatal."""
    for guild_id in guild_ids or (None,):
        try:
            log.info("discord: %s", await sync_scope(tree, state_path, guild_id, force=False))
        except (discord.DiscordException, OSError) as exc:
            log.warning("discord: command sync failed: %s", type(exc).__name__)


async def sync_commands(settings: DiscordSettings, data_dir: Path, guild_id: int | None, force: bool) -> str:
    """``videobot discord sync [--guild ID] [--force]``: log in over REST only, sync, one-line summary."""
    point_at(settings)
    client = discord.Client(intents=discord.Intents.none())
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
    add_commands(tree)
    await tree.set_translator(MessagesTranslator())
    async with client:
        await client.login(settings.token)
        return await sync_scope(tree, state_file(data_dir), guild_id, force=force)


def _load(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _save(path: Path, state: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
    temporary.replace(path)
