"""Admins in the chat and in the CLI: usage, budgets, blocks, pauses, access at run time, and the audit
of every action (issue 10). The admin is ``cli:root``; everyone else is a member."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from handlers.access import Gate, Who
from handlers.budgets import Scope
from handlers.inbound import ChatRef, InboundMessage
from handlers.jobs import JobState
from tests.bot.test_chat_providers import providers
from tests.support import Chat, running_app, settings_for

ROOT = Path(__file__).resolve().parents[2]
ADMIN: dict[str, Any] = {"VIDEOBOT_ADMINS": "cli:root"}
PROMPT = "make a video of a paper boat on a pond"


async def test_a_member_cannot_use_admin_commands(tmp_path: Path) -> None:
    async with running_app(tmp_path, **ADMIN) as (app, channel):
        member = Chat(app, "ann", lang="en")
        await member.say("/admin block ann")
        controls = await app.jobs.controls()
        log = await app.jobs.audit_log()
    assert channel.of("ann")[-1].text == "Only admins can use this command 🙂"
    assert controls == {} and log == []


async def test_budget_raise_lower_reset_with_usage_and_audit(tmp_path: Path) -> None:
    async with (
        providers("ima") as (fakes, env),
        running_app(tmp_path, **env, **ADMIN, VIDEOBOT_BUDGET_USER_DAILY="0.50") as (app, channel),
    ):
        root, ann = Chat(app, "root", lang="en"), Chat(app, "ann", lang="en")
        await ann.say(PROMPT)
        await ann.settle(30)
        await ann.say(PROMPT)  # 40 + 40 points > $0.50
        await ann.settle(30)
        assert len(fakes["ima"].tasks) == 1
        await root.say("/admin budget user ann day 2")
        await ann.say(PROMPT)
        await ann.settle(30)
        assert len(fakes["ima"].tasks) == 2
        await root.say("/admin usage user ann")
        usage_text = channel.of("root")[-1].text
        await root.say("/admin budget user ann reset")
        await ann.say(PROMPT)
        await ann.settle(30)
        await root.say("/admin log")
        log = await app.jobs.audit_log()
    assert len(fakes["ima"].tasks) == 2  # back to $0.50 a day: the third did not fit
    assert "Usage of cli:ann" in usage_text and "80 credits (about $0.80) used" in usage_text
    assert "200 credits (about $2.00) a day" in usage_text and "Recent videos:" in usage_text
    assert [(e.actor, e.action, e.target) for e in log] == [
        ("cli:root", "budget reset", "user:cli:ann"),
        ("cli:root", "budget", "user:cli:ann"),
    ]
    assert log[1].detail == "day $2.00"
    assert "budget reset user:cli:ann" in channel.of("root")[-1].text


async def test_block_and_unblock_a_user(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), running_app(tmp_path, **env, **ADMIN) as (app, channel):
        root, ann = Chat(app, "root", lang="en"), Chat(app, "ann", lang="en")
        await root.say("/admin block ann")
        assert not app.access.allows("cli", Who(private=True, chat_id="ann", user_id="ann"))
        await ann.say(PROMPT)  # a message that got past the adapter: refused at admission
        await ann.settle(10)
        assert not fakes["ima"].tasks
        assert "You can't make videos here for now" in channel.of("ann")[-1].text
        await root.say("/admin unblock ann")
        await ann.say(PROMPT)
        await ann.settle(30)
        jobs = await app.jobs.recent(user_key="cli:ann")
    assert [job.state for job in jobs] == [JobState.DELIVERED] and len(fakes["ima"].tasks) == 1
    assert app.access.allows("cli", Who(private=True, chat_id="ann", user_id="ann"))


async def test_pause_and_resume_the_bot_in_a_group(tmp_path: Path) -> None:
    async with running_app(tmp_path, **ADMIN) as (app, channel):

        def in_room(user: str, number: int, text: str) -> InboundMessage:
            chat = ChatRef(platform="cli", chat_id="room", user_id=user, lang="en", space="room")
            return InboundMessage(chat=chat, message_id=f"{user}-{number}", text=text)

        await app.conversation.handle(in_room("root", 1, "/admin pause"))
        group = Who(private=False, chat_id="room", user_id="ann")
        assert not app.access.allows("cli", group)
        assert app.access.allows("cli", Who(private=False, chat_id="room", user_id="root"))  # admins pass
        await app.conversation.handle(in_room("ann", 1, PROMPT))
        await Chat(app, "ann").settle(10)
        assert "An admin has paused video making here" in channel.of("ann")[-1].text
        await app.conversation.handle(in_room("root", 2, "/admin resume"))
        await app.conversation.handle(in_room("ann", 2, PROMPT))
        await Chat(app, "ann").settle(30)
        jobs = await app.jobs.recent(user_key="cli:ann")
        await app.conversation.handle(in_room("root", 3, "/admin usage chat"))
    assert [job.state for job in jobs] == [JobState.DELIVERED] and app.access.allows("cli", group)
    usage = channel.of("root")[-1].text
    assert (
        usage.startswith("📊 Usage of cli:room") and "Today: $0.00 used; $20.00 left; $20.00 a day" in usage
    )
    assert "⏸️ The bot is paused in cli:room" in channel.texts("root")


async def test_access_gates_and_lists_change_at_run_time(tmp_path: Path) -> None:
    async with running_app(tmp_path, **ADMIN) as (app, channel):
        root = Chat(app, "root", lang="en")
        stranger = Who(private=True, chat_id="dm", user_id="ou_x")
        assert app.access.allows("feishu", stranger)
        await root.say("/admin access feishu:dms allowlist")
        assert app.access.policy("feishu").dms is Gate.ALLOWLIST
        assert not app.access.allows("feishu", stranger)
        await root.say("/admin allow user feishu:ou_x")
        assert app.access.allows("feishu", stranger)
        await root.say("/admin disallow user feishu:ou_x")
        assert not app.access.allows("feishu", stranger)
        await root.say("/admin fly to the moon")
    assert "I didn't understand that admin command." in channel.of("root")[-1].text
    assert "Direct messages are now for the allowlist only" in channel.texts("root")


async def test_the_cli_changes_budgets_and_lists_the_audit(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("IMA_", "VIDEOBOT_"))},
        "VIDEOBOT_DATA_DIR": str(tmp_path),
        "VIDEOBOT_LANG": "en",
    }

    async def videobot(*args: str) -> tuple[int, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, env=env, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, _ = await process.communicate()
        return process.returncode or 0, out.decode()

    assert (await videobot("budget", "user", "feishu:ou_a", "day", "7.5"))[0] == 0
    assert (await videobot("admin", "block", "discord:42"))[0] == 0
    code, usage = await videobot("usage", "user", "feishu:ou_a")
    assert code == 0 and "$7.50 a day" in usage
    code, audit = await videobot("audit")
    assert code == 0 and "block discord:42" in audit and "budget user:feishu:ou_a day $7.50" in audit
    code, wrong = await videobot("budget", "user")
    assert code == 2 and "I didn't understand that admin command." in wrong
    async with running_app(tmp_path) as (app, _channel):  # the bot reads what the CLI wrote
        usage_now = await app.jobs.usage(Scope.USER, "feishu:ou_a", app.settings.budget, app.timescale.now())
        await app.prepare()
    assert usage_now.day_limit == 750_000
    assert not app.access.allows("discord", Who(private=True, chat_id="d", user_id="42"))
    assert settings_for(tmp_path).admin_keys == frozenset()
