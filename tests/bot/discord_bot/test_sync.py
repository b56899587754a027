"""Command sync: at start only when the schema changed, to test guilds when listed, and by the operator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.discord_bot import sync_commands
from bot.discord_bot.sync import STATE_FILE
from bot.wiring import App
from tests.bot.discord_bot.support import StartBot, answered, discord_settings
from tests.fakes.discord import FakeDiscord


def commands_by_name(fake: FakeDiscord, scope: str = "global") -> dict[str, Any]:
    return {command["name"]: command for command in fake.commands[scope]}


async def test_commands_are_synced_once_and_again_only_when_they_change(
    fake: FakeDiscord, app: App, start_bot: StartBot
) -> None:
    async with start_bot(sync=True):
        pass
    async with start_bot(sync=True):
        pass
    assert len(fake.calls_to("commands_put")) == 1
    state_path = app.settings.data_dir / STATE_FILE
    state = json.loads(state_path.read_text(encoding="utf-8"))
    state_path.write_text(json.dumps({key: "an older schema" for key in state}), encoding="utf-8")
    async with start_bot(sync=True):
        pass
    assert len(fake.calls_to("commands_put")) == 2


async def test_the_synced_schema(fake: FakeDiscord, start_bot: StartBot) -> None:
    async with start_bot(sync=True):
        pass
    commands = commands_by_name(fake)
    assert set(commands) == {
        "video", "cancel", "status", "history", "show", "models", "prefs", "usage", "help", "admin"
    }  # fmt: skip
    (number,) = commands["show"]["options"]
    assert number["type"] == 4 and number["min_value"] == 1 and not number.get("required")
    assert commands["cancel"]["contexts"] == [0, 1] and not commands["cancel"].get("options")
    admin = commands["admin"]  # servers only, shown to those who may manage the server
    assert admin["contexts"] == [0] and str(admin["default_member_permissions"]) == str(1 << 5)
    video = commands["video"]
    assert video["contexts"] == [0, 1] and video["integration_types"] == [0]
    assert video["description"].startswith("Make a video")
    assert video["description_localizations"]["zh-CN"].startswith("生成一段视频")
    options = {option["name"]: option for option in video["options"]}
    assert options["prompt"]["required"] and options["image"]["type"] == 11
    ratios = [choice["value"] for choice in options["aspect_ratio"]["choices"]]
    assert options["model"]["autocomplete"] and ratios[:3] == ["16:9", "9:16", "1:1"]
    assert [sub["name"] for sub in commands["prefs"]["options"]] == ["show", "set", "reset"]
    for command in commands.values():
        assert len(command["description"]) <= 100
        assert all(len(o.get("description", "")) <= 100 for o in command.get("options", []))


async def test_listed_guilds_get_the_commands_instead(fake: FakeDiscord, start_bot: StartBot) -> None:
    async with start_bot(sync=True, DISCORD_GUILD_IDS=f"{fake.guild_id}"):
        pass
    assert "global" not in fake.commands
    assert set(commands_by_name(fake, str(fake.guild_id))) == {
        "video",
        "cancel",
        "status",
        "history",
        "show",
        "models",
        "prefs",
        "usage",
        "help",
        "admin",
    }


async def test_a_failed_sync_does_not_stop_the_bot(fake: FakeDiscord, app: App, start_bot: StartBot) -> None:
    fake.rate_limit("commands_put", via=False)  # a 429 without Via: discord.py raises at once
    alice = fake.person("alice")
    async with start_bot(sync=True):
        answer = await answered(fake, await fake.slash("help", by=alice))
    assert answer.content.startswith("👋")
    assert not (app.settings.data_dir / STATE_FILE).exists(), "the next start tries again"


async def test_operator_sync(fake: FakeDiscord, tmp_path: Path) -> None:
    settings = discord_settings(fake)
    first = await sync_commands(settings, tmp_path, None, False)
    again = await sync_commands(settings, tmp_path, None, False)
    forced = await sync_commands(settings, tmp_path, None, True)
    to_guild = await sync_commands(settings, tmp_path, fake.guild_id, False)
    assert first == "synced 10 commands globally" and forced == first
    assert again == "commands unchanged since the last sync globally; nothing sent"
    assert to_guild == f"synced 10 commands to guild {fake.guild_id}"
    assert len(fake.calls_to("commands_put")) == 2 and len(fake.calls_to("commands_put_guild")) == 1
    assert not fake.calls_to("gateway_ws"), "REST only"
