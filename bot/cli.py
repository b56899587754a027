"""The ``videobot`` command: ``run``, ``chat``, ``jobs``, ``credits``, the admin's ``usage``,
``budget``, ``admin`` and ``audit``, and the database's ``db``, ``migrate-sqlite`` and ``prefs``.
Setup problems: one line, exit 2."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

from bot import eventloop, interpreter, logs
from bot.lifecycle import AdapterError, DataDirBusy, hold_data_dir, stop_signals
from bot.operator import list_jobs, run_admin, show_credits, show_job
from bot.settings import Settings, SettingsError, load_settings
from bot.terminal import run_chat
from bot.wiring import build_app
from handlers.jobs import JobState
from handlers.ledger import LedgerError
from messages.reply import Lang


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="videobot", description="A chat bot for AI video generation.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser(
        "run", help="start every chat platform whose settings are present (none: terminal chat)"
    )
    chat = commands.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument("--user", default="me", help="your user name (preferences and jobs are kept per user)")
    chat.add_argument(
        "--lang", choices=("zh", "en"), help="reply language (default: the language you write in)"
    )
    chat.add_argument(
        "--jsonl", action="store_true", help="print each bot message as one JSON object per line"
    )
    commands.add_parser("credits", help="each configured provider's balance")
    discord = commands.add_parser("discord", help="Discord operator commands")
    discord_commands = discord.add_subparsers(dest="discord_command", required=True)
    sync = discord_commands.add_parser("sync", help="register the slash commands now (global, or one guild)")
    sync.add_argument("--guild", type=int, help="a guild id: commands appear there at once")
    sync.add_argument("--force", action="store_true", help="send them even if unchanged since the last sync")
    jobs = commands.add_parser("jobs", help="recent jobs with state, model, cost and age; `jobs show ID`")
    jobs.add_argument("show", nargs="*", metavar="show ID", help="print one job's history")
    jobs.add_argument("--state", choices=[s.value for s in JobState], help="only jobs in this state")
    jobs.add_argument("--user", help="only this user, e.g. cli:alice or feishu:ou_xxx")
    jobs.add_argument("--limit", type=int, default=50, help="at most this many jobs (default 50)")
    usage = commands.add_parser("usage", help="a user's or chat's spending: `usage user feishu:ou_x`")
    usage.add_argument("words", nargs="+", metavar="user|chat KEY")
    budget = commands.add_parser(
        "budget", help="change a budget: `budget user feishu:ou_x day 5`, `... month none`, `... reset`"
    )
    budget.add_argument("words", nargs="+", metavar="user|chat KEY day|month|job US$|none|reset")
    admin = commands.add_parser(
        "admin", help="any admin command: `admin block feishu:ou_x`, `admin access feishu:dms off`, ..."
    )
    admin.add_argument("words", nargs="+", metavar="WORDS")
    commands.add_parser("audit", help="the admins' recent actions (who, when, what)")
    db = commands.add_parser("db", help="the PostgreSQL database (VIDEOBOT_DATABASE_URL): status, upgrade")
    db.add_argument("db_command", choices=("status", "upgrade"))
    migrate = commands.add_parser(
        "migrate-sqlite", help="copy the SQLite ledger (jobs, history, usage, budgets, audit) into PostgreSQL"
    )
    migrate.add_argument("--from", dest="source", type=Path, help="the ledger file (default: the data dir's)")
    prefs = commands.add_parser("prefs", help="PostgreSQL preferences to or from the seed's JSON file")
    prefs.add_argument("prefs_command", choices=("export", "import"))
    prefs.add_argument("file", type=Path)
    return parser


async def _chat(settings: Settings, user: str, lang: str | None, jsonl: bool) -> int:
    with hold_data_dir(settings.data_dir), stop_signals() as stopped:
        app = build_app(settings)
        try:
            await app.prepare()
            app.start()
            chat_lang: Lang | None = "en" if lang == "en" else "zh" if lang else None
            return await run_chat(app, user=user, lang=chat_lang, jsonl=jsonl, stopped=stopped)
        finally:
            await app.aclose()


async def _discord_sync(settings: Settings, guild: int | None, force: bool) -> int:
    # The chat platforms' SDKs load only for the commands that use them (`videobot chat` starts faster).
    import discord

    from bot.discord_bot import load_discord_settings, sync_commands

    discord_settings = load_discord_settings()
    if not discord_settings.configured:
        print("videobot: DISCORD_BOT_TOKEN is not set", file=sys.stderr)
        return 2
    try:
        print(await sync_commands(discord_settings, settings.data_dir, guild, force))
    except discord.LoginFailure:
        print("videobot: Discord refused the bot token (DISCORD_BOT_TOKEN)", file=sys.stderr)
        return 2
    except discord.HTTPException as exc:
        print(f"videobot: Discord refused the sync ({exc.status})", file=sys.stderr)
        return 1
    return 0


async def _database(settings: Settings, args: argparse.Namespace) -> int:
    # The PostgreSQL driver loads only for the commands that use it.
    from bot import database

    out, err = sys.stdout, sys.stderr
    if args.command == "migrate-sqlite":
        return await database.migrate_sqlite(settings, args.source, out, err)
    if args.command == "prefs":
        return await database.prefs_transfer(settings, args.prefs_command, args.file, out, err)
    if args.db_command == "status":
        return await database.db_status(settings, out, err)
    return await database.db_upgrade(settings, out, err)


async def _jobs(settings: Settings, args: argparse.Namespace) -> int:
    if args.show:
        if len(args.show) != 2 or args.show[0] != "show":
            print("videobot: usage: videobot jobs [show ID] [--state STATE] [--user USER]", file=sys.stderr)
            return 2
        return await show_job(settings, sys.stdout, args.show[1])
    state = JobState(args.state) if args.state else None
    return await list_jobs(settings, sys.stdout, state=state, user=args.user, limit=args.limit)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"videobot: {exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format)
    interpreter.tune()
    # A tick skipped because the previous one still runs is by design (coalesced timers), not news.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    logging.getLogger("discord").setLevel(logging.DEBUG if settings.log_level == "DEBUG" else logging.ERROR)

    def run(main: Coroutine[Any, Any, int]) -> int:
        return eventloop.run(main, settings.event_loop)

    try:
        if args.command == "discord":
            return run(_discord_sync(settings, args.guild, args.force))
        if args.command == "credits":
            return run(show_credits(settings, sys.stdout))
        if args.command == "jobs":
            return run(_jobs(settings, args))
        if args.command in ("usage", "budget", "admin", "audit"):
            words = {"admin": [], "audit": ["log"]}.get(args.command, [args.command])
            return run(run_admin(settings, sys.stdout, [*words, *getattr(args, "words", [])]))
        if args.command in ("db", "migrate-sqlite", "prefs"):
            return run(_database(settings, args))
        if args.command == "chat":
            return run(_chat(settings, args.user, args.lang, args.jsonl))
        from bot.runner import run_bot

        return run(run_bot(settings))
    except (LedgerError, SettingsError, AdapterError, DataDirBusy) as exc:
        print(f"videobot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
