"""The ``videobot`` command: ``run`` (every configured adapter) and ``chat`` (the terminal)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.settings import Settings, SettingsError, load_settings
from bot.terminal import run_chat
from bot.wiring import build_app


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="videobot", description="A chat bot for AI video generation.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="start every adapter whose settings are present (default: terminal chat)")
    chat = commands.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument("--user", default="me", help="your user name (preferences are kept per user)")
    chat.add_argument(
        "--lang", choices=("zh", "en"), help="reply language (default: the language you write in)"
    )
    chat.add_argument(
        "--jsonl", action="store_true", help="print each bot message as one JSON object per line"
    )
    return parser


async def _chat(settings: Settings, user: str, lang: str | None, jsonl: bool) -> int:
    app = build_app(settings)
    app.start()
    try:
        return await run_chat(
            app, user=user, lang="en" if lang == "en" else "zh" if lang else None, jsonl=jsonl
        )
    finally:
        await app.aclose()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"videobot: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    command = args.command or "run"
    try:
        if command == "chat":
            return asyncio.run(_chat(settings, args.user, args.lang, args.jsonl))
        # No chat platform is configured yet in this build: `run` opens the terminal chat.
        return asyncio.run(_chat(settings, "me", None, False))
    except KeyboardInterrupt:
        return 130
